#include "reporting-svc/src/domain/report_filter.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "csm/complaint/v1/complaint.pb.h"
#include "csm/customer/v1/customer.pb.h"

namespace csm::reporting {
namespace {

// Values named in errors are cut: a 1 MB filter must not come back whole.
// Cut at a UTF-8 character boundary (never inside a character).
std::string Shown(absl::string_view value) {
  constexpr size_t kMax = 64;
  if (value.size() <= kMax) return std::string(value);
  size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) {
    --end;
  }
  return absl::StrCat(value.substr(0, end), "…");
}

template <typename List>
bool CheckList(const List& list, bool accepted, const FilterPolicy& policy,
               const std::string& path, FieldViolations* v) {
  if (list.empty()) return false;
  if (!accepted) {
    v->Add(path, absl::StrCat("does not apply to ", policy.report));
    return false;
  }
  if (list.size() > kMaxFilterValues) {
    v->Add(path, absl::StrCat("at most ", kMaxFilterValues, " values"));
    return false;
  }
  return true;
}

void CheckNames(const google::protobuf::RepeatedPtrField<std::string>& names,
                const std::set<std::string>* known, absl::string_view what,
                const std::string& path, FieldViolations* v) {
  for (int i = 0; i < names.size(); ++i) {
    const std::string item = absl::StrCat(path, "[", i, "]");
    if (names[i].empty()) {
      v->Add(item, "must not be empty");
    } else if (known != nullptr && !known->contains(names[i])) {
      v->Add(item, absl::StrCat("unknown ", what, " \"", Shown(names[i]),
                                "\": no event has named it"));
    }
  }
}

}  // namespace

void ValidateFilter(const rv1::ReportFilter& filter, const FilterPolicy& policy,
                    const KnownValues& known, absl::string_view field,
                    FieldViolations* v) {
  const std::string base(field);
  if (CheckList(filter.departments(), policy.departments, policy,
                base + ".departments", v)) {
    CheckNames(filter.departments(), &known.departments, "department",
               base + ".departments", v);
  }
  if (CheckList(filter.staff_ids(), policy.staff_ids, policy,
                base + ".staff_ids", v)) {
    CheckNames(filter.staff_ids(), nullptr, "staff id", base + ".staff_ids", v);
  }
  if (CheckList(filter.categories(), policy.categories, policy,
                base + ".categories", v)) {
    CheckNames(filter.categories(), &known.categories, "category",
               base + ".categories", v);
  }
  if (CheckList(filter.severities(), policy.severities, policy,
                base + ".severities", v)) {
    for (int i = 0; i < filter.severities_size(); ++i) {
      const int s = filter.severities(i);
      if (s == csm::complaint::v1::SEVERITY_UNSPECIFIED ||
          !csm::complaint::v1::Severity_IsValid(s)) {
        v->Add(absl::StrCat(base, ".severities[", i, "]"),
               "must be SEVERITY_NORMAL, SEVERITY_MAJOR or "
               "SEVERITY_CRITICAL");
      }
    }
  }
  if (CheckList(filter.customer_grades(), policy.customer_grades, policy,
                base + ".customer_grades", v)) {
    for (int i = 0; i < filter.customer_grades_size(); ++i) {
      const int g = filter.customer_grades(i);
      if (g == csm::customer::v1::GRADE_UNSPECIFIED ||
          !csm::customer::v1::Grade_IsValid(g)) {
        v->Add(absl::StrCat(base, ".customer_grades[", i, "]"),
               "must be GRADE_A, GRADE_B or GRADE_C");
      }
    }
  }
}

absl::StatusOr<rv1::ReportFilter> RestrictToDepartment(
    rv1::ReportFilter filter, absl::string_view caller_department) {
  if (caller_department.empty()) {
    return absl::PermissionDeniedError(
        "reports are limited to the caller's department, and the token names "
        "none (dept claim)");
  }
  for (const std::string& d : filter.departments()) {
    if (d != caller_department) {
      return absl::PermissionDeniedError(
          absl::StrCat("supervisors and managers read their own department (",
                       caller_department, ") only, not ", Shown(d)));
    }
  }
  if (filter.departments().empty()) {
    filter.add_departments(std::string(caller_department));
  }
  return filter;
}

absl::StatusOr<rv1::ReportFilter> RestrictToStaff(rv1::ReportFilter filter,
                                                  absl::string_view staff_id) {
  for (const std::string& s : filter.staff_ids()) {
    if (s != staff_id) {
      return absl::PermissionDeniedError(
          absl::StrCat("agents read their own figures (", staff_id,
                       ") only, not ", Shown(s)));
    }
  }
  if (filter.staff_ids().empty()) filter.add_staff_ids(std::string(staff_id));
  return filter;
}

}  // namespace csm::reporting
