// What the calendar tests share (business_calendar_test.cc: working-time
// arithmetic; calendar_text_test.cc: the seed, day kinds, configuration and
// parsing): Beijing instants and the shipped calendar.
#ifndef CSM_COMMON_BUSINESS_CALENDAR_TEST_SUPPORT_H_
#define CSM_COMMON_BUSINESS_CALENDAR_TEST_SUPPORT_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_calendar.h"
#include "common/business_time.h"
#include "gtest/gtest.h"

namespace csm::calendar_test {

// A Beijing wall-clock instant.
inline absl::Time At(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         BusinessTimeZone());
}

inline std::string Show(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %a", t, BusinessTimeZone());
}

inline BusinessCalendar China() {
  absl::StatusOr<BusinessCalendar> cal = ChinaBusinessCalendar();
  EXPECT_TRUE(cal.ok()) << cal.status();
  return *std::move(cal);
}

constexpr int kDay = 420;  // Working minutes in a default working day.

}  // namespace csm::calendar_test

#endif  // CSM_COMMON_BUSINESS_CALENDAR_TEST_SUPPORT_H_
