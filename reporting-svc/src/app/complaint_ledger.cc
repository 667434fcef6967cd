// The complaint ledger (投诉台账, docs/reports.md, section 11): one row per
// complaint registered in the period (or touched by it) with every time and
// figure the reports use, paged by register time then complaint, and as CSV
// whose pages concatenate into one file (the header on the first page only).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/paging.h"
#include "common/status.h"
#include "csm/complaint/v1/complaint.pb.h"
#include "reporting-svc/src/app/figure_csv.h"
#include "reporting-svc/src/app/reports.h"
#include "reporting-svc/src/store/ledger_queries.h"

namespace csm::reporting {
namespace {

namespace cpv1 = ::csm::complaint::v1;

constexpr int kDefaultPageSize = 1000;
constexpr int kMaxPageSize = 5000;

// The CSV's deadline columns, in order.
constexpr cpv1::DeadlineKind kDeadlineKinds[] = {
    cpv1::DEADLINE_KIND_ACKNOWLEDGE, cpv1::DEADLINE_KIND_INVESTIGATED,
    cpv1::DEADLINE_KIND_HANDLING_OPINION};

std::string KindColumn(cpv1::DeadlineKind kind) {
  std::string name = cpv1::DeadlineKind_Name(kind);
  return absl::AsciiStrToLower(absl::StripPrefix(name, "DEADLINE_KIND_"));
}

std::vector<std::string> Header() {
  std::vector<std::string> h = {"complaint",
                                "complaint_number",
                                "customer",
                                "customer_grade",
                                "category",
                                "severity",
                                "channel",
                                "state",
                                "first_responder_id",
                                "first_responder_department",
                                "handling_department",
                                "handler_id",
                                "register_time",
                                "acknowledge_time",
                                "resolve_time",
                                "resolver_id",
                                "resolving_department",
                                "confirm_time",
                                "close_time"};
  for (cpv1::DeadlineKind kind : kDeadlineKinds) {
    const std::string k = KindColumn(kind);
    for (const char* suffix :
         {"_due_time", "_met_time", "_breached", "_met_working_minutes",
          "_staff_id", "_department"}) {
      h.push_back(absl::StrCat(k, suffix));
    }
  }
  for (const char* c :
       {"department_times", "paused_working_minutes", "escalation_level",
        "escalations", "reopen_count", "repeat_contacts", "cause",
        "responsibility", "satisfaction", "return_visit_satisfaction",
        "fault_report"}) {
    h.push_back(c);
  }
  return h;
}

void AddDeadlineCells(const rv1::ComplaintLedgerRow& r, cpv1::DeadlineKind kind,
                      std::vector<std::string>* row) {
  for (const rv1::LedgerDeadline& d : r.deadlines()) {
    if (d.kind() != kind) continue;
    row->insert(row->end(), {CsvTime(d.due_time()), CsvTime(d.met_time()),
                             d.breached() ? "true" : "false",
                             absl::StrCat(d.met_working_minutes()),
                             d.staff_id(), d.department()});
    return;
  }
  row->insert(row->end(), 6, "");
}

// "部门=minutes[!A][!I][!H];…": the breaches each department was charged.
std::string DepartmentTimes(const rv1::ComplaintLedgerRow& r) {
  std::vector<std::string> parts;
  for (const rv1::LedgerDepartmentTime& t : r.department_times()) {
    parts.push_back(absl::StrCat(t.department(), "=", t.working_minutes(),
                                 t.breached_acknowledge() ? "!A" : "",
                                 t.breached_investigated() ? "!I" : "",
                                 t.breached_handling_opinion() ? "!H" : ""));
  }
  return absl::StrJoin(parts, ";");
}

std::vector<std::string> Row(const rv1::ComplaintLedgerRow& r) {
  std::vector<std::string> row = {r.complaint(),
                                  r.complaint_number(),
                                  r.customer(),
                                  r.customer_grade(),
                                  r.category(),
                                  cpv1::Severity_Name(r.severity()),
                                  cpv1::ComplaintChannel_Name(r.channel()),
                                  cpv1::ComplaintState_Name(r.state()),
                                  r.first_responder_id(),
                                  r.first_responder_department(),
                                  r.handling_department(),
                                  r.handler_id(),
                                  CsvTime(r.register_time()),
                                  CsvTime(r.acknowledge_time()),
                                  CsvTime(r.resolve_time()),
                                  r.resolver_id(),
                                  r.resolving_department(),
                                  CsvTime(r.confirm_time()),
                                  CsvTime(r.close_time())};
  for (cpv1::DeadlineKind kind : kDeadlineKinds) {
    AddDeadlineCells(r, kind, &row);
  }
  row.insert(row.end(),
             {DepartmentTimes(r), absl::StrCat(r.paused_working_minutes()),
              cpv1::EscalationLevel_Name(r.escalation_level()),
              absl::StrCat(r.escalations()), absl::StrCat(r.reopen_count()),
              absl::StrCat(r.repeat_contacts()), r.cause(),
              cpv1::Responsibility_Name(r.responsibility()),
              csm::common::v1::Satisfaction_Name(r.satisfaction()),
              csm::common::v1::Satisfaction_Name(r.return_visit_satisfaction()),
              r.fault_report()});
  return row;
}

rv1::CsvExport LedgerCsv(const rv1::ListComplaintLedgerResponse& page,
                         bool first_page) {
  std::vector<std::vector<std::string>> rows;
  for (const rv1::ComplaintLedgerRow& r : page.rows()) rows.push_back(Row(r));
  rv1::CsvExport csv =
      TableCsv("complaint-ledger", page.period().label(), Header(), rows);
  if (!first_page) csv.set_text(csv.text().substr(csv.text().find("\r\n") + 2));
  return csv;
}

// The page size and scope, or one violation each.
absl::Status CheckRequest(const rv1::ListComplaintLedgerRequest& request) {
  FieldViolations v;
  if (!ResolvePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize)
           .ok()) {
    v.Add("page_size", "must be 0 (1000) .. 5000");
  }
  if (!rv1::LedgerScope_IsValid(request.scope())) {
    v.Add("scope", "must be a LEDGER_SCOPE_* value");
  }
  return v.ToStatus();
}

}  // namespace

absl::StatusOr<rv1::ListComplaintLedgerResponse> ListComplaintLedger(
    const ReportContext& ctx, const CallContext& call,
    const rv1::ListComplaintLedgerRequest& request) {
  CSM_RETURN_IF_ERROR(CheckRequest(request));
  const int size =
      *ResolvePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  const bool first_page = request.page_token().empty();
  rv1::ListComplaintLedgerRequest plain = request;
  plain.set_format(rv1::REPORT_FORMAT_UNSPECIFIED);
  CSM_ASSIGN_OR_RETURN(
      rv1::ListComplaintLedgerResponse out,
      ComputeReport<rv1::ListComplaintLedgerResponse>(
          ctx, call, plain, FilterPolicyOf(rv1::REPORT_KIND_COMPLAINT_LEDGER),
          [&request, size](MysqlConnection& conn, const ReportRequest& r,
                           rv1::ListComplaintLedgerResponse* page) {
            const LedgerQuery query{
                r.scope, request.scope() == rv1::LEDGER_SCOPE_TOUCHED};
            // Bound to the period, the applied filter and the scope.
            const std::string fingerprint =
                absl::StrCat("ledger|", page->period().label(), "|",
                             r.applied.SerializeAsString(), "|", query.touched);
            CSM_ASSIGN_OR_RETURN(
                std::optional<PageCursor> after,
                DecodeToken(request.page_token(), fingerprint));
            CSM_ASSIGN_OR_RETURN(Page<rv1::ComplaintLedgerRow> rows,
                                 LedgerPage(conn, query, after, size));
            for (auto& row : rows.items) *page->add_rows() = std::move(row);
            page->set_next_page_token(EncodeToken(rows.next, fingerprint));
            CSM_ASSIGN_OR_RETURN(int64_t total, LedgerSize(conn, query));
            page->set_total_size(static_cast<int32_t>(total));
            return absl::OkStatus();
          },
          nullptr));
  if (request.format() == rv1::REPORT_FORMAT_CSV) {
    *out.mutable_csv() = LedgerCsv(out, first_page);
  }
  return out;
}

}  // namespace csm::reporting
