// csm-report-history: writes a year of synthetic history straight into one
// source's outbox (customer-svc's or complaint-svc's schema, migrated and
// with its service stopped), numbered 1, 2, 3 ... as its sequencer would,
// so that reporting-svc follows it through the real StreamEvents at the
// scale of docs/benchmarks.md (scripts/bench-reports.sh):
//   csm-report-history --source=complaint-svc --complaints=1000000
//     --departments=100 --customers=50000 --mysql_database=csm_complaint ...
// Every complaint tells one story (registered, maybe breached and escalated,
// accepted, maybe transferred, resolved, confirmed, closed or reopened), as
// complaint-svc's events carry it; every archive is created, gets a visit
// plan, and most get a return visit and some a kept promise. The data is a
// function of --seed: two runs write the same events.
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/business_time.h"
#include "common/mysql_pool.h"
#include "common/service_flags.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "common/uuid.h"
#include "csm/events/v1/complaint_events.pb.h"
#include "csm/events/v1/customer_events.pb.h"

ABSL_FLAG(std::string, source, "complaint-svc",
          "complaint-svc (complaints) or customer-svc (archives)");
ABSL_FLAG(int64_t, complaints, 1000000, "Complaints over the year");
ABSL_FLAG(int, departments, 100, "Handling departments (10 staff each)");
ABSL_FLAG(int64_t, customers, 50000, "Customer archives");
ABSL_FLAG(int, year, 2026, "The year the history covers");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the data");
ABSL_FLAG(int, rows_per_insert, 250, "Events per multi-row INSERT");

namespace csm::history {
namespace {

namespace ev = ::csm::events::v1;
using csm::common::v1::Satisfaction;
constexpr int kStaffPerDepartment = 10;
constexpr int kInsertsPerCommit = 8;

std::string Department(int d) { return absl::StrFormat("部门%03d", d + 1); }
std::string Staff(int d, int i) {
  return absl::StrFormat("staff%03d-%d", d + 1, i + 1);
}

// The n-th of `count` things spread over the year, on a working-hours clock
// (09:00 to 17:00 Beijing time).
absl::Time SpreadOverYear(int64_t n, int64_t count, int year) {
  const int64_t day = n * 365 / count;
  const int64_t minute = (n * 37) % 480;
  return StartOfBusinessDay(absl::CivilDay(year, 1, 1) + day) + absl::Hours(9) +
         absl::Minutes(minute);
}

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  ToProtoTimestamp(t, out);
}

void SetDate(absl::Time t, csm::common::v1::Date* out) {
  ToProtoDate(BusinessDate(t), out);
}

// Buffers events and writes them as multi-row INSERTs (prepared, one
// statement text per row count), a transaction every few of them.
class OutboxWriter {
 public:
  // Continues after `last_sequence`: a service writes events of its own at
  // start-up (complaint-svc announces its business calendar).
  OutboxWriter(MysqlConnection& conn, int rows_per_insert,
               int64_t last_sequence)
      : conn_(conn),
        rows_per_insert_(rows_per_insert),
        sequence_(last_sequence) {}

  absl::Status Add(absl::Time at, absl::string_view aggregate,
                   const google::protobuf::Message& payload,
                   absl::string_view actor, absl::string_view department) {
    Row& r = rows_.emplace_back();
    r.sequence = ++sequence_;
    r.aggregate = std::string(aggregate);
    r.type = std::string(payload.GetDescriptor()->full_name());
    r.time = ToSqlTime(at);
    r.actor = std::string(actor);
    r.department = std::string(department);
    payload.SerializeToString(&r.payload);
    return static_cast<int>(rows_.size()) >= rows_per_insert_
               ? Flush()
               : absl::OkStatus();
  }

  absl::Status Finish() {
    CSM_RETURN_IF_ERROR(Flush());
    return inserts_ == 0 ? absl::OkStatus() : Commit();
  }

  int64_t last_sequence() const { return sequence_; }

 private:
  struct Row {
    int64_t sequence;
    std::string aggregate, type, time, actor, department, payload;
  };

  absl::Status Flush() {
    if (rows_.empty()) return absl::OkStatus();
    try {
      if (inserts_ == 0) conn_.Execute("START TRANSACTION");
      sql::PreparedStatement& stmt = conn_.Prepare(InsertOf(rows_.size()));
      std::vector<std::istringstream> blobs;
      blobs.reserve(rows_.size());
      int p = 0;
      for (const Row& r : rows_) {
        stmt.setInt64(++p, r.sequence);
        stmt.setString(++p, NewUuidV4());
        stmt.setString(++p, r.aggregate);
        stmt.setString(++p, r.type);
        stmt.setString(++p, r.time);
        stmt.setString(++p, r.actor);
        stmt.setString(++p, r.department);
        blobs.emplace_back(r.payload);
        stmt.setBlob(++p, &blobs.back());
      }
      stmt.executeUpdate();
    } catch (const sql::SQLException& e) {
      return absl::InternalError(absl::StrCat("insert: ", e.what()));
    }
    rows_.clear();
    return ++inserts_ >= kInsertsPerCommit ? Commit() : absl::OkStatus();
  }

  absl::Status Commit() {
    try {
      conn_.Execute("COMMIT");
    } catch (const sql::SQLException& e) {
      return absl::InternalError(absl::StrCat("commit: ", e.what()));
    }
    inserts_ = 0;
    return absl::OkStatus();
  }

  static std::string InsertOf(size_t rows) {
    std::string sql =
        "INSERT INTO outbox_events (sequence, event_id, aggregate, "
        "event_type, occur_time, actor, actor_department, request_id, "
        "payload) VALUES ";
    for (size_t i = 0; i < rows; ++i) {
      absl::StrAppend(&sql, i ? ", " : "", "(?, ?, ?, ?, ?, ?, ?, '', ?)");
    }
    return sql;
  }

  MysqlConnection& conn_;
  const int rows_per_insert_;
  std::vector<Row> rows_;
  int64_t sequence_;
  int inserts_ = 0;
};

struct Options {
  int64_t complaints, customers;
  int departments, year;
  uint64_t seed;
};

// One complaint's story; k is its number, rng decides its turns.
class ComplaintStory {
 public:
  ComplaintStory(const Options& o, int64_t k, std::mt19937_64& rng)
      : rng_(rng), at_(SpreadOverYear(k - 1, o.complaints, o.year)) {
    dept_ = static_cast<int>(rng_() % o.departments);
    other_ = static_cast<int>((dept_ + 1 + rng_() % (o.departments - 1)) %
                              o.departments);
    staff_ = Staff(dept_, static_cast<int>(rng_() % kStaffPerDepartment));
    s_.set_name(absl::StrCat("complaints/", k));
    s_.set_complaint_number(absl::StrFormat("TS-%d-%07d", o.year, k));
    s_.set_customer(absl::StrCat("customers/", 1 + rng_() % o.customers));
    s_.set_customer_grade(Pick({"A", "B", "B", "C", "C"}));
    s_.set_category(Pick({"quality", "delivery", "service", "billing"}));
    s_.set_severity(
        Pick({"SEVERITY_NORMAL", "SEVERITY_NORMAL", "SEVERITY_NORMAL",
              "SEVERITY_MAJOR", "SEVERITY_CRITICAL"}));
    s_.set_channel(Pick({"COMPLAINT_CHANNEL_PHONE_HOTLINE",
                         "COMPLAINT_CHANNEL_WEB", "COMPLAINT_CHANNEL_EMAIL"}));
    s_.set_handling_department(Department(dept_));
    s_.set_first_responder_department(Department(dept_));
    s_.set_first_responder_id(staff_);
    s_.set_handler_id(staff_);
    s_.set_subject(absl::StrCat("投诉 ", k));
    SetTime(at_, s_.mutable_register_time());
  }

  absl::Status Tell(OutboxWriter& out) {
    out_ = &out;
    CSM_RETURN_IF_ERROR(Register());
    const bool late = Chance(5);
    if (late) CSM_RETURN_IF_ERROR(BreachAndEscalate());
    CSM_RETURN_IF_ERROR(Accept(late ? 300 : 60));
    if (Chance(20)) CSM_RETURN_IF_ERROR(Transfer());
    CSM_RETURN_IF_ERROR(Resolve());
    return Confirm();
  }

 private:
  bool Chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  const char* Pick(std::initializer_list<const char*> values) {
    return values.begin()[rng_() % values.size()];
  }

  template <typename M>
  absl::Status Emit(absl::Duration after, M& m) {
    *m.mutable_complaint() = s_;
    return out_->Add(at_ + after, s_.name(), m, s_.handler_id(),
                     s_.handling_department());
  }

  ev::DeadlineState* Deadline(const char* kind) {
    for (ev::DeadlineState& d : *s_.mutable_deadlines()) {
      if (d.kind() == kind) return &d;
    }
    return nullptr;
  }

  void Meet(const char* kind, absl::Duration after, int64_t minutes) {
    ev::DeadlineState* d = Deadline(kind);
    SetTime(at_ + after, d->mutable_met_time());
    d->set_met_working_minutes(minutes);
    d->set_met_by_staff_id(s_.handler_id());
    d->set_met_department(s_.handling_department());
  }

  absl::Status Register() {
    ev::DeadlineState* ack = s_.add_deadlines();
    ack->set_kind("DEADLINE_KIND_ACKNOWLEDGE");
    SetTime(at_ + absl::Hours(4), ack->mutable_due_time());
    ev::DeadlineState* opinion = s_.add_deadlines();
    opinion->set_kind("DEADLINE_KIND_HANDLING_OPINION");
    SetTime(at_ + absl::Hours(72), opinion->mutable_due_time());
    ev::ComplaintRegistered m;
    return Emit(absl::ZeroDuration(), m);
  }

  absl::Status BreachAndEscalate() {
    ev::DeadlineState* ack = Deadline("DEADLINE_KIND_ACKNOWLEDGE");
    ack->set_breached(true);
    ack->set_breached_department(s_.handling_department());
    ack->set_breached_staff_id(s_.handler_id());
    ev::ComplaintDeadlineBreached breached;
    breached.set_deadline("DEADLINE_KIND_ACKNOWLEDGE");
    *breached.mutable_due_time() = ack->due_time();
    breached.set_department(s_.handling_department());
    breached.set_handler_id(s_.handler_id());
    CSM_RETURN_IF_ERROR(Emit(absl::Minutes(241), breached));
    s_.set_escalation_level(1);
    ev::ComplaintEscalated escalated;
    escalated.set_level("ESCALATION_LEVEL_SUPERVISOR");
    escalated.set_department(s_.handling_department());
    escalated.set_handler_id(s_.handler_id());
    *escalated.mutable_due_time() = ack->due_time();
    return Emit(absl::Minutes(242), escalated);
  }

  absl::Status Accept(int64_t minutes) {
    Meet("DEADLINE_KIND_ACKNOWLEDGE", absl::Minutes(minutes), minutes);
    s_.set_state("COMPLAINT_STATE_ACCEPTED");
    ev::ComplaintStateChanged m;
    m.set_action("accept");
    return Emit(absl::Minutes(minutes), m);
  }

  absl::Status Transfer() {
    const std::string from = s_.handling_department();
    const std::string from_handler = s_.handler_id();
    s_.set_handling_department(Department(other_));
    s_.set_handler_id(Staff(other_, static_cast<int>(rng_() % 10)));
    s_.set_state("COMPLAINT_STATE_TRANSFERRED");
    ev::ComplaintTransferred m;
    m.set_from_department(from);
    m.set_to_department(s_.handling_department());
    m.set_to_staff_id(s_.handler_id());
    m.set_from_handler_id(from_handler);
    m.set_from_department_working_minutes(360);
    *m.mutable_complaint() = s_;
    // Written by the department that gives the complaint away.
    return out_->Add(at_ + absl::Hours(6), s_.name(), m, from_handler, from);
  }

  absl::Status Resolve() {
    const int64_t minutes = 240 + static_cast<int64_t>(rng_() % 960);
    Meet("DEADLINE_KIND_HANDLING_OPINION", absl::Hours(24), minutes);
    s_.set_state("COMPLAINT_STATE_RESOLVED");
    s_.set_resolver_id(s_.handler_id());
    s_.set_resolving_department(s_.handling_department());
    s_.set_cause(Pick({"packaging", "software", "staff", "logistics"}));
    s_.set_responsibility(
        Pick({"RESPONSIBILITY_COMPANY", "RESPONSIBILITY_CUSTOMER",
              "RESPONSIBILITY_THIRD_PARTY"}));
    ev::ComplaintResolved m;
    m.set_handling_working_minutes(minutes);
    m.set_resolving_department_working_minutes(minutes / 2);
    return Emit(absl::Hours(24), m);
  }

  absl::Status Confirm() {
    const int roll = static_cast<int>(rng_() % 100);
    ev::ComplaintConfirmed confirmed;
    if (roll < 5) {
      s_.set_state("COMPLAINT_STATE_REOPENED");
      s_.set_reopen_count(1);
      confirmed.set_satisfaction(csm::common::v1::SATISFACTION_DISSATISFIED);
      confirmed.set_reopened(true);
      confirmed.set_customer_feedback("问题没有解决");
      return Emit(absl::Hours(28), confirmed);
    }
    s_.set_state("COMPLAINT_STATE_CONFIRMED");
    const Satisfaction rated = roll < 15
                                   ? csm::common::v1::SATISFACTION_NEUTRAL
                                   : csm::common::v1::SATISFACTION_SATISFIED;
    confirmed.set_satisfaction(rated);
    CSM_RETURN_IF_ERROR(Emit(absl::Hours(28), confirmed));
    s_.set_state("COMPLAINT_STATE_CLOSED");
    SetTime(at_ + absl::Hours(48), s_.mutable_close_time());
    ev::ComplaintClosed closed;
    closed.set_return_visit_satisfaction(rated);
    return Emit(absl::Hours(48), closed);
  }

  std::mt19937_64& rng_;
  const absl::Time at_;
  int dept_ = 0, other_ = 0;
  std::string staff_;
  ev::ComplaintSnapshot s_;
  OutboxWriter* out_ = nullptr;
};

// One archive: created, a visit plan, most visited, some with a promise.
absl::Status TellArchive(const Options& o, int64_t c, std::mt19937_64& rng,
                         OutboxWriter& out) {
  const int dept = static_cast<int>(rng() % o.departments);
  const std::string owner = Staff(dept, static_cast<int>(rng() % 10));
  const absl::Time at = SpreadOverYear(c - 1, o.customers, o.year);
  ev::CustomerSnapshot s;
  s.set_name(absl::StrCat("customers/", c));
  s.set_archive_number(absl::StrFormat("KH-%07d", c));
  s.set_display_name(absl::StrCat("客户", c));
  s.set_kind("CUSTOMER_KIND_ENTERPRISE");
  static constexpr const char* kGrades[] = {"GRADE_A", "GRADE_B", "GRADE_B",
                                            "GRADE_C", "GRADE_C"};
  s.set_grade(kGrades[rng() % 5]);
  s.set_lifecycle_status("LIFECYCLE_STATUS_ACTIVE");
  s.set_state("CUSTOMER_STATE_ACTIVE");
  s.set_owner_id(owner);
  s.set_team(absl::StrFormat("teams/t%03d", dept + 1));
  s.set_department(Department(dept));
  SetTime(at, s.mutable_create_time());
  const std::string dept_name = Department(dept);
  auto add = [&](absl::Duration after, auto& m) {
    *m.mutable_customer() = s;
    return out.Add(at + after, s.name(), m, owner, dept_name);
  };
  ev::CustomerCreated created;
  CSM_RETURN_IF_ERROR(add(absl::ZeroDuration(), created));
  ev::VisitPlanCreated plan;
  plan.set_visit_plan(absl::StrCat(s.name(), "/visitPlans/1"));
  SetDate(at + absl::Hours(24 * 14), plan.mutable_next_due_date());
  CSM_RETURN_IF_ERROR(add(absl::Minutes(5), plan));
  if (rng() % 100 < 60) {
    ev::VisitRecorded visit;
    visit.set_visit(absl::StrCat(s.name(), "/visits/1"));
    visit.set_visit_plan(plan.visit_plan());
    visit.set_staff_id(owner);
    visit.set_method("VISIT_METHOD_PHONE");
    visit.set_satisfaction(csm::common::v1::SATISFACTION_SATISFIED);
    visit.set_counted(true);
    SetDate(at + absl::Hours(24 * 13), visit.mutable_actual_date());
    *visit.mutable_due_date() = plan.next_due_date();
    SetDate(at + absl::Hours(24 * 104), visit.mutable_next_due_date());
    CSM_RETURN_IF_ERROR(add(absl::Hours(24 * 13), visit));
  }
  if (rng() % 100 < 20) {
    ev::CommunicationRecorded talk;
    talk.set_communication(absl::StrCat(s.name(), "/communications/1"));
    talk.set_staff_id(owner);
    talk.set_has_promise(true);
    SetDate(at + absl::Hours(24 * 3), talk.mutable_promise_due_date());
    SetTime(at + absl::Hours(1), talk.mutable_contact_time());
    CSM_RETURN_IF_ERROR(add(absl::Hours(1), talk));
    ev::PromiseKept kept;
    kept.set_communication(talk.communication());
    kept.set_staff_id(owner);
    *kept.mutable_due_date() = talk.promise_due_date();
    CSM_RETURN_IF_ERROR(add(absl::Hours(48), kept));
  }
  return absl::OkStatus();
}

// The outbox's last sequence; every row must have one (the service that
// wrote them has stopped and its sequencer numbered them).
absl::StatusOr<int64_t> LastSequence(MysqlConnection& conn) {
  try {
    sql::PreparedStatement& st = conn.Prepare(
        "SELECT COALESCE(MAX(sequence), 0), COUNT(*) - COUNT(sequence) "
        "FROM outbox_events");
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    rs->next();
    if (rs->getInt64(2) > 0) {
      return absl::FailedPreconditionError(
          "the outbox has unsequenced events: stop the service after its "
          "sequencer ran");
    }
    return rs->getInt64(1);
  } catch (const sql::SQLException& e) {
    return absl::InternalError(absl::StrCat("outbox: ", e.what()));
  }
}

absl::Status Write(const Options& o, absl::string_view source,
                   MysqlConnection& conn) {
  CSM_ASSIGN_OR_RETURN(const int64_t last, LastSequence(conn));
  OutboxWriter out(conn, absl::GetFlag(FLAGS_rows_per_insert), last);
  std::mt19937_64 rng(o.seed);
  const bool complaints = source == "complaint-svc";
  const int64_t count = complaints ? o.complaints : o.customers;
  for (int64_t k = 1; k <= count; ++k) {
    if (complaints) {
      ComplaintStory story(o, k, rng);
      CSM_RETURN_IF_ERROR(story.Tell(out));
    } else {
      CSM_RETURN_IF_ERROR(TellArchive(o, k, rng, out));
    }
  }
  CSM_RETURN_IF_ERROR(out.Finish());
  std::cout << "events=" << out.last_sequence() - last
            << " last_sequence=" << out.last_sequence() << "\n";
  return absl::OkStatus();
}

int Run() {
  const std::string source = absl::GetFlag(FLAGS_source);
  const Options o{absl::GetFlag(FLAGS_complaints),
                  absl::GetFlag(FLAGS_customers),
                  absl::GetFlag(FLAGS_departments), absl::GetFlag(FLAGS_year),
                  absl::GetFlag(FLAGS_seed)};
  if ((source != "complaint-svc" && source != "customer-svc") ||
      o.complaints < 1 || o.customers < 1 || o.departments < 2 ||
      absl::GetFlag(FLAGS_rows_per_insert) < 1) {
    std::cerr << "csm-report-history: --source must be complaint-svc or "
                 "customer-svc; counts >= 1, --departments >= 2\n";
    return 2;
  }
  auto mysql = MysqlOptionsFromFlags();
  if (!mysql.ok()) {
    std::cerr << "csm-report-history: " << mysql.status().message() << "\n";
    return 2;
  }
  mysql->pool_size = 1;
  auto pool = MysqlPool::Create(*mysql);
  absl::Status status = pool.ok() ? absl::OkStatus() : pool.status();
  if (status.ok()) {
    status = RunWithConnection(
        **pool, absl::InfiniteFuture(),
        [&](MysqlConnection& conn) { return Write(o, source, conn); });
  }
  if (!status.ok()) {
    std::cerr << "csm-report-history: " << status.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace csm::history

int main(int argc, char** argv) {
  csm::ParseFlags(argc, argv,
                  "csm-report-history --source=complaint-svc|customer-svc "
                  "[--complaints=N --customers=N --departments=N] "
                  "--mysql_...: a year of synthetic events into the "
                  "source's outbox (scripts/bench-reports.sh)");
  return csm::history::Run();
}
