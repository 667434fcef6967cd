// A real customer-svc and a real complaint-svc on loopback, each on its own
// fresh database of the ctest fixture's MariaDB, complaint-svc asking
// customer-svc through its gRPC customer directory: what the cross-service
// tests in this folder run against. No mocks.
#ifndef CSM_TESTS_SERVICE_PAIR_H_
#define CSM_TESTS_SERVICE_PAIR_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/rpc.h"
#include "common/server.h"
#include "complaint-svc/src/complaint_server.h"
#include "complaint-svc/testing/complaint_test_server.h"
#include "csm/complaint/v1/complaint.grpc.pb.h"
#include "customer-svc/testing/customer_test_support.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::testing {

class ServicePairFixture : public customer::testing::CustomerApiFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CustomerApiFixture::SetUp());
    auto db = TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    complaint_db_ = std::move(*db);
    auto server = complaint::ComplaintServer::Start(
        TestComplaintServerConfig(complaint_db_->options(), server_->address()),
        &verifier_, &Clock::Real());
    ASSERT_TRUE(server.ok()) << server.status();
    complaint_server_ = std::move(*server);
    complaint_channel_ = grpc::CreateChannel(
        complaint_server_->address(), grpc::InsecureChannelCredentials());
    complaints_ = complaint::v1::ComplaintService::NewStub(complaint_channel_);
  }

  void TearDown() override {
    complaints_.reset();
    complaint_channel_.reset();
    complaint_server_.reset();
    complaint_db_.reset();
    CustomerApiFixture::TearDown();
  }

  std::unique_ptr<TestDatabase> complaint_db_;
  std::unique_ptr<complaint::ComplaintServer> complaint_server_;
  std::shared_ptr<grpc::Channel> complaint_channel_;
  std::unique_ptr<complaint::v1::ComplaintService::Stub> complaints_;
};

}  // namespace csm::testing

#endif  // CSM_TESTS_SERVICE_PAIR_H_
