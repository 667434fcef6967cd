// Text limits of complaint-svc (domain/text_limits.h) through real gRPC
// against the real MariaDB: every text field of every write RPC of
// ComplaintService and ComplaintConfigService takes its limit in 4-byte
// characters ("𠀀", U+20000) and stores it whole; one character more is
// INVALID_ARGUMENT with a violation on the field and nothing written (every
// table's checksum unchanged). And the migrated schema holds every limit:
// each column that stores a field is utf8mb4 and wide enough.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "complaint-svc/src/domain/text_limits.h"
#include "complaint-svc/testing/complaint_api_fixture.h"

namespace csm::complaint {
namespace {

using fixture::ComplaintApiFixture;
using fixture::Describe;
using fixture::ViolationFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using S = v1::ComplaintState;
using Send = std::function<grpc::Status(const std::string&)>;
using Stored = std::function<std::string()>;

// `n` times U+20000 (4 bytes in UTF-8).
std::string Wide(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "𠀀";
  return out;
}

class ComplaintTextLimitsTest : public ComplaintApiFixture {
 protected:
  // limit + 1 characters: refused on `field`, nothing written; the limit:
  // accepted and stored whole.
  void ExpectLimit(const std::string& field, const TextLimit& limit,
                   const Send& send, const Stored& stored) {
    SCOPED_TRACE(field);
    const std::string before = DatabaseFingerprint();
    const grpc::Status over = send(Wide(limit.max_chars + 1));
    EXPECT_EQ(over.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(over);
    EXPECT_THAT(ViolationFields(over), ElementsAre(field));
    EXPECT_EQ(DatabaseFingerprint(), before) << "a refused call wrote";
    const std::string at = Wide(limit.max_chars);
    const grpc::Status ok = send(at);
    ASSERT_TRUE(ok.ok()) << Describe(ok);
    EXPECT_NE(DatabaseFingerprint(), before) << "the fingerprint sees writes";
    const std::string got = stored();
    EXPECT_TRUE(absl::StrContains(got, at))
        << field << " was not stored whole: " << got.size() << " bytes";
  }

  std::string LastNote(const std::string& name) {
    v1::ListComplaintStepsRequest req;
    req.set_parent(name);
    req.set_page_size(500);
    v1::ListComplaintStepsResponse resp;
    const grpc::Status s = Call(&Stub::ListComplaintSteps, "gm", req, &resp);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return resp.steps().empty() ? "" : resp.steps().rbegin()->note();
  }

  v1::FaultReport NewFaultReport() {
    v1::FaultReport out;
    const grpc::Status s =
        Call(&Stub::CreateFaultReport, "sup", FaultReportRequest(), &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return out;
  }
  v1::FaultReport GetFault(const std::string& name) {
    v1::GetFaultReportRequest req;
    req.set_name(name);
    v1::FaultReport out;
    const grpc::Status s = Call(&Stub::GetFaultReport, "gm", req, &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return out;
  }

  int subjects_ = 0;
  std::string last_;  // the complaint the last registration opened
  std::string NextSubject() { return absl::StrCat("问题", ++subjects_); }
};

// The issue: 700 Chinese characters of reason (limit 1000) failed with
// MySQL error 1366 because the note was cut at 2000 bytes, inside a
// character.
TEST_F(ComplaintTextLimitsTest, WaitForCustomerWith700ChineseCharacters) {
  const v1::Complaint c = Walk("等待客户", S::COMPLAINT_STATE_IN_PROGRESS);
  std::string reason;
  for (int i = 0; i < 700; ++i) reason += "等";
  v1::WaitForCustomerRequest req;
  req.set_name(c.name());
  req.set_reason(reason);
  v1::Complaint out;
  CX_ASSERT_OK(Call(&Stub::WaitForCustomer, "li.na", req, &out));
  EXPECT_EQ(out.state(), S::COMPLAINT_STATE_WAITING_ON_CUSTOMER);
  EXPECT_THAT(LastNote(c.name()), HasSubstr(reason));
}

TEST_F(ComplaintTextLimitsTest, RegisterComplaint) {
  auto with = [&](auto setter) {
    return [this, setter](const std::string& text) {
      v1::Complaint c = NewComplaint(NextSubject());
      (c.*setter)(text);
      v1::RegisterComplaintResponse resp;
      const grpc::Status s = Register("li.na", c, &resp);
      if (s.ok()) last_ = resp.complaint().name();
      return s;
    };
  };
  using C = v1::Complaint;
  using Setter = void (C::*)(const std::string&);
  ExpectLimit("complaint.subject", limits::kSubject,
              with(static_cast<Setter>(&C::set_subject)),
              [&] { return Get(last_).subject(); });
  ExpectLimit("complaint.description", limits::kDescription,
              with(static_cast<Setter>(&C::set_description)),
              [&] { return Get(last_).description(); });
  ExpectLimit("complaint.customer_request", limits::kCustomerRequest,
              with(static_cast<Setter>(&C::set_customer_request)),
              [&] { return Get(last_).customer_request(); });
  ExpectLimit("complaint.matter_reference", limits::kMatterReference,
              with(static_cast<Setter>(&C::set_matter_reference)),
              [&] { return Get(last_).matter_reference(); });
}

TEST_F(ComplaintTextLimitsTest, TransferComplaint) {
  v1::Complaint out;
  auto transfer = [&](const std::string& name, const std::string& to,
                      const std::string& staff, const std::string& reason) {
    v1::TransferComplaintRequest req;
    req.set_name(name);
    req.set_to_department(to);
    req.set_to_staff_id(staff);
    req.set_reason(reason);
    return Call(&Stub::TransferComplaint, "sup", req, &out);
  };
  std::string name = Walk(NextSubject(), S::COMPLAINT_STATE_REGISTERED).name();
  ExpectLimit(
      "to_department", limits::kDepartment,
      [&](const std::string& t) { return transfer(name, t, "", "移交"); },
      [&] { return Get(name).handling_department(); });
  name = Walk(NextSubject(), S::COMPLAINT_STATE_REGISTERED).name();
  ExpectLimit(
      "to_staff_id", limits::kStaffId,
      [&](const std::string& t) {
        return transfer(name, "技术服务部", t, "移交");
      },
      [&] { return Get(name).handler_id(); });
  name = Walk(NextSubject(), S::COMPLAINT_STATE_REGISTERED).name();
  ExpectLimit(
      "reason", limits::kReason,
      [&](const std::string& t) { return transfer(name, "技术服务部", "", t); },
      [&] { return LastNote(name); });
}

TEST_F(ComplaintTextLimitsTest, WaitInvestigateResolve) {
  v1::Complaint out;
  std::string name = Walk(NextSubject(), S::COMPLAINT_STATE_IN_PROGRESS).name();
  ExpectLimit(
      "reason", limits::kReason,
      [&](const std::string& t) {
        v1::WaitForCustomerRequest req;
        req.set_name(name);
        req.set_reason(t);
        return Call(&Stub::WaitForCustomer, "li.na", req, &out);
      },
      [&] { return LastNote(name); });

  name = Walk(NextSubject(), S::COMPLAINT_STATE_ACCEPTED).name();
  auto investigate = [&](const std::string& t) {
    v1::RecordInvestigationRequest req;
    req.set_name(name);
    req.set_findings(t);
    return Call(&Stub::RecordInvestigation, "li.na", req, &out);
  };
  ExpectLimit("findings", limits::kInvestigationFindings, investigate,
              [&] { return Get(name).investigation().findings(); });
  EXPECT_THAT(LastNote(name), HasSubstr(Wide(4000)));

  using Setter = void (v1::Resolution::*)(const std::string&);
  struct Field {
    const char* field;
    Setter set;
    std::string (*get)(const v1::Resolution&);
  } fields[] = {
      {"resolution.cause_analysis", &v1::Resolution::set_cause_analysis,
       [](const v1::Resolution& r) { return r.cause_analysis(); }},
      {"resolution.immediate_fix", &v1::Resolution::set_immediate_fix,
       [](const v1::Resolution& r) { return r.immediate_fix(); }},
      {"resolution.corrective_action", &v1::Resolution::set_corrective_action,
       [](const v1::Resolution& r) { return r.corrective_action(); }},
  };
  for (const Field& f : fields) {
    name = Walk(NextSubject(), S::COMPLAINT_STATE_IN_PROGRESS).name();
    ExpectLimit(
        f.field, limits::kResolutionText,
        [&](const std::string& t) {
          v1::ResolveComplaintRequest req;
          req.set_name(name);
          v1::Resolution* r = req.mutable_resolution();
          r->set_cause_analysis("原因");
          r->set_immediate_fix("对策");
          r->set_corrective_action("改善");
          r->set_responsibility(v1::RESPONSIBILITY_COMPANY);
          (r->*f.set)(t);
          return Call(&Stub::ResolveComplaint, "li.na", req, &out);
        },
        [&] { return f.get(Get(name).resolution()); });
  }
}

TEST_F(ComplaintTextLimitsTest, ConfirmCloseReopen) {
  v1::Complaint out;
  std::string name = Walk(NextSubject(), S::COMPLAINT_STATE_RESOLVED).name();
  ExpectLimit(
      "customer_feedback", limits::kCustomerFeedback,
      [&](const std::string& t) {
        v1::ConfirmComplaintRequest req;
        req.set_name(name);
        req.set_satisfaction(csm::common::v1::SATISFACTION_SATISFIED);
        req.set_customer_feedback(t);
        return Call(&Stub::ConfirmComplaint, "li.na", req, &out);
      },
      [&] { return Get(name).customer_feedback(); });
  // The note holds the feedback after its prefix too.
  EXPECT_THAT(LastNote(name), HasSubstr(Wide(2000)));

  name = Walk(NextSubject(), S::COMPLAINT_STATE_CONFIRMED).name();
  ExpectLimit(
      "return_visit.notes", limits::kReturnVisitNotes,
      [&](const std::string& t) {
        v1::CloseComplaintRequest req;
        req.set_name(name);
        req.mutable_return_visit()->set_method("phone");
        req.mutable_return_visit()->set_satisfaction(
            csm::common::v1::SATISFACTION_SATISFIED);
        req.mutable_return_visit()->set_notes(t);
        return Call(&Stub::CloseComplaint, "li.na", req, &out);
      },
      [&] { return Get(name).return_visit().notes(); });

  name = Walk(NextSubject(), S::COMPLAINT_STATE_CLOSED).name();
  ExpectLimit(
      "reason", limits::kReason,
      [&](const std::string& t) {
        v1::ReopenComplaintRequest req;
        req.set_name(name);
        req.set_reason(t);
        return Call(&Stub::ReopenComplaint, "li.na", req, &out);
      },
      [&] { return LastNote(name); });
}

TEST_F(ComplaintTextLimitsTest, RejectReclassifyReassign) {
  v1::Complaint out;
  std::string name = Walk(NextSubject(), S::COMPLAINT_STATE_REGISTERED).name();
  ExpectLimit(
      "reason", limits::kReason,
      [&](const std::string& t) {
        v1::RejectComplaintRequest req;
        req.set_name(name);
        req.set_kind(v1::REJECTION_KIND_INVALID);
        req.set_reason(t);
        return Call(&Stub::RejectComplaint, "sup", req, &out);
      },
      [&] { return Get(name).rejection_reason(); });
  EXPECT_THAT(LastNote(name), HasSubstr(Wide(1000)));

  name = Walk(NextSubject(), S::COMPLAINT_STATE_ACCEPTED).name();
  ExpectLimit(
      "reason", limits::kReason,
      [&](const std::string& t) {
        v1::ReclassifyComplaintRequest req;
        req.set_name(name);
        req.set_category("attitude");
        req.set_reason(t);
        return Call(&Stub::ReclassifyComplaint, "sup", req, &out);
      },
      [&] { return LastNote(name); });

  auto reassign = [&](const std::string& handler, const std::string& reason) {
    v1::ReassignComplaintRequest req;
    req.set_name(name);
    req.set_handler_id(handler);
    req.set_reason(reason);
    return Call(&Stub::ReassignComplaint, "sup", req, &out);
  };
  name = Walk(NextSubject(), S::COMPLAINT_STATE_ACCEPTED).name();
  ExpectLimit(
      "handler_id", limits::kStaffId,
      [&](const std::string& t) { return reassign(t, "换人"); },
      [&] { return Get(name).handler_id(); });
  name = Walk(NextSubject(), S::COMPLAINT_STATE_ACCEPTED).name();
  ExpectLimit(
      "reason", limits::kReason,
      [&](const std::string& t) { return reassign("wang.fang", t); },
      [&] { return LastNote(name); });
}

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
}  // namespace csm::complaint
