#include "tools/load_targets.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "csm/complaint/v1/complaint.grpc.pb.h"
#include "csm/customer/v1/customer.grpc.pb.h"
#include "tools/csmctl_lib.h"

namespace csm::load {
namespace {

namespace cv1 = ::csm::customer::v1;
namespace pv1 = ::csm::complaint::v1;

void SetUp(const TargetQuery& q, grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(q.timeout));
  ctx->AddMetadata("authorization", absl::StrCat("Bearer ", q.token));
}

// Pages through a List call until `q.max` names or the end. `list` makes
// one call: (page size, page token, names out, next token out) -> status.
template <typename ListPage>
absl::StatusOr<std::vector<std::string>> Collect(const TargetQuery& q,
                                                 const std::string& what,
                                                 const std::string& addr,
                                                 ListPage list) {
  std::vector<std::string> names;
  std::string token;
  do {
    const int page = std::min(500, q.max - static_cast<int>(names.size()));
    grpc::Status status = list(page, &token, &names);
    if (!status.ok()) {
      return absl::UnavailableError(
          absl::StrCat("listing the ", what, " at ", addr,
                       " failed: ", csmctl::FormatRpcError(status)));
    }
  } while (!token.empty() && static_cast<int>(names.size()) < q.max);
  if (names.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("there are no ", what, " at ", addr, " to address"));
  }
  return names;
}

absl::StatusOr<std::vector<std::string>> Archives(const TargetQuery& q) {
  auto stub = cv1::CustomerService::NewStub(grpc::CreateChannel(
      q.customers_addr, grpc::InsecureChannelCredentials()));
  return Collect(
      q, "archives (create some first)", q.customers_addr,
      [&](int page, std::string* token, std::vector<std::string>* names) {
        cv1::ListCustomersRequest req;
        req.set_page_size(page);
        req.set_page_token(*token);
        cv1::ListCustomersResponse resp;
        grpc::ClientContext ctx;
        SetUp(q, &ctx);
        grpc::Status s = stub->ListCustomers(&ctx, req, &resp);
        for (const auto& c : resp.customers()) {
          names->push_back(c.name());
        }
        *token = resp.next_page_token();
        return s;
      });
}

absl::StatusOr<std::vector<std::string>> Complaints(const TargetQuery& q,
                                                    const std::string& state) {
  auto stub = pv1::ComplaintService::NewStub(grpc::CreateChannel(
      q.complaints_addr, grpc::InsecureChannelCredentials()));
  return Collect(
      q, absl::StrCat("complaints in ", state), q.complaints_addr,
      [&](int page, std::string* token, std::vector<std::string>* names) {
        pv1::ListComplaintsRequest req;
        req.set_page_size(page);
        req.set_page_token(*token);
        req.set_filter(absl::StrCat("state = ", state));
        pv1::ListComplaintsResponse resp;
        grpc::ClientContext ctx;
        SetUp(q, &ctx);
        grpc::Status s = stub->ListComplaints(&ctx, req, &resp);
        for (const auto& c : resp.complaints()) {
          names->push_back(c.name());
        }
        *token = resp.next_page_token();
        return s;
      });
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ListTargets(const TargetQuery& query,
                                                     Method method) {
  switch (method) {
    case Method::kAcceptComplaint:
      return Complaints(query, "COMPLAINT_STATE_REGISTERED");
    case Method::kInvestigateComplaint:
      return Complaints(query, "COMPLAINT_STATE_ACCEPTED");
    default:
      return Archives(query);
  }
}

}  // namespace csm::load
