// The fixture of the CustomerService tests (customer_api_test.cc,
// customer_update_test.cc, customer_history_test.cc, customer_list_test.cc).
#ifndef CSM_CUSTOMER_SVC_TESTING_CUSTOMER_API_TEST_FIXTURE_H_
#define CSM_CUSTOMER_SVC_TESTING_CUSTOMER_API_TEST_FIXTURE_H_

#include <algorithm>
#include <atomic>
#include <functional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/business_time.h"
#include "customer-svc/testing/customer_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAreArray;

inline constexpr char kAddress[] =
    "浙江省杭州市西湖区文三路90号东部软件园3号楼";

// "9133**********ABCD": the first and last four kept.
inline std::string MaskedCode(const std::string& code) {
  return absl::StrCat(code.substr(0, 4), std::string(code.size() - 8, '*'),
                      code.substr(code.size() - 4));
}

inline std::string YearMonth(absl::Time t) {
  const absl::CivilSecond local = absl::ToCivilSecond(t, BusinessTimeZone());
  return absl::StrFormat("%04d%02d", local.year(), local.month());
}

inline csm::common::v1::Date DateOf(absl::CivilDay day) {
  csm::common::v1::Date d;
  d.set_year(static_cast<int>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

inline absl::CivilDay TodayInShanghai() {
  return absl::ToCivilDay(absl::Now(), BusinessTimeZone());
}

inline absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

class CustomerApiTest : public CustomerApiFixture {
 protected:
  grpc::Status Update(const std::string& staff, const v1::Customer& patch,
                      const std::vector<std::string>& paths, v1::Customer* out,
                      const std::string& request_id = "") {
    v1::UpdateCustomerRequest req;
    *req.mutable_customer() = patch;
    for (const std::string& p : paths) req.mutable_update_mask()->add_paths(p);
    req.set_request_id(request_id);
    return Call(&Stub::UpdateCustomer, staff, req, out);
  }

  grpc::Status Changes(const std::string& staff, const std::string& parent,
                       v1::ListCustomerChangesResponse* out,
                       v1::CustomerView view = v1::CUSTOMER_VIEW_UNSPECIFIED,
                       const std::string& purpose = "") {
    v1::ListCustomerChangesRequest req;
    req.set_parent(parent);
    req.set_view(view);
    req.set_access_purpose(purpose);
    return Call(&Stub::ListCustomerChanges, staff, req, out);
  }

  grpc::Status ChangeGrade(const std::string& staff, const std::string& name,
                           v1::Grade grade, const std::string& reason,
                           v1::Customer* out) {
    v1::ChangeGradeRequest req;
    req.set_name(name);
    req.set_grade(grade);
    req.set_reason(reason);
    return Call(&Stub::ChangeGrade, staff, req, out);
  }

  grpc::Status Close(const std::string& staff, const std::string& name,
                     v1::Customer* out) {
    v1::CloseCustomerRequest req;
    req.set_name(name);
    req.set_reason("客户已注销，业务终止");
    return Call(&Stub::CloseCustomer, staff, req, out);
  }

  // The UpdateCustomer entries of an archive's history.
  static std::vector<v1::CustomerChange> UpdatesIn(
      const v1::ListCustomerChangesResponse& resp) {
    std::vector<v1::CustomerChange> out;
    for (const v1::CustomerChange& c : resp.customer_changes()) {
      if (c.method() == "UpdateCustomer") out.push_back(c);
    }
    return out;
  }

  static const v1::FieldChange* FindField(const v1::CustomerChange& change,
                                          const std::string& field) {
    for (const v1::FieldChange& f : change.field_changes()) {
      if (f.field() == field) return &f;
    }
    return nullptr;
  }
};

}  // namespace csm::customer::testing

#endif  // CSM_CUSTOMER_SVC_TESTING_CUSTOMER_API_TEST_FIXTURE_H_
