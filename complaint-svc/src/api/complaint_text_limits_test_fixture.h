// The complaint text-limit tests' fixture (complaint_text_limits_test.cc:
// the complaint's transitions; complaint_config_text_limits_test.cc: fault
// reports, configuration and the schema): texts of n 4-byte characters and
// Check, which proves the limit is stored whole and one more is refused
// with nothing written.
#ifndef CSM_COMPLAINT_SVC_SRC_API_COMPLAINT_TEXT_LIMITS_TEST_FIXTURE_H_
#define CSM_COMPLAINT_SVC_SRC_API_COMPLAINT_TEXT_LIMITS_TEST_FIXTURE_H_

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "complaint-svc/src/domain/text_limits.h"
#include "complaint-svc/testing/complaint_api_fixture.h"

namespace csm::complaint::text_limits_test {

using fixture::ComplaintApiFixture;
using fixture::Describe;
using fixture::ViolationFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using S = v1::ComplaintState;
using Send = std::function<grpc::Status(const std::string&)>;
using Stored = std::function<std::string()>;

// `n` times U+20000 (4 bytes in UTF-8).
inline std::string Wide(int n) {
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

}  // namespace csm::complaint::text_limits_test

#endif  // CSM_COMPLAINT_SVC_SRC_API_COMPLAINT_TEXT_LIMITS_TEST_FIXTURE_H_
