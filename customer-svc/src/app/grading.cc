// Grade suggestions (客户分级建议) and the grading policy they follow.
#include "customer-svc/src/domain/grading.h"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/business_time.h"
#include "common/etag.h"
#include "common/filter.h"
#include "common/idempotency.h"
#include "common/paging.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/grading_use_cases.h"
#include "customer-svc/src/app/roles.h"
#include "customer-svc/src/domain/archive_access.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/visit_schedule.h"

namespace csm::customer::app {
namespace {

namespace ev = ::csm::events::v1;

// Archives examined per ListGradeSuggestions call, and per query: bounds the
// work of one call however few archives differ.
constexpr int kScanBudget = 2000;

constexpr int kScanBatch = 200;

// "customers/{id}/gradeSuggestion" -> id.
absl::StatusOr<int64_t> ParseSuggestionName(absl::string_view name) {
  if (!absl::ConsumeSuffix(&name, "/gradeSuggestion")) {
    return InvalidField("name",
                        "is not a grade suggestion name; expected "
                        "customers/{id}/gradeSuggestion");
  }
  return CustomerStore::ParseCustomerName(name, "name");
}

GradingFacts FactsOf(const v1::Customer& c, int64_t volume_fen) {
  GradingFacts facts;
  facts.business_volume_fen = volume_fen;
  if (c.has_expected_signing_date()) {
    absl::StatusOr<absl::CivilDay> day =
        FromProtoDate(c.expected_signing_date());
    if (day.ok()) facts.expected_signing_date = *day;
  }
  facts.importance = c.importance();
  return facts;
}

// The suggestion for `c` on `today`, with the facts it was computed from.
v1::GradeSuggestion Suggest(const v1::Customer& c, int64_t volume_fen,
                            const v1::GradingPolicy& policy,
                            absl::CivilDay today) {
  const GradingFacts facts = FactsOf(c, volume_fen);
  SuggestedGrade suggested = SuggestGrade(policy, facts, today);
  const VolumeWindow window = VolumeWindowOn(policy, today);
  v1::GradeSuggestion out;
  out.set_name(absl::StrCat(c.name(), "/gradeSuggestion"));
  out.set_customer(c.name());
  out.set_archive_number(c.archive_number());
  out.set_customer_display_name(c.display_name());
  out.set_owner_id(c.owner_id());
  out.set_team(c.team());
  out.set_grade(c.grade());
  out.set_suggested_grade(suggested.grade);
  for (std::string& r : suggested.reasons) out.add_reasons(std::move(r));
  out.set_business_volume_fen(volume_fen);
  ToProtoDate(window.first, out.mutable_volume_window_start());
  ToProtoDate(window.last, out.mutable_volume_window_end());
  if (c.has_expected_signing_date()) {
    *out.mutable_expected_signing_date() = c.expected_signing_date();
  }
  out.set_importance(c.importance());
  out.set_policy_etag(policy.etag());
  return out;
}

}  // namespace

absl::Status GetGradingPolicy(Backend& b, const CallContext& call,
                              const v1::GetGradingPolicyRequest&,
                              v1::GradingPolicy* resp) {
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(*resp, b.grading.GetPolicy(conn, false));
        return absl::OkStatus();
      });
}

absl::Status UpdateGradingPolicy(Backend& b, const CallContext& call,
                                 const v1::UpdateGradingPolicyRequest& req,
                                 v1::GradingPolicy* resp) {
  const std::vector<std::string> paths(req.update_mask().paths().begin(),
                                       req.update_mask().paths().end());
  // Mask errors before anything is read.
  v1::GradingPolicy scratch = DefaultGradingPolicy();
  CSM_RETURN_IF_ERROR(
      ApplyGradingPolicyUpdate(req.grading_policy(), paths, &scratch));
  CSM_ASSIGN_OR_RETURN(int64_t expected, ParseEtag(req.grading_policy().etag(),
                                                   "grading_policy.etag"));
  return RunMutation(
      b.pool, b.outbox, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::GradingPolicy policy,
                             b.grading.GetPolicy(conn, true));
        CSM_RETURN_IF_ERROR(
            CheckEtag("gradingPolicy", policy.etag(), expected));
        CSM_RETURN_IF_ERROR(
            ApplyGradingPolicyUpdate(req.grading_policy(), paths, &policy));
        CSM_RETURN_IF_ERROR(GradingPolicyViolations(policy).ToStatus());
        CSM_RETURN_IF_ERROR(b.grading.UpdatePolicy(conn, policy,
                                                   EtagVersion(policy.etag()),
                                                   call.principal, call.start));
        CSM_ASSIGN_OR_RETURN(*resp, b.grading.GetPolicy(conn, false));
        return absl::OkStatus();
      });
}

absl::Status GetGradeSuggestion(Backend& b, const CallContext& call,
                                const v1::GetGradeSuggestionRequest& req,
                                v1::GradeSuggestion* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id, ParseSuggestionName(req.name()));
  const absl::CivilDay today = BusinessDate(call.start);
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             b.customers.GetCustomer(conn, id, false));
        CSM_ASSIGN_OR_RETURN(v1::GradingPolicy policy,
                             b.grading.GetPolicy(conn, false));
        const VolumeWindow window = VolumeWindowOn(policy, today);
        CSM_ASSIGN_OR_RETURN(
            auto volumes,
            b.grading.BusinessVolumes(conn, {id}, window.first, window.last));
        *resp = Suggest(c, volumes[id], policy, today);
        return absl::OkStatus();
      });
}

absl::Status ListGradeSuggestions(Backend& b, const CallContext& call,
                                  const v1::ListGradeSuggestionsRequest& req,
                                  v1::ListGradeSuggestionsResponse* resp) {
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(
      std::vector<FilterTerm> filter,
      ParseFilter(req.filter(),
                  {"owner_id", "team", "department", "grade", "importance"}));
  const std::string fp = absl::StrCat("gradeSuggestions|", req.filter());
  CSM_ASSIGN_OR_RETURN(std::optional<PageCursor> after,
                       DecodeToken(req.page_token(), fp));
  const absl::CivilDay today = BusinessDate(call.start);
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        resp->Clear();
        CSM_ASSIGN_OR_RETURN(v1::GradingPolicy policy,
                             b.grading.GetPolicy(conn, false));
        const VolumeWindow window = VolumeWindowOn(policy, today);
        int64_t cursor = after.has_value() ? after->id : 0;
        bool more = true;
        for (int scanned = 0; more && scanned < kScanBudget &&
                              resp->grade_suggestions_size() < limit;) {
          CSM_ASSIGN_OR_RETURN(
              std::vector<v1::Customer> batch,
              b.grading.OpenArchives(conn, filter, cursor, kScanBatch));
          more = static_cast<int>(batch.size()) == kScanBatch;
          std::vector<int64_t> ids;
          for (const v1::Customer& c : batch) {
            ids.push_back(*CustomerStore::ParseCustomerName(c.name(), "name"));
          }
          CSM_ASSIGN_OR_RETURN(
              auto volumes,
              b.grading.BusinessVolumes(conn, ids, window.first, window.last));
          for (size_t i = 0; i < batch.size(); ++i) {
            cursor = ids[i];
            ++scanned;
            v1::GradeSuggestion s =
                Suggest(batch[i], volumes[ids[i]], policy, today);
            if (s.suggested_grade() != s.grade()) {
              *resp->add_grade_suggestions() = std::move(s);
            }
            if (resp->grade_suggestions_size() == limit) {
              more = more || i + 1 < batch.size();
              break;
            }
          }
        }
        if (more) {
          resp->set_next_page_token(
              EncodeToken(PageCursor{.key = "", .id = cursor}, fp));
        }
        return absl::OkStatus();
      });
}

}  // namespace csm::customer::app
