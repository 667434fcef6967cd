#include "common/status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace csm {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(FieldViolationsTest, EmptyIsOk) {
  FieldViolations v;
  EXPECT_TRUE(v.empty());
  EXPECT_TRUE(v.ToStatus().ok());
  EXPECT_TRUE(v.ToStatus("ignored").ok());
}

TEST(FieldViolationsTest, CarriesViolationsAsPayload) {
  FieldViolations v;
  v.Add("display_name", "must not be empty");
  v.Add("phone", "must be 11 digits");
  absl::Status status = v.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  // Without a message, the summary names every violation.
  EXPECT_EQ(status.message(),
            "display_name: must not be empty; phone: must be 11 digits");
  EXPECT_THAT(ViolationsOf(status),
              ElementsAre(Pair("display_name", "must not be empty"),
                          Pair("phone", "must be 11 digits")));

  absl::Status with_message = v.ToStatus("the customer is invalid");
  EXPECT_EQ(with_message.message(), "the customer is invalid");
  EXPECT_EQ(ViolationsOf(with_message).size(), 2u);
}

TEST(FieldViolationsTest, InvalidFieldIsOneViolation) {
  absl::Status status = InvalidField("page_size", "must be at most 500");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationsOf(status),
              ElementsAre(Pair("page_size", "must be at most 500")));
}

TEST(FieldViolationsTest, PlainStatusHasNoViolations) {
  EXPECT_THAT(ViolationsOf(absl::InvalidArgumentError("x")), IsEmpty());
  EXPECT_THAT(ViolationsOf(absl::OkStatus()), IsEmpty());
}

TEST(ToGrpcStatusTest, OkIsOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(ToGrpcStatusTest, KeepsEveryCodeAndMessage) {
  for (int c = 1; c <= 16; ++c) {
    const absl::Status status(static_cast<absl::StatusCode>(c), "msg 消息");
    const grpc::Status g = ToGrpcStatus(status);
    EXPECT_EQ(static_cast<int>(g.error_code()), c);
    EXPECT_EQ(g.error_message(), "msg 消息");
    EXPECT_EQ(g.error_details(), "") << "no details without payloads";
    const absl::Status back = FromGrpcStatus(g);
    EXPECT_EQ(back, status);
  }
  EXPECT_EQ(static_cast<int>(grpc::StatusCode::UNAUTHENTICATED),
            static_cast<int>(absl::StatusCode::kUnauthenticated));
}

TEST(ToGrpcStatusTest, DetailsAreGoogleRpcStatusWithBadRequest) {
  FieldViolations v;
  v.Add("owner_id", "unknown staff id");
  v.Add("grade", "must be one of A, B, C");
  const grpc::Status g = ToGrpcStatus(v.ToStatus("bad customer"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(g.error_message(), "bad customer");

  // What a client finds in the grpc-status-details-bin trailer.
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(g.error_details()));
  EXPECT_EQ(rich.code(), 3);
  EXPECT_EQ(rich.message(), "bad customer");
  ASSERT_EQ(rich.details_size(), 1);
  EXPECT_EQ(rich.details(0).type_url(),
            "type.googleapis.com/google.rpc.BadRequest");
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(rich.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(0).field(), "owner_id");
  EXPECT_EQ(bad_request.field_violations(0).description(), "unknown staff id");
  EXPECT_EQ(bad_request.field_violations(1).field(), "grade");
}

TEST(FromGrpcStatusTest, ViolationsRoundTrip) {
  FieldViolations v;
  v.Add("filter", "unknown field \"x\" at column 1");
  const absl::Status original = v.ToStatus();
  const absl::Status back = FromGrpcStatus(ToGrpcStatus(original));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(back.message(), original.message());
  EXPECT_THAT(ViolationsOf(back),
              ElementsAre(Pair("filter", "unknown field \"x\" at column 1")));
}

TEST(FromGrpcStatusTest, GarbageDetailsKeepCodeAndMessage) {
  const grpc::Status g(grpc::StatusCode::ABORTED, "etag mismatch",
                       "\xff\xff not a proto");
  const absl::Status back = FromGrpcStatus(g);
  EXPECT_EQ(back.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(back.message(), "etag mismatch");
  EXPECT_THAT(ViolationsOf(back), IsEmpty());
}

TEST(ToGrpcStatusTest, IgnoresNonProtobufPayloads) {
  absl::Status status = absl::InternalError("x");
  status.SetPayload("internal/debug", absl::Cord("secret"));
  EXPECT_EQ(ToGrpcStatus(status).error_details(), "");
}

absl::Status FailsWhenNegative(int v) {
  if (v < 0) return InvalidField("v", "negative");
  return absl::OkStatus();
}

absl::StatusOr<int> Double(int v) {
  CSM_RETURN_IF_ERROR(FailsWhenNegative(v));
  return 2 * v;
}

absl::StatusOr<int> Quadruple(int v) {
  CSM_ASSIGN_OR_RETURN(int twice, Double(v));
  CSM_ASSIGN_OR_RETURN(int four_times, Double(twice));
  return four_times;
}

TEST(MacrosTest, PropagateErrorsAndValues) {
  EXPECT_EQ(*Quadruple(3), 12);
  absl::StatusOr<int> bad = Quadruple(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(ViolationsOf(bad.status()), ElementsAre(Pair("v", "negative")));
}

}  // namespace
}  // namespace csm
