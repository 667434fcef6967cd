// ComplaintConfigService's business calendar through real gRPC against the
// fixture's MariaDB: the shipped seed, names and roles, working hours and
// exceptions, the calendar cache, refusals that change nothing.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/migrations.h"
#include "common/server.h"
#include "complaint-svc/src/api/config_api.h"
#include "complaint-svc/src/api/config_api_test_fixture.h"
#include "complaint-svc/src/complaint_migrations.h"
#include "complaint-svc/src/store/config_store.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::complaint::config_api_test {
namespace {

// ------------------------------------------------------------------ calendar

TEST_F(ConfigApiTest, ShippedCalendarIsSeededOnce) {
  const v1::BusinessCalendar cal = GetCalendar();
  EXPECT_EQ(cal.name(), "calendars/china");
  ASSERT_EQ(cal.working_hours_size(), 2);
  EXPECT_EQ(cal.working_hours(0).start(), "09:00");
  EXPECT_EQ(cal.working_hours(0).end(), "12:00");
  EXPECT_EQ(cal.working_hours(1).start(), "13:30");
  EXPECT_EQ(cal.working_hours(1).end(), "17:30");
  auto seed = ParseCalendarSeed(ChinaCalendarSeed());
  ASSERT_TRUE(seed.ok());
  EXPECT_EQ(cal.exceptions_size(), static_cast<int>(seed->size()));
  bool spring_festival = false;
  for (const auto& e : cal.exceptions()) {
    if (e.date().year() == 2026 && e.date().month() == 2 &&
        e.date().day() == 16) {
      spring_festival = e.holiday() && e.label() == "春节";
    }
  }
  EXPECT_TRUE(spring_festival);

  // Seeding again changes nothing (a restart, another replica).
  auto again = SeedBusinessCalendar(*pool_, config_, outbox_, absl::Now());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(*again);
  const v1::BusinessCalendar after = GetCalendar();
  EXPECT_EQ(after.SerializeAsString(), cal.SerializeAsString());

  // The year filter.
  const v1::BusinessCalendar only2027 = GetCalendar(2027);
  EXPECT_GT(only2027.exceptions_size(), 0);
  for (const auto& e : only2027.exceptions()) {
    EXPECT_EQ(e.date().year(), 2027);
  }

  // The calendar as the domain uses it: 2026-02-16 is 春节, 2026-02-14 a
  // make-up Saturday.
  auto calendar = CachedCalendar();
  ASSERT_NE(calendar, nullptr);
  EXPECT_FALSE(calendar->IsWorkingDay(absl::CivilDay(2026, 2, 16)));
  EXPECT_TRUE(calendar->IsWorkingDay(absl::CivilDay(2026, 2, 14)));
}

TEST_F(ConfigApiTest, CalendarNamesAndRoles) {
  v1::GetBusinessCalendarRequest req;
  req.set_name("calendars/japan");
  v1::BusinessCalendar cal;
  EXPECT_EQ(Call(&Stub::GetBusinessCalendar, "li.na", req, &cal).error_code(),
            grpc::StatusCode::NOT_FOUND);
  req.set_name("china");
  EXPECT_EQ(Call(&Stub::GetBusinessCalendar, "li.na", req, &cal).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::UpdateBusinessCalendarRequest update;
  update.mutable_calendar()->set_name("calendars/china");
  auto* p = update.mutable_calendar()->add_working_hours();
  p->set_start("08:30");
  p->set_end("17:00");
  EXPECT_EQ(
      Call(&Stub::UpdateBusinessCalendar, "li.na", update, &cal).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ConfigApiTest, UpdatingWorkingHoursInvalidatesTheCache) {
  auto before = CachedCalendar();
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(CachedCalendar(), before);  // cached: the same instance
  EXPECT_EQ(before->WorkingTimePerDay(), absl::Minutes(420));

  const v1::BusinessCalendar current = GetCalendar();
  v1::UpdateBusinessCalendarRequest req;
  req.mutable_calendar()->set_name("calendars/china");
  req.mutable_calendar()->set_etag(current.etag());
  auto* morning = req.mutable_calendar()->add_working_hours();
  morning->set_start("08:30");
  morning->set_end("12:00");
  auto* afternoon = req.mutable_calendar()->add_working_hours();
  afternoon->set_start("13:00");
  afternoon->set_end("17:30");
  req.mutable_update_mask()->add_paths("working_hours");
  v1::BusinessCalendar cal;
  EXPECT_GRPC_OK(Call(&Stub::UpdateBusinessCalendar, "arch", req, &cal));
  EXPECT_NE(cal.etag(), current.etag());
  EXPECT_EQ(cal.exceptions_size(), current.exceptions_size());

  auto after = CachedCalendar();
  ASSERT_NE(after, nullptr);
  EXPECT_NE(after, before);
  EXPECT_EQ(after->WorkingTimePerDay(), absl::Minutes(480));

  // The same etag again is stale now.
  EXPECT_EQ(Call(&Stub::UpdateBusinessCalendar, "arch", req, &cal).error_code(),
            grpc::StatusCode::ABORTED);
}

TEST_F(ConfigApiTest, UpdatingExceptionsReplacesOnlyTheirYears) {
  const int before2027 = GetCalendar(2027).exceptions_size();
  v1::UpdateBusinessCalendarRequest req;
  req.mutable_calendar()->set_name("calendars/china");
  auto* national = req.mutable_calendar()->add_exceptions();
  national->mutable_date()->set_year(2026);
  national->mutable_date()->set_month(10);
  national->mutable_date()->set_day(1);
  national->set_holiday(true);
  national->set_label("国庆节");
  auto* makeup = req.mutable_calendar()->add_exceptions();
  makeup->mutable_date()->set_year(2026);
  makeup->mutable_date()->set_month(10);
  makeup->mutable_date()->set_day(10);  // a Saturday
  makeup->set_holiday(false);
  makeup->set_label("国庆节调休上班");
  v1::BusinessCalendar cal;
  EXPECT_GRPC_OK(Call(&Stub::UpdateBusinessCalendar, "arch", req, &cal));
  EXPECT_EQ(GetCalendar(2026).exceptions_size(), 2);
  EXPECT_EQ(GetCalendar(2027).exceptions_size(), before2027);
  auto calendar = CachedCalendar();
  ASSERT_NE(calendar, nullptr);
  EXPECT_TRUE(calendar->IsWorkingDay(absl::CivilDay(2026, 2, 16)));  // gone
  EXPECT_TRUE(calendar->IsWorkingDay(absl::CivilDay(2026, 10, 10)));
  EXPECT_FALSE(calendar->IsWorkingDay(absl::CivilDay(2026, 10, 1)));
}

TEST_F(ConfigApiTest, InvalidCalendarUpdatesAreRefusedAndChangeNothing) {
  const v1::BusinessCalendar before = GetCalendar();
  v1::UpdateBusinessCalendarRequest req;
  req.mutable_calendar()->set_name("calendars/china");
  auto* weekday_makeup = req.mutable_calendar()->add_exceptions();
  weekday_makeup->mutable_date()->set_year(2026);
  weekday_makeup->mutable_date()->set_month(3);
  weekday_makeup->mutable_date()->set_day(4);  // a Wednesday
  weekday_makeup->set_holiday(false);
  auto* bad_date = req.mutable_calendar()->add_exceptions();
  bad_date->mutable_date()->set_year(2026);
  bad_date->mutable_date()->set_month(2);
  bad_date->mutable_date()->set_day(30);
  bad_date->set_holiday(true);
  auto* twice = req.mutable_calendar()->add_exceptions();
  *twice = *weekday_makeup;
  v1::BusinessCalendar cal;
  grpc::Status s = Call(&Stub::UpdateBusinessCalendar, "arch", req, &cal);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields = ViolationFields(s);
  EXPECT_THAT(fields, Contains("calendar.exceptions[0].holiday"));
  EXPECT_THAT(fields, Contains("calendar.exceptions[1].date"));
  EXPECT_THAT(fields, Contains("calendar.exceptions[2].date"));

  v1::UpdateBusinessCalendarRequest hours;
  hours.mutable_calendar()->set_name("calendars/china");
  auto* a = hours.mutable_calendar()->add_working_hours();
  a->set_start("09:00");
  a->set_end("12:00");
  auto* b = hours.mutable_calendar()->add_working_hours();
  b->set_start("11:00");  // overlaps
  b->set_end("17:00");
  s = Call(&Stub::UpdateBusinessCalendar, "arch", hours, &cal);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolationFields(s), Contains("calendar.working_hours"));
  b->set_start("1pm");
  s = Call(&Stub::UpdateBusinessCalendar, "arch", hours, &cal);
  EXPECT_THAT(ViolationFields(s), Contains("calendar.working_hours[1]"));

  v1::UpdateBusinessCalendarRequest empty;
  empty.mutable_calendar()->set_name("calendars/china");
  s = Call(&Stub::UpdateBusinessCalendar, "arch", empty, &cal);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  EXPECT_EQ(GetCalendar().SerializeAsString(), before.SerializeAsString());
}

}  // namespace
}  // namespace csm::complaint::config_api_test
