// What the VisitSchedule tests share (visit_schedule_test.cc: dates and the
// due grid; visit_status_test.cc: status and visits; visit_policy_test.cc:
// validation and rescheduling): days, policies, violation fields.
#ifndef CSM_CUSTOMER_SVC_SRC_DOMAIN_VISIT_SCHEDULE_TEST_SUPPORT_H_
#define CSM_CUSTOMER_SVC_SRC_DOMAIN_VISIT_SCHEDULE_TEST_SUPPORT_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "customer-svc/src/domain/visit_schedule.h"

namespace csm::customer::visit_schedule_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

inline absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

inline VisitPolicy NoWindow() {
  VisitPolicy p;
  p.due_soon_days = 0;
  return p;
}

inline VisitPolicy AMonthlyAlways() {
  VisitPolicy p;
  p.grade_overrides['A'] = GradeOverride{std::nullopt, 1};
  return p;
}

inline std::vector<std::string> Fields(
    const std::vector<VisitFieldViolation>& v) {
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(x.field);
  return out;
}

}  // namespace csm::customer::visit_schedule_test

#endif  // CSM_CUSTOMER_SVC_SRC_DOMAIN_VISIT_SCHEDULE_TEST_SUPPORT_H_
