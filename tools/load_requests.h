// The calls csm-load makes: which method, its path, and the deterministic
// request data of each worker (tools/load.cc).
#ifndef CSM_TOOLS_LOAD_REQUESTS_H_
#define CSM_TOOLS_LOAD_REQUESTS_H_

#include <grpcpp/support/byte_buffer.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace csm::load {

enum class Method {
  kHealth,                // grpc.health.v1 Check: the no-op through the server
  kGetCustomer,           // one archive, masked view
  kListCustomers,         // one page
  kCreateCustomer,        // into --team: fair allocation, archive number
  kUpdateCustomer,        // the address of an existing archive
  kRecordDealing,         // a dealing of an existing archive
  kRegisterComplaint,     // complaint-svc: asks customer-svc, then writes
  kAcceptComplaint,       // complaint-svc: a registered complaint's transition
  kInvestigateComplaint,  // complaint-svc: findings on an accepted one (a
                          // transition that can repeat on one complaint)
  // reporting-svc, the whole company (no filter), --report_year and
  // --report_number:
  kWeeklyReport,       // 周报 of an ISO week
  kSupervisionReport,  // 服务监督报告 of a month
  kStaffRanking,       // 考核排名 of a quarter
};

std::optional<Method> MethodFromName(absl::string_view name);
// "health, get_customer, ...": for messages.
std::string MethodNames();
std::string GrpcPathOf(Method method);
// Methods that address existing archives or complaints (listed before the
// load starts).
bool NeedsTargets(Method method);
// Methods that write: each call carries a request id derived from the seed.
bool Writes(Method method);
// reporting-svc's reports: one fixed request (RequestOptions' period).
bool IsReport(Method method);

struct RequestOptions {
  Method method = Method::kHealth;
  uint64_t seed = 1;
  std::string team;  // create_customer
  int page_size = 20;
  // The reports' period: the year and its week, month or quarter.
  int report_year = 2026;
  int report_number = 1;
};

// The requests of one worker: the i-th request is a function of the seed,
// the worker and i, so a run can be repeated exactly (and a write run with
// a new seed never repeats a request id).
class RequestSource {
 public:
  // `targets`: the archives or complaints the method addresses.
  RequestSource(const RequestOptions& options, int worker,
                const std::vector<std::string>* targets);

  grpc::ByteBuffer Next(int64_t i);

 private:
  size_t TargetIndex(int64_t i) const;
  const std::string& TargetAt(int64_t i) const;
  std::string Key(int64_t i) const;
  std::string NewCustomer(int64_t i);
  std::string UpdateCustomer(int64_t i);
  std::string RecordDealing(int64_t i);
  std::string RegisterComplaint(int64_t i);
  std::string AcceptComplaint(int64_t i);
  std::string InvestigateComplaint(int64_t i);

  const RequestOptions& options_;
  const int worker_;
  const std::vector<std::string>* names_;
  std::mt19937_64 rng_;
  grpc::ByteBuffer fixed_;
  std::vector<grpc::ByteBuffer> gets_;
};

}  // namespace csm::load

#endif  // CSM_TOOLS_LOAD_REQUESTS_H_
