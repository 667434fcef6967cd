// A bounded, seeded fuzz test over every method of customer-svc and
// complaint-svc: every service each server lists through reflection (today
// CustomerService, GradingService, CommunicationService, VisitService,
// ComplaintService, ComplaintConfigService and both EventServices: 71
// methods), requests built from the protobuf descriptors: random,
// well-typed but hostile (empty, huge, 4-byte and invalid UTF-8 strings,
// texts just over documented lengths, unknown enum numbers, negative and
// huge numbers, bad names, page tokens, etags, filters, deep field masks),
// with valid tokens of every role, through real gRPC against real servers
// and the fixture's MariaDB. No response may be INTERNAL, UNKNOWN, DATA_LOSS,
// RESOURCE_EXHAUSTED (an error trailer too large for the client) or
// UNIMPLEMENTED (a method of the contract not served).
//
//   CSM_FUZZ_SEED=N   another seed (default 11; printed on failure)
//   CSM_FUZZ_CALLS=N  calls per method (default 24)
//   CSM_FUZZ_TRACE=S  print every call of the methods whose name contains S
//
// Failures print the method, the request and the response, to replay with
// the same seed. Cases known and routed elsewhere are listed in kKnown:
// they are printed, not silently skipped, and fail once removed from it.
#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "csm/customer/v1/customer.grpc.pb.h"
#include "csm/customer/v1/visits.grpc.pb.h"
#include "csm/events/v1/events.grpc.pb.h"
#include "google/rpc/code.pb.h"
#include "tests/request_generator.h"
#include "tests/service_pair.h"
#include "tests/testing/reflection.h"

namespace csm {
namespace {

namespace pb = ::google::protobuf;
namespace cv1 = ::csm::customer::v1;
namespace pv1 = ::csm::complaint::v1;
namespace ev = ::csm::events::v1;

// INTERNALs the fuzzer finds that belong to other work: a method (or,
// ending in '/', every method of a service) and a substring of the message.
// Each occurrence is printed as KNOWN, never skipped silently; remove an
// entry once its fix is merged, and the test guards it. Empty: the cases
// found while writing this test (issue 8 items 4 and 5: complaint notes cut
// by bytes, contact titles wider than their column) are fixed on main.
struct Known {
  const char* method;
  const char* message;
  const char* why;
};
const std::vector<Known> kKnown = {};

bool IsKnown(const std::string& method, const grpc::Status& status,
             const char** why) {
  for (const Known& k : kKnown) {
    const absl::string_view pattern = k.method;
    const bool method_matches = absl::EndsWith(pattern, "/")
                                    ? absl::StartsWith(method, pattern)
                                    : method == pattern;
    if (method_matches &&
        absl::StrContains(status.error_message(), k.message)) {
      *why = k.why;
      return true;
    }
  }
  return false;
}

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  uint64_t out = 0;
  return v != nullptr && absl::SimpleAtoi(v, &out) ? out : fallback;
}

using fuzz::RequestGenerator;

struct Outcome {
  std::string method;
  std::string request;
  grpc::Status status;
};

class ApiFuzzTest : public testing::ServicePairFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServicePairFixture::SetUp());
    // Something to find: names the generator uses exist.
    CreateStandardTeam();
    MustCreate("杭州示例科技有限公司", 1);
    MustCreate("苏州工业园区启明电子有限公司", 2);
    pv1::RegisterComplaintRequest reg;
    pv1::Complaint* c = reg.mutable_complaint();
    c->set_customer("customers/1");
    c->set_channel(pv1::COMPLAINT_CHANNEL_PHONE_HOTLINE);
    c->set_category("packaging");
    c->set_severity(pv1::SEVERITY_NORMAL);
    c->set_subject("外箱破损");
    c->set_description("收到的三箱货物外箱均有破损，内件受潮。");
    pv1::RegisterComplaintResponse registered;
    auto ctx = Ctx(Token("li.na"));
    CSM_ASSERT_OK(complaints_->RegisterComplaint(ctx.get(), reg, &registered));

    cv1::CreateVisitPlanRequest plan;
    plan.set_parent("customers/1");
    plan.mutable_visit_plan()->set_project("ERP 二期实施");
    const absl::CivilDay delivered =
        absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) - 40;
    plan.mutable_visit_plan()->mutable_delivery_date()->set_year(
        static_cast<int32_t>(delivered.year()));
    plan.mutable_visit_plan()->mutable_delivery_date()->set_month(
        delivered.month());
    plan.mutable_visit_plan()->mutable_delivery_date()->set_day(
        delivered.day());
    cv1::VisitPlan created_plan;
    auto plan_ctx = Ctx(Token("arch"));
    CSM_ASSERT_OK(cv1::VisitService::NewStub(channel_)->CreateVisitPlan(
        plan_ctx.get(), plan, &created_plan));

    cv1::RecordCommunicationRequest talk;
    talk.set_parent("customers/1");
    cv1::Communication* comm = talk.mutable_communication();
    comm->set_channel(cv1::COMMUNICATION_CHANNEL_PHONE);
    comm->mutable_contact_time()->set_seconds(
        absl::ToUnixSeconds(absl::Now() - absl::Hours(1)));
    comm->set_summary("客户报修：设备异响");
    comm->mutable_promise()->set_description("三天内派工程师上门");
    comm->mutable_promise()->set_within_days(3);
    cv1::Communication recorded;
    auto talk_ctx = Ctx(Token("arch"));
    CSM_ASSERT_OK(
        cv1::CommunicationService::NewStub(channel_)->RecordCommunication(
            talk_ctx.get(), talk, &recorded));
  }

  // A caller for this call: mostly valid tokens of every role.
  std::string Caller(std::mt19937_64& rng) {
    static const std::vector<std::pair<std::string, RoleSet>> kCallers = {
        {"li.na", {Role::kAgent}},    {"sup", {Role::kSupervisor}},
        {"mgr", {Role::kManager}},    {"gm", {Role::kGeneralManager}},
        {"arch", {Role::kArchivist}}, {"reporting-svc", {Role::kService}},
        {"all", RoleSet::All()},
    };
    // One call in 16 without a usable token; one in four with every role.
    const int roll = std::uniform_int_distribution<int>(0, 15)(rng);
    if (roll == 0) return "";
    if (roll == 1) return "not.a.token";
    const int i = roll < 6 ? 6 : roll % 7;
    return csm::testing::TestToken(kCallers[i].first, kCallers[i].second,
                                   i == 1 ? "销售部" : "客服部");
  }

  grpc::Status CallUnary(grpc::GenericStub& stub, const std::string& method,
                         const std::string& token, const std::string& bytes) {
    grpc::ClientContext context;
    if (!token.empty()) {
      context.AddMetadata("authorization", "Bearer " + token);
    }
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::CompletionQueue cq;
    auto call = stub.PrepareUnaryCall(&context, method, request, &cq);
    call->StartCall();
    grpc::ByteBuffer response;
    grpc::Status status;
    call->Finish(&response, &status, reinterpret_cast<void*>(1));
    void* tag;
    bool ok;
    cq.Next(&tag, &ok);
    return status;
  }

  // StreamEvents: the first responses, then the client ends the stream.
  grpc::Status CallStream(const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& token,
                          const ev::StreamEventsRequest& request) {
    auto stub = ev::EventService::NewStub(channel);
    grpc::ClientContext context;
    if (!token.empty()) {
      context.AddMetadata("authorization", "Bearer " + token);
    }
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(800));
    auto reader = stub->StreamEvents(&context, request);
    ev::StreamEventsResponse response;
    for (int i = 0; i < 2 && reader->Read(&response); ++i) {
    }
    context.TryCancel();
    return reader->Finish();
  }
};

// One line, UTF-8 as it is, long strings cut (the seed replays them).
std::string Describe(const pb::Message& request) {
  pb::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  printer.SetUseUtf8StringEscaping(true);
  printer.SetTruncateStringFieldLongerThan(120);
  std::string out;
  printer.PrintToString(request, &out);
  if (out.size() > 2000) out = out.substr(0, 2000) + "…";
  return out;
}

// UNIMPLEMENTED: a method of the contract the server does not serve.
bool Forbidden(grpc::StatusCode code) {
  return code == grpc::StatusCode::INTERNAL ||
         code == grpc::StatusCode::UNIMPLEMENTED ||
         code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::DATA_LOSS ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

std::string CodeName(grpc::StatusCode code) {
  const auto c = static_cast<google::rpc::Code>(code);
  return google::rpc::Code_IsValid(c) ? google::rpc::Code_Name(c) : "?";
}

TEST_F(ApiFuzzTest, NoInputYieldsInternalOrUnknown) {
  // Any seed will do; 11 reproduced the contact-title INTERNAL before its
  // fix (see kKnown).
  const uint64_t seed = EnvOr("CSM_FUZZ_SEED", 11);
  const uint64_t calls = EnvOr("CSM_FUZZ_CALLS", 24);
  const char* trace_env = std::getenv("CSM_FUZZ_TRACE");
  const std::string trace = trace_env != nullptr ? trace_env : "";
  std::cout << "fuzz seed " << seed << ", " << calls << " calls per method"
            << std::endl;
  RequestGenerator generator(seed);
  std::mt19937_64 rng(seed ^ 0x5eed);

  // Every service each server lists through reflection (but gRPC's own),
  // so that a new method, service or contract file is fuzzed without a
  // change here.
  struct Target {
    const pb::ServiceDescriptor* service;
    std::shared_ptr<grpc::Channel> channel;
  };
  std::vector<Target> targets;
  for (const auto& [address, to] :
       {std::pair(server_->address(), channel_),
        std::pair(complaint_server_->address(), complaint_channel_)}) {
    for (const std::string& name :
         csm::testing::ServicesByReflection(address)) {
      if (absl::StartsWith(name, "grpc.")) continue;
      const pb::ServiceDescriptor* service =
          pb::DescriptorPool::generated_pool()->FindServiceByName(name);
      ASSERT_NE(service, nullptr) << name << " is served but not linked in";
      targets.push_back({service, to});
    }
  }
  // Names that exist (SetUp made them), for name and parent fields.
  const std::map<std::string, std::vector<std::string>> names = {
      {"csm.customer.v1.CustomerService",
       {"customers/1", "customers/1", "customers/2", "customers/1/contacts/1",
        "customers/-", "teams/kf-east"}},
      {"csm.customer.v1.CommunicationService",
       {"customers/1", "customers/-", "customers/1/communications/1"}},
      {"csm.customer.v1.VisitService",
       {"customers/1", "customers/1/visitPlans/1",
        "customers/1/visitPlans/1/visits/1"}},
      {"csm.complaint.v1.ComplaintService", {"complaints/1", "faultReports/1"}},
      {"csm.complaint.v1.ComplaintConfigService",
       {"categories/quality", "categories/packaging", "calendars/china",
        "slaPolicies/*~critical~*"}},
  };
  const std::vector<std::string> no_names;
  std::map<std::string, int> codes;
  std::vector<Outcome> failures, known;
  int methods = 0;
  for (const Target& target : targets) {
    const pb::ServiceDescriptor* service = target.service;
    const auto known_names = names.find(service->full_name());
    const std::vector<std::string>& existing =
        known_names != names.end() ? known_names->second : no_names;
    grpc::GenericStub stub(target.channel);
    for (int m = 0; m < service->method_count(); ++m) {
      const pb::MethodDescriptor* method = service->method(m);
      const std::string path =
          absl::StrCat("/", service->full_name(), "/", method->name());
      ++methods;
      for (uint64_t i = 0; i < calls; ++i) {
        std::unique_ptr<pb::Message> request(
            pb::MessageFactory::generated_factory()
                ->GetPrototype(method->input_type())
                ->New());
        // Every eighth request is empty: the minimal hostile input.
        if (i % 8 != 0) generator.FillRequest(request.get(), existing);
        const std::string token = Caller(rng);
        grpc::Status status;
        if (method->server_streaming()) {
          status = CallStream(target.channel, token,
                              static_cast<ev::StreamEventsRequest&>(*request));
        } else {
          status = CallUnary(stub, path, token, request->SerializeAsString());
        }
        ++codes[CodeName(status.error_code())];
        if (!trace.empty() && absl::StrContains(path, trace)) {
          std::cout << "TRACE " << path << " " << CodeName(status.error_code())
                    << ": " << status.error_message() << "\n  request: {"
                    << Describe(*request) << "}" << std::endl;
        }
        if (!Forbidden(status.error_code())) continue;
        Outcome outcome{path.substr(1), Describe(*request), status};
        const char* why = nullptr;
        if (IsKnown(outcome.method, status, &why)) {
          std::cout << "KNOWN (" << why << "): " << outcome.method << " "
                    << CodeName(status.error_code()) << ": "
                    << status.error_message() << "\n  request: {"
                    << outcome.request << "}" << std::endl;
          known.push_back(std::move(outcome));
        } else {
          failures.push_back(std::move(outcome));
        }
      }
    }
  }
  // 66 when this test was written (issue 8); contracts only grow.
  EXPECT_GE(methods, 66) << "a service or method is not covered";

  std::vector<std::string> summary;
  for (const auto& [code, n] : codes)
    summary.push_back(absl::StrCat(code, " ", n));
  std::cout << "fuzz: " << methods
            << " methods, codes: " << absl::StrJoin(summary, ", ") << "; known "
            << known.size() << std::endl;
  for (const Outcome& f : failures) {
    ADD_FAILURE() << f.method << " returned " << CodeName(f.status.error_code())
                  << " (" << f.status.error_message() << ")\n  request: {"
                  << f.request << "}\n  replay: CSM_FUZZ_SEED=" << seed
                  << " CSM_FUZZ_CALLS=" << calls;
  }
  // The servers still serve.
  cv1::ListCustomersResponse listed;
  CSM_EXPECT_OK(
      Call(&Stub::ListCustomers, "arch", cv1::ListCustomersRequest(), &listed));
}

}  // namespace
}  // namespace csm
