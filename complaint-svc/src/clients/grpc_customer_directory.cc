#include "complaint-svc/src/clients/grpc_customer_directory.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace csm::complaint {
namespace {

namespace cv1 = ::csm::customer::v1;

std::string GradeLetter(cv1::Grade grade) {
  switch (grade) {
    case cv1::GRADE_A:
      return "A";
    case cv1::GRADE_B:
      return "B";
    case cv1::GRADE_C:
      return "C";
    default:
      return "";
  }
}

ServiceClientOptions WithNames(ServiceClientOptions options) {
  if (options.peer.empty()) options.peer = "customer-svc";
  if (options.self.empty()) options.self = "complaint-svc";
  return options;
}

// The client's answer in this directory's words (see the header).
absl::Status LookupError(const absl::Status& s, absl::string_view customer) {
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
      return absl::NotFoundError(absl::StrCat(
          "customer ", customer, " does not exist in customer-svc"));
    case absl::StatusCode::kInvalidArgument:
      return absl::InvalidArgumentError(absl::StrCat(
          "customer-svc refused the customer name: ", s.message()));
    case absl::StatusCode::kDeadlineExceeded:
      return absl::DeadlineExceededError(
          absl::StrCat("customer-svc did not answer about ", customer,
                       " in time: ", s.message()));
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
      return absl::UnavailableError(absl::StrCat(
          "customer-svc is unavailable: ", s.message(), "; retry later"));
    default:
      return absl::InternalError(
          absl::StrCat("customer-svc refused complaint-svc's lookup of ",
                       customer, ": ", s.message()));
  }
}

}  // namespace

GrpcCustomerDirectory::GrpcCustomerDirectory(
    GrpcCustomerDirectoryOptions options)
    : client_(WithNames(std::move(options))),
      stub_(cv1::CustomerService::NewStub(client_.channel())) {}

absl::StatusOr<CustomerFacts> GrpcCustomerDirectory::Lookup(
    absl::string_view customer_name, absl::Time deadline) {
  cv1::GetCustomerRequest req;
  req.set_name(std::string(customer_name));
  req.set_view(cv1::CUSTOMER_VIEW_MASKED);  // no personal data needed
  cv1::Customer customer;
  const absl::Status s =
      client_.Call("GetCustomer", deadline, [&](grpc::ClientContext& ctx) {
        return stub_->GetCustomer(&ctx, req, &customer);
      });
  if (!s.ok()) return LookupError(s, customer_name);
  CustomerFacts facts;
  facts.name = customer.name();
  facts.display_name = customer.display_name();
  facts.grade = GradeLetter(customer.grade());
  facts.owner_id = customer.owner_id();
  facts.department = customer.department();
  facts.open = customer.state() != cv1::ARCHIVE_STATE_CLOSED;
  return facts;
}

}  // namespace csm::complaint
