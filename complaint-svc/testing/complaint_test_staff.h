#ifndef CSM_COMPLAINT_SVC_TESTING_COMPLAINT_TEST_STAFF_H_
#define CSM_COMPLAINT_SVC_TESTING_COMPLAINT_TEST_STAFF_H_

// Who and when in complaint-svc's gRPC tests: the staff (roles and
// departments) with their test tokens and client contexts, Beijing
// wall-clock times, and the status assertions.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_time.h"
#include "common/principal.h"
#include "customer-svc/testing/customer_test_support.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::complaint::fixture {

namespace cv1 = ::csm::customer::v1;
namespace ev = ::csm::events::v1;
using ::csm::customer::testing::Describe;
using ::csm::customer::testing::ValidUscc;
using ::csm::customer::testing::ViolationFields;

#define CX_ASSERT_OK(expr)                \
  do {                                    \
    const ::grpc::Status _s = (expr);     \
    ASSERT_TRUE(_s.ok()) << Describe(_s); \
  } while (0)
#define CX_EXPECT_CODE(expr, code)                      \
  do {                                                  \
    const ::grpc::Status _s = (expr);                   \
    EXPECT_EQ(_s.error_code(), (code)) << Describe(_s); \
  } while (0)

// Beijing wall-clock time.
inline absl::Time At(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi),
                         BusinessTimeZone());
}
inline absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return FromProtoTimestamp(ts);
}

struct Staff {
  std::string id;
  RoleSet roles;
  std::string department;
};
inline const std::map<std::string, Staff>& StaffList() {
  static const auto* kStaff = new std::map<std::string, Staff>{
      {"li.na", {"li.na", {Role::kAgent}, "客服部"}},
      {"wang.fang", {"wang.fang", {Role::kAgent}, "客服部"}},
      {"sup", {"sup", {Role::kSupervisor}, "客服部"}},
      {"tech.zhou", {"tech.zhou", {Role::kAgent}, "技术服务部"}},
      {"tech.sup", {"tech.sup", {Role::kSupervisor}, "技术服务部"}},
      {"gm", {"gm", {Role::kGeneralManager}, "总经办"}},
      {"arch", {"arch", {Role::kArchivist}, "档案室"}},
      {"order-svc", {"order-svc", {Role::kService}, ""}},
      {"kf.mgr", {"kf.mgr", {Role::kManager}, "客服部"}},
      {"sales.zhao", {"sales.zhao", {Role::kAgent}, "销售部"}},
      {"sales.sup", {"sales.sup", {Role::kSupervisor}, "销售部"}},
      {"sales.mgr", {"sales.mgr", {Role::kManager}, "销售部"}},
  };
  return *kStaff;
}

inline std::string Token(const std::string& staff) {
  const Staff& s = StaffList().at(staff);
  return csm::testing::TestToken(s.id, s.roles, s.department);
}

inline std::unique_ptr<grpc::ClientContext> Ctx(
    const std::string& staff,
    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", absl::StrCat("Bearer ", Token(staff)));
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  return ctx;
}

// Monday 2026-11-02 09:00 in Beijing: before the real "now" of the test
// machine, so that the test tokens (minted with the real clock) are valid.
inline const absl::Time kStart = At(2026, 11, 2, 9, 0);

}  // namespace csm::complaint::fixture

#endif  // CSM_COMPLAINT_SVC_TESTING_COMPLAINT_TEST_STAFF_H_
