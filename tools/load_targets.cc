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

// Pages through a List call from `request` until `q.max` names or the end.
// `call` makes one call (context, request, response) -> status; `items`
// gives a response's resources.
template <typename Response, typename Request, typename Call, typename Items>
absl::StatusOr<std::vector<std::string>> Collect(const TargetQuery& q,
                                                 const std::string& what,
                                                 const std::string& addr,
                                                 Request request, Call call,
                                                 Items items) {
  std::vector<std::string> names;
  do {
    request.set_page_size(
        std::min(500, q.max - static_cast<int>(names.size())));
    Response resp;
    grpc::ClientContext ctx;
    SetUp(q, &ctx);
    grpc::Status status = call(&ctx, request, &resp);
    if (!status.ok()) {
      return absl::UnavailableError(
          absl::StrCat("listing the ", what, " at ", addr,
                       " failed: ", csmctl::FormatRpcError(status)));
    }
    for (const auto& item : items(resp)) names.push_back(item.name());
    request.set_page_token(resp.next_page_token());
  } while (!request.page_token().empty() &&
           static_cast<int>(names.size()) < q.max);
  if (names.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("there are no ", what, " at ", addr, " to address"));
  }
  return names;
}

absl::StatusOr<std::vector<std::string>> Archives(const TargetQuery& q) {
  auto stub = cv1::CustomerService::NewStub(grpc::CreateChannel(
      q.customers_addr, grpc::InsecureChannelCredentials()));
  return Collect<cv1::ListCustomersResponse>(
      q, "archives (create some first)", q.customers_addr,
      cv1::ListCustomersRequest(),
      [&](grpc::ClientContext* ctx, const cv1::ListCustomersRequest& req,
          cv1::ListCustomersResponse* resp) {
        return stub->ListCustomers(ctx, req, resp);
      },
      [](const cv1::ListCustomersResponse& r) -> const auto& {
        return r.customers();
      });
}

absl::StatusOr<std::vector<std::string>> Complaints(const TargetQuery& q,
                                                    const std::string& state) {
  auto stub = pv1::ComplaintService::NewStub(grpc::CreateChannel(
      q.complaints_addr, grpc::InsecureChannelCredentials()));
  pv1::ListComplaintsRequest request;
  request.set_filter(absl::StrCat("state = ", state));
  return Collect<pv1::ListComplaintsResponse>(
      q, absl::StrCat("complaints in ", state), q.complaints_addr, request,
      [&](grpc::ClientContext* ctx, const pv1::ListComplaintsRequest& req,
          pv1::ListComplaintsResponse* resp) {
        return stub->ListComplaints(ctx, req, resp);
      },
      [](const pv1::ListComplaintsResponse& r) -> const auto& {
        return r.complaints();
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
