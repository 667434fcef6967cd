// customer-svc's event stream (csm.events.v1.EventService/StreamEvents)
// through real gRPC: replay, follow, permissions, and resuming across a
// server restart without a gap or a duplicate.

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/testing/customer_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {
namespace {

using ::testing::ElementsAreArray;

constexpr char kCreated[] = "csm.events.v1.CustomerCreated";
constexpr char kOwnerChanged[] = "csm.events.v1.CustomerOwnerChanged";

struct StreamResult {
  std::vector<ev::Event> events;
  grpc::Status status;
};

std::vector<int64_t> Sequences(const std::vector<ev::Event>& events) {
  std::vector<int64_t> out;
  for (const ev::Event& e : events) out.push_back(e.sequence());
  return out;
}

std::vector<int64_t> Range(int64_t first, int64_t last) {
  std::vector<int64_t> out;
  for (int64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

class CustomerApiEventsTest : public CustomerApiFixture {
 protected:
  // Reads events after `after` until `want` have arrived (then cancels the
  // stream) or `timeout` passes (then the status is DEADLINE_EXCEEDED).
  StreamResult ReadEvents(
      const std::string& staff, int64_t after, size_t want,
      std::chrono::milliseconds timeout = std::chrono::seconds(10),
      int max_batch_size = 0) {
    StreamResult result;
    auto ctx = Ctx(Token(staff), timeout);
    ev::StreamEventsRequest req;
    req.set_after_sequence(after);
    req.set_max_batch_size(max_batch_size);
    auto reader = events_->StreamEvents(ctx.get(), req);
    ev::StreamEventsResponse resp;
    while (result.events.size() < want && reader->Read(&resp)) {
      int64_t previous =
          result.events.empty() ? after : result.events.back().sequence();
      for (const ev::Event& e : resp.events()) {
        EXPECT_GT(e.sequence(), previous) << "out of order";
        previous = e.sequence();
        result.events.push_back(e);
      }
      EXPECT_GE(resp.last_sequence(), previous);
    }
    if (result.events.size() >= want) ctx->TryCancel();
    result.status = reader->Finish();
    return result;
  }

  // Creates `count` customers numbered from `first` as li.na.
  std::vector<v1::Customer> CreateCustomers(int first, int count) {
    std::vector<v1::Customer> out;
    for (int n = first; n < first + count; ++n) {
      v1::CreateCustomerResponse resp;
      const grpc::Status s = Create(
          NewCustomer(absl::StrCat("事件客户", n, "号"), n), "li.na", &resp);
      EXPECT_TRUE(s.ok()) << Describe(s);
      out.push_back(resp.customer());
    }
    return out;
  }
};

TEST_F(CustomerApiEventsTest, CreatesAreStreamedInOrder) {
  CreateStandardTeam();
  const std::vector<v1::Customer> customers = CreateCustomers(1, 3);
  ASSERT_FALSE(HasFailure());

  const StreamResult r = ReadEvents("reporting-svc", 0, 6);
  ASSERT_EQ(r.events.size(), 6u) << Describe(r.status);
  EXPECT_THAT(Sequences(r.events), ElementsAreArray(Range(1, 6)));

  std::set<std::string> ids;
  for (size_t i = 0; i < r.events.size(); ++i) {
    const ev::Event& e = r.events[i];
    const v1::Customer& c = customers[i / 2];
    SCOPED_TRACE(absl::StrCat("sequence ", e.sequence()));
    EXPECT_TRUE(ids.insert(e.event_id()).second) << e.event_id();
    EXPECT_FALSE(e.event_id().empty());
    EXPECT_EQ(e.source(), "customer-svc");
    EXPECT_EQ(e.aggregate(), c.name());
    EXPECT_EQ(e.actor(), "li.na");
    EXPECT_TRUE(e.has_occur_time());

    // No personal data in the payload: phones, codes, emails.
    const std::string& bytes = e.payload().value();
    EXPECT_FALSE(absl::StrContains(bytes, MobileFor(i / 2 + 1)));
    EXPECT_FALSE(absl::StrContains(bytes, ValidUscc(i / 2 + 1)));
    EXPECT_FALSE(absl::StrContains(bytes, "@example.com"));

    const ev::CustomerSnapshot* snapshot = nullptr;
    ev::CustomerCreated created;
    ev::CustomerOwnerChanged owned;
    if (i % 2 == 0) {
      EXPECT_EQ(e.event_type(), kCreated);
      ASSERT_TRUE(e.payload().UnpackTo(&created)) << e.payload().type_url();
      snapshot = &created.customer();
    } else {
      EXPECT_EQ(e.event_type(), kOwnerChanged);
      ASSERT_TRUE(e.payload().UnpackTo(&owned)) << e.payload().type_url();
      EXPECT_EQ(owned.to_owner_id(), c.owner_id());
      EXPECT_EQ(owned.from_owner_id(), "");
      EXPECT_TRUE(owned.allocated());
      snapshot = &owned.customer();
    }
    EXPECT_EQ(snapshot->name(), c.name());
    EXPECT_EQ(snapshot->archive_number(), c.archive_number());
    EXPECT_EQ(snapshot->display_name(), c.display_name());
    EXPECT_EQ(snapshot->kind(), "CUSTOMER_KIND_ENTERPRISE");
    EXPECT_EQ(snapshot->grade(), "GRADE_C");
    EXPECT_EQ(snapshot->state(), "ARCHIVE_STATE_OPEN");
    EXPECT_EQ(snapshot->lifecycle_status(), "LIFECYCLE_STATUS_PROSPECT");
    EXPECT_EQ(snapshot->owner_id(), c.owner_id());
    EXPECT_EQ(snapshot->team(), kTeam);
    EXPECT_EQ(snapshot->department(), "客服部");
    EXPECT_EQ(snapshot->province(), "浙江省");
    EXPECT_GT(snapshot->required_fields_total(), 0);
    EXPECT_LE(snapshot->required_fields_filled(),
              snapshot->required_fields_total());
  }

  // Nothing more than those six.
  const StreamResult more =
      ReadEvents("reporting-svc", 6, 1, std::chrono::milliseconds(800));
  EXPECT_TRUE(more.events.empty());
  EXPECT_EQ(more.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << Describe(more.status);

  // Replay from a cursor: starts right after it, same events.
  const StreamResult replay = ReadEvents("reporting-svc", 3, 3);
  ASSERT_EQ(replay.events.size(), 3u) << Describe(replay.status);
  EXPECT_THAT(Sequences(replay.events), ElementsAreArray(Range(4, 6)));
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(replay.events[i].event_id(), r.events[i + 3].event_id());
  }

  // Small batches deliver the same.
  const StreamResult batched = ReadEvents(
      "reporting-svc", 0, 6, std::chrono::seconds(10), /*max_batch_size=*/1);
  EXPECT_THAT(Sequences(batched.events), ElementsAreArray(Range(1, 6)));
}

TEST_F(CustomerApiEventsTest, ChangesAreStreamedWithoutPersonalValues) {
  CreateStandardTeam();
  const std::vector<v1::Customer> customers = CreateCustomers(1, 1);
  ASSERT_FALSE(HasFailure());
  const v1::Customer& c = customers[0];
  constexpr char kAddress[] = "浙江省杭州市滨江区网商路699号";

  v1::UpdateCustomerRequest upd;
  upd.mutable_customer()->set_name(c.name());
  upd.mutable_customer()->set_address(kAddress);
  upd.mutable_customer()->set_credit_code(ValidUscc(77));
  upd.mutable_customer()->set_industry("信息技术");
  for (const char* p : {"address", "credit_code", "industry"}) {
    upd.mutable_update_mask()->add_paths(p);
  }
  v1::Customer out;
  CSM_ASSERT_OK(Call(&Stub::UpdateCustomer, c.owner_id(), upd, &out));
  v1::ChangeGradeRequest grade;
  grade.set_name(c.name());
  grade.set_grade(v1::GRADE_B);
  grade.set_reason("两三个月内有望签约");
  CSM_ASSERT_OK(Call(&Stub::ChangeGrade, c.owner_id(), grade, &out));
  v1::TransferOwnershipRequest transfer;
  transfer.set_name(c.name());
  transfer.set_new_owner_id(OtherMember(c.owner_id()));
  transfer.set_reason("调岗");
  CSM_ASSERT_OK(Call(&Stub::TransferOwnership, "sup", transfer, &out));
  v1::CloseCustomerRequest close;
  close.set_name(c.name());
  close.set_reason("客户注销");
  CSM_ASSERT_OK(Call(&Stub::CloseCustomer, "sup", close, &out));

  const StreamResult r = ReadEvents("reporting-svc", 2, 4);
  ASSERT_EQ(r.events.size(), 4u) << Describe(r.status);
  EXPECT_THAT(Sequences(r.events), ElementsAreArray(Range(3, 6)));
  for (const ev::Event& e : r.events) {
    EXPECT_EQ(e.aggregate(), c.name());
    EXPECT_FALSE(absl::StrContains(e.payload().value(), "网商路"));
    EXPECT_FALSE(absl::StrContains(e.payload().value(), ValidUscc(77)));
    EXPECT_FALSE(absl::StrContains(e.payload().value(), ValidUscc(1)));
  }

  EXPECT_EQ(r.events[0].event_type(), "csm.events.v1.CustomerUpdated");
  EXPECT_EQ(r.events[0].actor(), c.owner_id());
  ev::CustomerUpdated updated;
  ASSERT_TRUE(r.events[0].payload().UnpackTo(&updated));
  EXPECT_THAT(
      updated.changed_fields(),
      ::testing::UnorderedElementsAre("address", "credit_code", "industry"));
  EXPECT_EQ(updated.customer().industry(), "信息技术");

  EXPECT_EQ(r.events[1].event_type(), "csm.events.v1.CustomerGradeChanged");
  ev::CustomerGradeChanged graded;
  ASSERT_TRUE(r.events[1].payload().UnpackTo(&graded));
  EXPECT_EQ(graded.from_grade(), "GRADE_C");
  EXPECT_EQ(graded.to_grade(), "GRADE_B");
  EXPECT_EQ(graded.reason(), "两三个月内有望签约");
  EXPECT_EQ(graded.customer().grade(), "GRADE_B");

  EXPECT_EQ(r.events[2].event_type(), kOwnerChanged);
  EXPECT_EQ(r.events[2].actor(), "sup");
  ev::CustomerOwnerChanged owned;
  ASSERT_TRUE(r.events[2].payload().UnpackTo(&owned));
  EXPECT_EQ(owned.from_owner_id(), c.owner_id());
  EXPECT_EQ(owned.to_owner_id(), OtherMember(c.owner_id()));
  EXPECT_FALSE(owned.allocated());
  EXPECT_EQ(owned.customer().owner_id(), OtherMember(c.owner_id()));

  EXPECT_EQ(r.events[3].event_type(), "csm.events.v1.CustomerClosed");
  ev::CustomerClosed closed;
  ASSERT_TRUE(r.events[3].payload().UnpackTo(&closed));
  EXPECT_EQ(closed.reason(), "客户注销");
  EXPECT_EQ(closed.customer().state(), "ARCHIVE_STATE_CLOSED");

  // Refused calls write no events.
  CSM_EXPECT_CODE(Call(&Stub::CloseCustomer, "sup", close, &out),
                  grpc::StatusCode::FAILED_PRECONDITION);
  const StreamResult none =
      ReadEvents("reporting-svc", 6, 1, std::chrono::milliseconds(600));
  EXPECT_TRUE(none.events.empty());

  // Event types can be filtered; last_sequence still advances.
  {
    auto ctx = Ctx(Token("reporting-svc"), std::chrono::seconds(10));
    ev::StreamEventsRequest req;
    req.add_event_types("csm.events.v1.CustomerClosed");
    auto reader = events_->StreamEvents(ctx.get(), req);
    ev::StreamEventsResponse resp;
    ASSERT_TRUE(reader->Read(&resp));
    ASSERT_EQ(resp.events_size(), 1);
    EXPECT_EQ(resp.events(0).sequence(), 6);
    EXPECT_EQ(resp.last_sequence(), 6);
    ctx->TryCancel();
    reader->Finish();
  }
}

TEST_F(CustomerApiEventsTest, FollowDeliversNewEventsPromptly) {
  CreateStandardTeam();
  CreateCustomers(1, 1);
  ASSERT_FALSE(HasFailure());

  auto ctx = Ctx(Token("reporting-svc"), std::chrono::seconds(10));
  ev::StreamEventsRequest req;
  req.set_after_sequence(2);
  auto reader = events_->StreamEvents(ctx.get(), req);
  // Let the stream reach its wait before the next commit (not required for
  // correctness: a later start would replay the same events).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  const auto start = std::chrono::steady_clock::now();
  const std::vector<v1::Customer> more = CreateCustomers(2, 1);
  ASSERT_FALSE(HasFailure());
  std::vector<ev::Event> got;
  ev::StreamEventsResponse resp;
  while (got.size() < 2 && reader->Read(&resp)) {
    for (const ev::Event& e : resp.events()) got.push_back(e);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ctx->TryCancel();
  const grpc::Status status = reader->Finish();
  ASSERT_EQ(got.size(), 2u) << Describe(status);
  EXPECT_EQ(got[0].sequence(), 3);
  EXPECT_EQ(got[1].sequence(), 4);
  EXPECT_EQ(got[0].event_type(), kCreated);
  EXPECT_EQ(got[0].aggregate(), more[0].name());
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST_F(CustomerApiEventsTest, StreamNeedsAServiceOrReportingRole) {
  CreateStandardTeam();
  CreateCustomers(1, 1);
  for (const char* staff : {"li.na", "sup"}) {
    SCOPED_TRACE(staff);
    const StreamResult r = ReadEvents(staff, 0, 2);
    EXPECT_TRUE(r.events.empty());
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << Describe(r.status);
  }
  {
    auto ctx = Ctx("", std::chrono::seconds(5));
    ev::StreamEventsRequest req;
    auto reader = events_->StreamEvents(ctx.get(), req);
    ev::StreamEventsResponse resp;
    EXPECT_FALSE(reader->Read(&resp));
    CSM_EXPECT_CODE(reader->Finish(), grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    const StreamResult r = ReadEvents("reporting-svc", -1, 1);
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(r.status);
    EXPECT_THAT(ViolationFields(r.status),
                ::testing::ElementsAre("after_sequence"));
  }
  // The archivist may read the stream too.
  const StreamResult r = ReadEvents("arch", 0, 2);
  EXPECT_EQ(r.events.size(), 2u) << Describe(r.status);
}

TEST_F(CustomerApiEventsTest, ResumesAcrossARestartWithoutGapOrDuplicate) {
  CreateStandardTeam();
  CreateCustomers(1, 3);  // sequences 1..6
  ASSERT_FALSE(HasFailure());

  std::vector<ev::Event> received;
  grpc::Status first_status;
  {
    auto ctx = Ctx(Token("reporting-svc"), std::chrono::seconds(20));
    ev::StreamEventsRequest req;
    req.set_after_sequence(0);
    req.set_max_batch_size(2);
    auto reader = events_->StreamEvents(ctx.get(), req);
    ev::StreamEventsResponse resp;
    while (received.size() < 2 && reader->Read(&resp)) {
      for (const ev::Event& e : resp.events()) received.push_back(e);
    }
    ASSERT_GE(received.size(), 2u);

    // The server goes away while the stream is open.
    const auto start = std::chrono::steady_clock::now();
    server_->Shutdown();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4))
        << "Shutdown() waited for the open stream instead of ending it";
    // Whatever was already sent still counts, then the stream ends.
    while (reader->Read(&resp)) {
      for (const ev::Event& e : resp.events()) received.push_back(e);
    }
    first_status = reader->Finish();
  }
  EXPECT_EQ(first_status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << Describe(first_status);
  ASSERT_FALSE(received.empty());
  const int64_t last_seen = received.back().sequence();
  EXPECT_LE(last_seen, 6);

  // A new process on the same database.
  stub_.reset();
  events_.reset();
  channel_.reset();
  server_.reset();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  CreateCustomers(4, 2);  // sequences 7..10
  ASSERT_FALSE(HasFailure());

  const StreamResult resumed =
      ReadEvents("reporting-svc", last_seen, 10 - last_seen);
  for (const ev::Event& e : resumed.events) received.push_back(e);

  EXPECT_THAT(Sequences(received), ElementsAreArray(Range(1, 10)));
  // A consumer that had applied only the first two events when the server
  // went away resumes after those two and still sees each event once.
  {
    const StreamResult rest = ReadEvents("reporting-svc", 2, 8);
    std::vector<ev::Event> applied(received.begin(), received.begin() + 2);
    applied.insert(applied.end(), rest.events.begin(), rest.events.end());
    EXPECT_THAT(Sequences(applied), ElementsAreArray(Range(1, 10)));
  }
  std::set<std::string> ids;
  for (const ev::Event& e : received) {
    EXPECT_TRUE(ids.insert(e.event_id()).second)
        << "duplicate " << e.event_id();
  }
  EXPECT_EQ(ids.size(), 10u);

  // Event ids are stable across replays: a full replay after the restart
  // gives the same ids for the same sequences.
  const StreamResult all = ReadEvents("reporting-svc", 0, 10);
  ASSERT_EQ(all.events.size(), 10u) << Describe(all.status);
  for (size_t i = 0; i < 10 && i < received.size(); ++i) {
    EXPECT_EQ(all.events[i].event_id(), received[i].event_id())
        << "sequence " << all.events[i].sequence();
  }
}

}  // namespace
}  // namespace csm::customer::testing
