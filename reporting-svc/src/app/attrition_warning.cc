// The attrition warning (客户流失预警, docs/reports.md, section 9): the open
// archives at risk as of the business date of the call, with the reasons
// of the configured AttritionRule that hold, most reasons first, paged;
// and the counts per owner and team. From the archive and contact tables,
// the complaint facts and the promises; the reasons are src/domain's.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/business_time.h"
#include "common/paging.h"
#include "common/status.h"
#include "reporting-svc/src/app/figure_csv.h"
#include "reporting-svc/src/app/report_config.h"
#include "reporting-svc/src/app/reports.h"
#include "reporting-svc/src/domain/attrition.h"
#include "reporting-svc/src/domain/rates.h"
#include "reporting-svc/src/store/attrition_queries.h"

namespace csm::reporting {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

// The reasons asked for (all when none); UNSPECIFIED, unknown or repeated
// values are violations on reasons[i].
std::set<int> DecodeReasons(const rv1::GetAttritionWarningRequest& request,
                            FieldViolations* v) {
  std::set<int> out;
  for (int i = 0; i < request.reasons_size(); ++i) {
    const int r = request.reasons(i);
    const std::string field = absl::StrCat("reasons[", i, "]");
    if (r == rv1::ATTRITION_REASON_UNSPECIFIED ||
        !rv1::AttritionReason_IsValid(r)) {
      v->Add(field, "must be an ATTRITION_REASON_* value");
    } else if (!out.insert(r).second) {
      v->Add(field, "is repeated");
    }
  }
  if (request.reasons_size() == 0) {
    for (int r = rv1::ATTRITION_REASON_NO_DEALING;
         r <= rv1::ATTRITION_REASON_BROKEN_PROMISE; ++r) {
      out.insert(r);
    }
  }
  return out;
}

// The one day the warning is computed for, as a period (for the filter
// checks every report shares).
rv1::Period DayPeriod(absl::CivilDay day) {
  rv1::Period p;
  p.set_kind(rv1::PERIOD_KIND_CUSTOM);
  for (csm::common::v1::Date* d :
       {p.mutable_start_date(), p.mutable_end_date()}) {
    d->set_year(static_cast<int32_t>(day.year()));
    d->set_month(day.month());
    d->set_day(day.day());
  }
  return p;
}

// Counts of one owner or team.
class RiskGroups {
 public:
  void Count(const std::string& key, const rv1::ArchiveAtRisk& a) {
    Group& g = groups_[key];
    if (g.monitored++ == 0) {
      g.team = a.team();
      g.department = a.department();
    }
    if (a.reasons_size() > 0) ++g.at_risk;
    for (const rv1::RiskReason& r : a.reasons()) ++g.reasons[r.reason()];
  }

  absl::Status Into(google::protobuf::RepeatedPtrField<rv1::RiskGroup>* out,
                    bool teams) const {
    for (const auto& [key, g] : groups_) {
      rv1::RiskGroup* r = out->Add();
      r->set_key(key);
      r->set_team(teams ? key : g.team);
      r->set_department(g.department);
      r->set_monitored(static_cast<int32_t>(g.monitored));
      r->set_at_risk(static_cast<int32_t>(g.at_risk));
      CSM_ASSIGN_OR_RETURN(Ratio rate, Ratio::Of(g.at_risk, g.monitored));
      CSM_RETURN_IF_ERROR(ToProto(rate, r->mutable_at_risk_rate()));
      for (const auto& [reason, n] : g.reasons) {
        rv1::ReasonCount* c = r->add_reasons();
        c->set_reason(static_cast<rv1::AttritionReason>(reason));
        c->set_archives(static_cast<int32_t>(n));
      }
    }
    return absl::OkStatus();
  }

 private:
  struct Group {
    std::string team;
    std::string department;
    int64_t monitored = 0;
    int64_t at_risk = 0;
    std::map<int, int64_t> reasons;
  };
  std::map<std::string, Group> groups_;
};

// The window facts of every archive, from the earliest window start.
absl::Status AddWindowFacts(MysqlConnection& conn, const AttritionRule& rule,
                            absl::CivilDay as_of,
                            std::vector<WatchedArchive>* archives) {
  const int window =
      std::max(rule.complaint_lookback_days, rule.promise_lookback_days);
  if (window <= 0) return absl::OkStatus();
  const absl::CivilDay from = as_of - (window - 1);
  CSM_ASSIGN_OR_RETURN(auto complaints, ComplaintSignalsSince(conn, from));
  CSM_ASSIGN_OR_RETURN(auto promises, BrokenPromisesSince(conn, from));
  for (WatchedArchive& w : *archives) {
    const std::string& name = w.archive.customer();
    if (auto it = complaints.find(name); it != complaints.end()) {
      w.facts.complaint_reopens = std::move(it->second.reopens);
      w.facts.complaint_escalations = std::move(it->second.escalations);
    }
    if (auto it = promises.find(name); it != promises.end()) {
      w.facts.broken_promises = std::move(it->second);
    }
  }
  return absl::OkStatus();
}

// The monitored archives with the asked-for reasons that hold, most reasons
// first, then by archive number; the counts per owner and team.
absl::Status Assess(MysqlConnection& conn, const FigureScope& scope,
                    const AttritionRule& rule, const std::set<int>& reasons,
                    absl::CivilDay as_of, rv1::AttritionWarning* out,
                    std::vector<rv1::ArchiveAtRisk>* at_risk) {
  CSM_ASSIGN_OR_RETURN(std::vector<WatchedArchive> archives,
                       OpenArchives(conn, scope));
  CSM_RETURN_IF_ERROR(AddWindowFacts(conn, rule, as_of, &archives));
  RiskGroups owners;
  RiskGroups teams;
  int monitored = 0;
  for (WatchedArchive& w : archives) {
    if (!IsMonitored(rule, w.facts)) continue;
    ++monitored;
    for (const RiskReason& r : RiskReasons(rule, w.facts, as_of)) {
      if (reasons.count(r.reason) > 0) ToProto(r, w.archive.add_reasons());
    }
    owners.Count(w.archive.owner_id(), w.archive);
    teams.Count(w.archive.team(), w.archive);
    if (w.archive.reasons_size() > 0) at_risk->push_back(std::move(w.archive));
  }
  std::stable_sort(
      at_risk->begin(), at_risk->end(),
      [](const rv1::ArchiveAtRisk& a, const rv1::ArchiveAtRisk& b) {
        return a.reasons_size() > b.reasons_size();
      });
  out->set_monitored_archives(monitored);
  out->set_archives_at_risk(static_cast<int32_t>(at_risk->size()));
  CSM_RETURN_IF_ERROR(owners.Into(out->mutable_owners(), false));
  return teams.Into(out->mutable_teams(), true);
}

std::string DateText(const csm::common::v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string ReasonName(int reason) {
  return std::string(absl::StripPrefix(
      rv1::AttritionReason_Name(static_cast<rv1::AttritionReason>(reason)),
      "ATTRITION_REASON_"));
}

std::vector<std::string> CsvRow(const rv1::ArchiveAtRisk& a) {
  std::vector<std::string> names;
  std::map<int, const rv1::RiskReason*> by_reason;
  for (const rv1::RiskReason& r : a.reasons()) {
    names.push_back(ReasonName(r.reason()));
    by_reason[r.reason()] = &r;
  }
  std::vector<std::string> row = {
      a.customer(),
      a.archive_number(),
      a.display_name(),
      a.owner_id(),
      a.team(),
      a.department(),
      cv1::Grade_Name(a.grade()),
      cv1::LifecycleStatus_Name(a.lifecycle_status()),
      absl::StrJoin(names, ";")};
  for (int r = rv1::ATTRITION_REASON_NO_DEALING;
       r <= rv1::ATTRITION_REASON_BROKEN_PROMISE; ++r) {
    auto it = by_reason.find(r);
    const rv1::RiskReason* reason =
        it == by_reason.end() ? nullptr : it->second;
    row.push_back(reason && reason->has_since() ? DateText(reason->since())
                                                : "");
    row.push_back(reason ? absl::StrCat(reason->days()) : "");
    row.push_back(reason ? absl::StrCat(reason->count()) : "");
  }
  return row;
}

// The page of `at_risk` after `after` into `out`, and the next page's token.
void TakePage(std::vector<rv1::ArchiveAtRisk>& at_risk,
              const std::optional<PageCursor>& after, int size,
              const std::string& fingerprint, rv1::AttritionWarning* out) {
  const size_t first = after.has_value() ? static_cast<size_t>(after->id) : 0;
  const size_t end = std::min(at_risk.size(), first + size);
  for (size_t i = first; i < end; ++i) {
    *out->add_archives() = std::move(at_risk[i]);
  }
  if (end < at_risk.size()) {
    out->set_next_page_token(
        EncodeToken(PageCursor{"", static_cast<int64_t>(end)}, fingerprint));
  }
}

}  // namespace

rv1::CsvExport AttritionCsv(const rv1::AttritionWarning& w, bool first_page) {
  std::vector<std::string> header = {
      "customer",   "archive_number", "display_name",     "owner_id", "team",
      "department", "grade",          "lifecycle_status", "reasons"};
  for (int r = rv1::ATTRITION_REASON_NO_DEALING;
       r <= rv1::ATTRITION_REASON_BROKEN_PROMISE; ++r) {
    const std::string name = absl::AsciiStrToLower(ReasonName(r));
    for (const char* suffix : {"_since", "_days", "_count"}) {
      header.push_back(absl::StrCat(name, suffix));
    }
  }
  std::vector<std::vector<std::string>> rows;
  for (const rv1::ArchiveAtRisk& a : w.archives()) rows.push_back(CsvRow(a));
  rv1::CsvExport csv =
      TableCsv("attrition-warning", DateText(w.as_of()), header, rows);
  if (!first_page) csv.set_text(csv.text().substr(csv.text().find("\r\n") + 2));
  return csv;
}

absl::StatusOr<rv1::AttritionWarning> GetAttritionWarning(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetAttritionWarningRequest& request) {
  const absl::CivilDay as_of = BusinessDate(call.start);
  CSM_ASSIGN_OR_RETURN(
      ReportRequest r,
      PrepareReport(*ctx.pool, call, DayPeriod(as_of), request.filter(),
                    FilterPolicyOf(rv1::REPORT_KIND_ATTRITION_WARNING)));
  FieldViolations v;
  const std::set<int> reasons = DecodeReasons(request, &v);
  absl::StatusOr<int> size =
      ResolvePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!size.ok()) v.Add("page_size", "must be 0 (100) .. 1000");
  CSM_RETURN_IF_ERROR(v.ToStatus());
  const std::string fingerprint = absl::StrCat(
      "attrition|", absl::FormatCivilTime(as_of), "|",
      r.applied.SerializeAsString(), "|", absl::StrJoin(reasons, ","));
  CSM_ASSIGN_OR_RETURN(std::optional<PageCursor> after,
                       DecodeToken(request.page_token(), fingerprint));
  rv1::AttritionWarning out;
  *out.mutable_as_of() = DayPeriod(as_of).start_date();
  *out.mutable_applied_filter() = r.applied;
  std::vector<rv1::ArchiveAtRisk> at_risk;
  const std::vector<FollowerStatus> followers = ctx.followers();
  CSM_RETURN_IF_ERROR(
      ReadSnapshot(ctx, call, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(rv1::AttritionRule rule, ReadAttritionRule(conn));
        *out.mutable_rule() = rule;
        CSM_RETURN_IF_ERROR(Assess(conn, r.scope, FromProto(rule), reasons,
                                   as_of, &out, &at_risk));
        CSM_ASSIGN_OR_RETURN(*out.mutable_freshness(),
                             ReadFreshness(conn, followers, absl::Now()));
        return absl::OkStatus();
      }));
  TakePage(at_risk, after, *size, fingerprint, &out);
  if (request.format() == rv1::REPORT_FORMAT_CSV) {
    *out.mutable_csv() = AttritionCsv(out, !after.has_value());
  }
  return out;
}

}  // namespace csm::reporting
