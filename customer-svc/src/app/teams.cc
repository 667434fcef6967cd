// Teams (销售组): the members an archive's owner is chosen from, and the
// department archives of the team belong to.
#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/etag.h"
#include "common/idempotency.h"
#include "common/paging.h"
#include "common/resource_id.h"
#include "common/status.h"
#include "common/text.h"
#include "customer-svc/src/app/customer_use_cases.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/text_limits.h"

namespace csm::customer::app {
namespace {

absl::StatusOr<std::string> ParseTeamName(absl::string_view name,
                                          absl::string_view field) {
  if (!absl::ConsumePrefix(&name, "teams/") || !IsValidResourceId(name)) {
    return InvalidField(std::string(field),
                        "expected teams/{team} with team of [a-z0-9-]{1,63}");
  }
  return std::string(name);
}

// Members: staff ids, each listed once.
void CheckMembers(const v1::Team& team, absl::string_view prefix,
                  FieldViolations& v) {
  std::map<std::string, int> seen;
  for (int i = 0; i < team.member_ids_size(); ++i) {
    const std::string& m = team.member_ids(i);
    const std::string field = absl::StrCat(prefix, "member_ids[", i, "]");
    if (!IsValidStaffId(m)) {
      v.Add(field, absl::StrCat("a staff id of 1 to ", kMaxStaffIdLength,
                                " characters"));
    } else if (auto [it, fresh] = seen.emplace(m, i); !fresh) {
      v.Add(field, absl::StrCat("is listed twice (also member_ids[", it->second,
                                "])"));
    }
  }
}

FieldViolations ValidateTeam(const v1::Team& team, absl::string_view prefix,
                             const std::set<std::string>& only) {
  FieldViolations v;
  auto wants = [&](const char* f) { return only.empty() || only.contains(f); };
  if (wants("display_name")) {
    CheckRequiredText(absl::StrCat(prefix, "display_name"), team.display_name(),
                      kMaxDisplayNameLength, &v);
  }
  if (wants("department")) {
    CheckRequiredText(absl::StrCat(prefix, "department"), team.department(),
                      kMaxDepartmentLength, &v);
  }
  if (wants("member_ids")) CheckMembers(team, prefix, v);
  return v;
}

// The update mask's paths, each one of the updatable fields.
absl::StatusOr<std::set<std::string>> TeamUpdatePaths(
    const v1::UpdateTeamRequest& req) {
  static const std::set<std::string> kUpdatable = {"display_name", "department",
                                                   "member_ids"};
  std::set<std::string> paths;
  FieldViolations v;
  if (req.update_mask().paths().empty()) {
    v.Add("update_mask", "required: display_name, department, member_ids");
  }
  for (const std::string& p : req.update_mask().paths()) {
    if (!kUpdatable.contains(p)) {
      v.Add("update_mask",
            absl::StrCat(QuotedPath(p),
                         " is not updatable; use "
                         "display_name, department, member_ids"));
    }
    paths.insert(p);
  }
  if (v.empty()) v = ValidateTeam(req.team(), "team.", paths);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return paths;
}

}  // namespace

absl::Status CreateTeam(Backend& b, const CallContext& call,
                        const v1::CreateTeamRequest& req, v1::Team* resp) {
  FieldViolations v = ValidateTeam(req.team(), "team.", {});
  if (!IsValidResourceId(req.team_id())) {
    v.Add("team_id", "required: 1 to 63 characters of [a-z0-9-]");
  }
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return RunMutation(
      b.pool, b.outbox, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        if (b.customers.GetTeam(conn, req.team_id(), true).ok()) {
          return absl::AlreadyExistsError(
              absl::StrCat("team teams/", req.team_id(), " already exists"));
        }
        v1::Team team = req.team();
        CSM_RETURN_IF_ERROR(
            b.customers.InsertTeam(conn, req.team_id(), &team, call.start));
        *resp = std::move(team);
        return absl::OkStatus();
      });
}

absl::Status UpdateTeam(Backend& b, const CallContext& call,
                        const v1::UpdateTeamRequest& req, v1::Team* resp) {
  CSM_ASSIGN_OR_RETURN(std::string team_id,
                       ParseTeamName(req.team().name(), "team.name"));
  CSM_ASSIGN_OR_RETURN(const std::set<std::string> paths, TeamUpdatePaths(req));
  CSM_ASSIGN_OR_RETURN(int64_t expected,
                       ParseEtag(req.team().etag(), "team.etag"));
  return RunMutation(b.pool, b.outbox, call, req.request_id(), req, resp,
                     [&](MysqlConnection& conn) -> absl::Status {
                       CSM_ASSIGN_OR_RETURN(
                           TeamRecord rec,
                           b.customers.GetTeam(conn, team_id, true));
                       CSM_RETURN_IF_ERROR(
                           CheckEtag(req.team().name(), rec.version, expected));
                       v1::Team team = rec.team;
                       if (paths.contains("display_name")) {
                         team.set_display_name(req.team().display_name());
                       }
                       if (paths.contains("department")) {
                         team.set_department(req.team().department());
                       }
                       if (paths.contains("member_ids")) {
                         *team.mutable_member_ids() = req.team().member_ids();
                       }
                       CSM_RETURN_IF_ERROR(b.customers.UpdateTeam(
                           conn, team_id, &team, rec.version, call.start));
                       *resp = std::move(team);
                       return absl::OkStatus();
                     });
}

absl::Status GetTeam(Backend& b, const CallContext& call,
                     const v1::GetTeamRequest& req, v1::Team* resp) {
  CSM_ASSIGN_OR_RETURN(std::string team_id, ParseTeamName(req.name(), "name"));
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(TeamRecord rec,
                             b.customers.GetTeam(conn, team_id, false));
        *resp = std::move(rec.team);
        return absl::OkStatus();
      });
}

absl::Status ListTeams(Backend& b, const CallContext& call,
                       const v1::ListTeamsRequest& req,
                       v1::ListTeamsResponse* resp) {
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), "teams"));
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto page,
                             b.customers.ListTeams(conn, after, limit));
        resp->Clear();
        for (auto& item : page.items) *resp->add_teams() = std::move(item);
        resp->set_next_page_token(EncodeToken(page.next, "teams"));
        return absl::OkStatus();
      });
}

}  // namespace csm::customer::app
