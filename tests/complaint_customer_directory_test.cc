// GrpcCustomerDirectory against a real customer-svc (CustomerServer on
// loopback with its own test database): lookups, NOT_FOUND, customer-svc
// down, and the caller's deadline.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "complaint-svc/src/clients/grpc_customer_directory.h"
#include "customer-svc/testing/customer_test_support.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::complaint {
namespace {

namespace cv1 = ::csm::customer::v1;

// Accepts TCP connections (the kernel completes them) but never speaks
// HTTP/2: every call to it waits until its deadline.
class BlackHole {
 public:
  BlackHole() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~BlackHole() { ::close(fd_); }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

GrpcCustomerDirectoryOptions Options(const std::string& address) {
  GrpcCustomerDirectoryOptions o;
  o.target = address;
  o.jwt_secret = csm::testing::kTestJwtSecret;
  o.jwt_issuer = csm::testing::kTestIssuer;
  return o;
}

class CustomerDirectoryTest
    : public csm::customer::testing::CustomerApiFixture {};

TEST_F(CustomerDirectoryTest, LookupReturnsGradeOwnerAndDepartment) {
  CreateStandardTeam();
  cv1::Customer wanted = NewCustomer("杭州西湖精密仪器有限公司", 11);
  wanted.set_grade(cv1::GRADE_A);
  cv1::CreateCustomerResponse created;
  CSM_ASSERT_OK(Create(wanted, "arch", &created));
  const cv1::Customer& c = created.customer();

  GrpcCustomerDirectory directory(Options(server_->address()));
  absl::StatusOr<CustomerFacts> facts =
      directory.Lookup(c.name(), absl::Now() + absl::Seconds(5));
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->name, c.name());
  EXPECT_EQ(facts->display_name, "杭州西湖精密仪器有限公司");
  EXPECT_EQ(facts->grade, "A");
  EXPECT_EQ(facts->owner_id, c.owner_id());
  EXPECT_FALSE(facts->owner_id.empty());
  EXPECT_EQ(facts->department, "客服部");
  EXPECT_TRUE(facts->open);
  EXPECT_EQ(directory.attempts(), 1);

  // A second lookup reuses the service token (no re-mint needed) and still
  // works.
  facts = directory.Lookup(c.name(), absl::Now() + absl::Seconds(5));
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->grade, "A");
}

TEST_F(CustomerDirectoryTest, ClosedArchiveIsReportedClosed) {
  CreateStandardTeam();
  const cv1::Customer c = MustCreate("宁波港湾物流有限公司", 12);
  cv1::CloseCustomerRequest close;
  close.set_name(c.name());
  close.set_reason("合作结束");
  cv1::Customer closed;
  CSM_ASSERT_OK(Call(&Stub::CloseCustomer, "arch", close, &closed));

  GrpcCustomerDirectory directory(Options(server_->address()));
  absl::StatusOr<CustomerFacts> facts =
      directory.Lookup(c.name(), absl::Now() + absl::Seconds(5));
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_FALSE(facts->open);
  EXPECT_EQ(facts->grade, "C");  // the default grade
}

TEST_F(CustomerDirectoryTest, UnknownCustomerIsNotFoundWithoutRetries) {
  GrpcCustomerDirectory directory(Options(server_->address()));
  absl::StatusOr<CustomerFacts> facts =
      directory.Lookup("customers/987654", absl::Now() + absl::Seconds(5));
  EXPECT_EQ(facts.status().code(), absl::StatusCode::kNotFound)
      << facts.status();
  EXPECT_EQ(directory.attempts(), 1);
}

TEST_F(CustomerDirectoryTest, WrongSecretIsInternalNotTheCallersFault) {
  GrpcCustomerDirectoryOptions o = Options(server_->address());
  o.jwt_secret = "another-secret-of-enough-bytes";
  GrpcCustomerDirectory directory(o);
  absl::StatusOr<CustomerFacts> facts =
      directory.Lookup("customers/1", absl::Now() + absl::Seconds(5));
  EXPECT_EQ(facts.status().code(), absl::StatusCode::kInternal)
      << facts.status();
  EXPECT_EQ(directory.attempts(), 1);
}

TEST_F(CustomerDirectoryTest, StoppedCustomerSvcIsUnavailableWithinDeadline) {
  CreateStandardTeam();
  const cv1::Customer c = MustCreate("温州瓯江电器有限公司", 13);
  GrpcCustomerDirectory directory(Options(server_->address()));
  ASSERT_TRUE(directory.Lookup(c.name(), absl::Now() + absl::Seconds(5)).ok());
  const int64_t before = directory.attempts();

  server_->Shutdown();
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + absl::Seconds(3);
  absl::StatusOr<CustomerFacts> facts = directory.Lookup(c.name(), deadline);
  const absl::Time end = absl::Now();
  EXPECT_EQ(facts.status().code(), absl::StatusCode::kUnavailable)
      << facts.status();
  EXPECT_LE(end, deadline + absl::Milliseconds(100));
  // Bounded: three attempts, two backoffs of at most 200 ms.
  EXPECT_EQ(directory.attempts() - before, 3);
  EXPECT_LT(end - start, absl::Seconds(2)) << end - start;
}

TEST_F(CustomerDirectoryTest, NothingListeningIsUnavailable) {
  // Port 1 (tcpmux): nothing listens there; connections are refused.
  GrpcCustomerDirectory directory(Options("127.0.0.1:1"));
  const absl::Time deadline = absl::Now() + absl::Seconds(3);
  absl::StatusOr<CustomerFacts> facts =
      directory.Lookup("customers/1", deadline);
  EXPECT_EQ(facts.status().code(), absl::StatusCode::kUnavailable)
      << facts.status();
  EXPECT_LE(absl::Now(), deadline);
  EXPECT_EQ(directory.attempts(), 3);
}

TEST_F(CustomerDirectoryTest, ShortDeadlineIsRespected) {
  BlackHole hole;
  GrpcCustomerDirectory directory(Options(hole.address()));
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + absl::Milliseconds(300);
  absl::StatusOr<CustomerFacts> facts =
      directory.Lookup("customers/1", deadline);
  const absl::Time end = absl::Now();
  EXPECT_EQ(facts.status().code(), absl::StatusCode::kDeadlineExceeded)
      << facts.status();
  EXPECT_LE(end, deadline + absl::Milliseconds(150)) << end - start;
  EXPECT_EQ(directory.attempts(), 1);
}

TEST_F(CustomerDirectoryTest, EachAttemptIsCappedAtTwoSeconds) {
  BlackHole hole;
  GrpcCustomerDirectory directory(Options(hole.address()));
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + absl::Milliseconds(2600);
  absl::StatusOr<CustomerFacts> facts =
      directory.Lookup("customers/1", deadline);
  const absl::Time end = absl::Now();
  EXPECT_EQ(facts.status().code(), absl::StatusCode::kDeadlineExceeded)
      << facts.status();
  // The first attempt gave up at 2 s, the second used what was left.
  EXPECT_EQ(directory.attempts(), 2);
  EXPECT_GE(end - start, absl::Milliseconds(2500)) << end - start;
  EXPECT_LE(end, deadline + absl::Milliseconds(150)) << end - start;
}

}  // namespace
}  // namespace csm::complaint
