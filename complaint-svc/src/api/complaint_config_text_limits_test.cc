// Text limits of fault reports and of complaint-svc's configuration through
// real gRPC, the bound on working periods, and the migrated columns that
// hold every limit (the complaint's own texts: complaint_text_limits_test.cc).
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "complaint-svc/src/api/complaint_text_limits_test_fixture.h"
#include "complaint-svc/src/domain/text_limits.h"
#include "complaint-svc/testing/complaint_api_fixture.h"

namespace csm::complaint::text_limits_test {
namespace {

TEST_F(ComplaintTextLimitsTest, FaultReports) {
  using Setter = void (v1::FaultReport::*)(const std::string&);
  struct Field {
    const char* field;
    const TextLimit* limit;
    Setter set;
    std::string (*get)(const v1::FaultReport&);
  } create[] = {
      {"fault_report.title", &limits::kFaultTitle, &v1::FaultReport::set_title,
       [](const v1::FaultReport& f) { return f.title(); }},
      {"fault_report.location", &limits::kFaultLocation,
       &v1::FaultReport::set_location,
       [](const v1::FaultReport& f) { return f.location(); }},
      {"fault_report.symptoms", &limits::kFaultText,
       &v1::FaultReport::set_symptoms,
       [](const v1::FaultReport& f) { return f.symptoms(); }},
      {"fault_report.plan", &limits::kFaultText, &v1::FaultReport::set_plan,
       [](const v1::FaultReport& f) { return f.plan(); }},
  };
  std::string made;
  for (const Field& f : create) {
    ExpectLimit(
        f.field, *f.limit,
        [&](const std::string& t) {
          v1::CreateFaultReportRequest req = FaultReportRequest();
          (req.mutable_fault_report()->*f.set)(t);
          v1::FaultReport out;
          const grpc::Status s =
              Call(&Stub::CreateFaultReport, "sup", req, &out);
          made = out.name();
          return s;
        },
        [&] { return f.get(GetFault(made)); });
  }

  using AnalysisSetter =
      void (v1::SubmitFaultAnalysisRequest::*)(const std::string&);
  struct AnalysisField {
    const char* field;
    AnalysisSetter set;
    std::string (*get)(const v1::FaultReport&);
  } analysis[] = {
      {"impact", &v1::SubmitFaultAnalysisRequest::set_impact,
       [](const v1::FaultReport& f) { return f.impact(); }},
      {"handling", &v1::SubmitFaultAnalysisRequest::set_handling,
       [](const v1::FaultReport& f) { return f.handling(); }},
      {"cause", &v1::SubmitFaultAnalysisRequest::set_cause,
       [](const v1::FaultReport& f) { return f.cause(); }},
      {"corrective_measures",
       &v1::SubmitFaultAnalysisRequest::set_corrective_measures,
       [](const v1::FaultReport& f) { return f.corrective_measures(); }},
      {"preventive_measures",
       &v1::SubmitFaultAnalysisRequest::set_preventive_measures,
       [](const v1::FaultReport& f) { return f.preventive_measures(); }},
  };
  for (const AnalysisField& f : analysis) {
    const std::string name = NewFaultReport().name();
    ExpectLimit(
        f.field, limits::kFaultText,
        [&](const std::string& t) {
          v1::SubmitFaultAnalysisRequest req;
          req.set_name(name);
          req.set_impact("2小时中断");
          req.set_handling("切换电源");
          req.set_cause("市电故障");
          req.set_corrective_measures("UPS扩容");
          req.set_preventive_measures("定期演练");
          (req.*f.set)(t);
          v1::FaultReport out;
          return Call(&Stub::SubmitFaultAnalysis, "sup", req, &out);
        },
        [&] { return f.get(GetFault(name)); });
  }
}

TEST_F(ComplaintTextLimitsTest, ConfigurationTexts) {
  auto category = [&](const std::string& id) {
    v1::ListCategoriesRequest req;
    v1::ListCategoriesResponse resp;
    EXPECT_TRUE(ConfigCall(&ConfigStub::ListCategories, "gm", req, &resp).ok());
    for (const v1::Category& c : resp.categories()) {
      if (c.name() == "categories/" + id) return c;
    }
    return v1::Category();
  };
  int n = 0;
  std::string id;
  auto create = [&](bool display) {
    return [&, display](const std::string& t) {
      id = absl::StrCat("limits-", ++n);
      v1::CreateCategoryRequest req;
      req.set_category_id(id);
      req.mutable_category()->set_display_name(display ? t : "安装调试类");
      req.mutable_category()->set_handling_department(display ? "技术服务部"
                                                              : t);
      v1::Category out;
      return ConfigCall(&ConfigStub::CreateCategory, "arch", req, &out);
    };
  };
  ExpectLimit("category.display_name", limits::kCategoryDisplayName,
              create(true), [&] { return category(id).display_name(); });
  ExpectLimit("category.handling_department", limits::kDepartment,
              create(false),
              [&] { return category(id).handling_department(); });

  auto update = [&](const std::string& path) {
    return [&, path](const std::string& t) {
      v1::UpdateCategoryRequest req;
      req.mutable_category()->set_name("categories/packaging");
      req.mutable_category()->set_display_name(t);
      req.mutable_category()->set_handling_department(t);
      req.mutable_update_mask()->add_paths(path);
      v1::Category out;
      return ConfigCall(&ConfigStub::UpdateCategory, "arch", req, &out);
    };
  };
  ExpectLimit("category.display_name", limits::kCategoryDisplayName,
              update("display_name"),
              [&] { return category("packaging").display_name(); });
  ExpectLimit("category.handling_department", limits::kDepartment,
              update("handling_department"),
              [&] { return category("packaging").handling_department(); });

  ExpectLimit(
      "calendar.exceptions[0].label", limits::kCalendarLabel,
      [&](const std::string& t) {
        v1::UpdateBusinessCalendarRequest req;
        v1::BusinessCalendar* cal = req.mutable_calendar();
        cal->set_name("calendars/china");
        v1::CalendarException* e = cal->add_exceptions();
        e->mutable_date()->set_year(2027);
        e->mutable_date()->set_month(1);
        e->mutable_date()->set_day(1);
        e->set_holiday(true);
        e->set_label(t);
        req.mutable_update_mask()->add_paths("exceptions");
        v1::BusinessCalendar out;
        return ConfigCall(&ConfigStub::UpdateBusinessCalendar, "arch", req,
                          &out);
      },
      [&] {
        v1::GetBusinessCalendarRequest req;
        req.set_name("calendars/china");
        req.set_year(2027);
        v1::BusinessCalendar cal;
        EXPECT_TRUE(
            ConfigCall(&ConfigStub::GetBusinessCalendar, "gm", req, &cal).ok());
        return cal.exceptions().empty() ? "" : cal.exceptions(0).label();
      });
}

// The working hours are stored as text: the number of periods is bounded so
// that the column always holds them.
TEST_F(ComplaintTextLimitsTest, WorkingPeriodsAreBounded) {
  auto update = [&](int periods, v1::BusinessCalendar* out) {
    v1::UpdateBusinessCalendarRequest req;
    v1::BusinessCalendar* cal = req.mutable_calendar();
    cal->set_name("calendars/china");
    for (int i = 0; i < periods; ++i) {
      v1::WorkingPeriod* p = cal->add_working_hours();
      p->set_start(absl::StrFormat("%02d:00", 8 + i));
      p->set_end(absl::StrFormat("%02d:30", 8 + i));
    }
    req.mutable_update_mask()->add_paths("working_hours");
    return ConfigCall(&ConfigStub::UpdateBusinessCalendar, "arch", req, out);
  };
  v1::BusinessCalendar out;
  const std::string before = DatabaseFingerprint();
  const grpc::Status over = update(limits::kMaxWorkingPeriods + 1, &out);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(over);
  EXPECT_THAT(ViolationFields(over), ElementsAre("calendar.working_hours"));
  EXPECT_EQ(DatabaseFingerprint(), before);
  CX_ASSERT_OK(update(limits::kMaxWorkingPeriods, &out));
  EXPECT_EQ(out.working_hours_size(), limits::kMaxWorkingPeriods);
}

// Every column that stores a field of the table is utf8mb4 and holds the
// field's limit in 4-byte characters; every text column of complaint-svc's
// own tables is either such a column or listed here with why it needs no
// limit of the table.
TEST_F(ComplaintTextLimitsTest, MigratedColumnsHoldEveryLimit) {
  struct Column {
    std::string type, charset;
    int64_t chars = 0, bytes = 0;
  };
  std::map<std::string, Column> columns;
  absl::Status s = RunWithConnection(
      *pool_, absl::Now() + absl::Seconds(10),
      [&](MysqlConnection& conn) -> absl::Status {
        std::unique_ptr<sql::Statement> st(conn.raw().createStatement());
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
            "SELECT table_name, column_name, data_type, "
            "character_maximum_length, character_octet_length, "
            "character_set_name FROM information_schema.columns WHERE "
            "table_schema = DATABASE() AND character_set_name IS NOT NULL"));
        while (rs->next()) {
          Column& c = columns[absl::StrCat(std::string(rs->getString(1)), ".",
                                           std::string(rs->getString(2)))];
          c.type = rs->getString(3);
          c.chars = rs->getInt64(4);
          c.bytes = rs->getInt64(5);
          c.charset = rs->getString(6);
        }
        return absl::OkStatus();
      });
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_FALSE(columns.empty());

  std::set<std::string> limited;
  for (const TextLimit* limit : AllTextLimits()) {
    for (absl::string_view column : limit->columns) {
      if (column.empty()) continue;
      SCOPED_TRACE(absl::StrCat(limit->what, " in ", column));
      limited.insert(std::string(column));
      auto it = columns.find(std::string(column));
      ASSERT_NE(it, columns.end()) << "no such column";
      EXPECT_EQ(it->second.charset, "utf8mb4");
      EXPECT_GE(it->second.chars, limit->max_chars);
      EXPECT_GE(it->second.bytes, 4 * limit->max_chars);
    }
  }
  // Text columns whose values are not free text of a request.
  const std::set<std::string> kNotFreeText = {
      // Generated: TS202611-000042, "202611", policy names, verbs.
      "complaints.complaint_number",
      "complaint_number_counters.period",
      "complaints.sla_policy",
      "complaint_steps.action",
      // Validated against patterns or fixed sets: category ids
      // [a-z0-9-]{1,63}, grades A/B/C/*, return-visit methods.
      "complaints.category",
      "complaints.customer_grade",
      "complaints.return_visit_method",
      "categories.category_id",
      "sla_policies.category",
      "sla_policies.customer_grade",
  };
  // The tables every service has (common/migrations) are not this table's.
  const std::set<std::string> kCommonTables = {
      "schema_migrations", "outbox_events", "outbox_counter",
      "idempotency_keys",  "event_cursors", "event_dead_letters"};
  for (const auto& [name, column] : columns) {
    const std::string table = name.substr(0, name.find('.'));
    if (kCommonTables.contains(table)) continue;
    EXPECT_TRUE(limited.contains(name) || kNotFreeText.contains(name))
        << name << " (" << column.type
        << ") stores text but no limit of text_limits.h names it";
  }
}

}  // namespace
}  // namespace csm::complaint::text_limits_test
