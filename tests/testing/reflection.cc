#include "tests/testing/reflection.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace csm::testing {
namespace {

namespace pb = ::google::protobuf;

}  // namespace

std::string Slurp(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(buffer.Dump(&slices).ok());
  std::string out;
  for (const auto& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

std::vector<std::string> ServicesByReflection(const std::string& address) {
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  const pb::Descriptor* request_type = pool->FindMessageTypeByName(
      "grpc.reflection.v1alpha.ServerReflectionRequest");
  const pb::Descriptor* response_type = pool->FindMessageTypeByName(
      "grpc.reflection.v1alpha.ServerReflectionResponse");
  if (request_type == nullptr || response_type == nullptr) {
    ADD_FAILURE() << "reflection messages are not in the generated pool";
    return {};
  }
  pb::DynamicMessageFactory factory(pool);
  std::unique_ptr<pb::Message> request(
      factory.GetPrototype(request_type)->New());
  EXPECT_TRUE(
      pb::TextFormat::ParseFromString("list_services: \"*\"", request.get()));

  grpc::GenericStub stub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(
      &context,
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag;
  bool ok;
  auto step = [&](int id) {
    EXPECT_TRUE(cq.Next(&tag, &ok));
    EXPECT_EQ(tag, reinterpret_cast<void*>(id));
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  if (!step(1)) return {};
  grpc::Slice slice(request->SerializeAsString());
  grpc::ByteBuffer request_buffer(&slice, 1);
  call->WriteLast(request_buffer, grpc::WriteOptions(),
                  reinterpret_cast<void*>(2));
  step(2);
  grpc::ByteBuffer response_buffer;
  call->Read(&response_buffer, reinterpret_cast<void*>(3));
  const bool got_response = step(3);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  step(4);
  EXPECT_TRUE(got_response && status.ok()) << status.error_message();
  if (!got_response) return {};

  std::unique_ptr<pb::Message> response(
      factory.GetPrototype(response_type)->New());
  EXPECT_TRUE(response->ParseFromString(Slurp(response_buffer)));
  // list_services_response.service[].name
  const pb::FieldDescriptor* list =
      response_type->FindFieldByName("list_services_response");
  const pb::Message& services =
      response->GetReflection()->GetMessage(*response, list);
  const pb::FieldDescriptor* service_field =
      services.GetDescriptor()->FindFieldByName("service");
  std::vector<std::string> names;
  for (int i = 0;
       i < services.GetReflection()->FieldSize(services, service_field); ++i) {
    const pb::Message& service = services.GetReflection()->GetRepeatedMessage(
        services, service_field, i);
    names.push_back(service.GetReflection()->GetString(
        service, service.GetDescriptor()->FindFieldByName("name")));
  }
  return names;
}

}  // namespace csm::testing
