#include "common/status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
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

TEST(QuoteTest, CutsLongValuesOnCodePointsAndKeepsUtf8Valid) {
  EXPECT_EQ(Quote("GRADE_A"), "\"GRADE_A\"");
  EXPECT_EQ(Quote(""), "\"\"");
  std::string chinese;
  for (int i = 0; i < 100; ++i) chinese += "华";
  std::string expected = "\"";
  for (size_t i = 0; i < kMaxQuotedChars; ++i) expected += "华";
  EXPECT_EQ(Quote(chinese), expected + "…\"");
  EXPECT_EQ(Quote(std::string(1 << 20, 'x')).size(), kMaxQuotedChars + 5);
  // Invalid bytes and control characters become U+FFFD.
  EXPECT_EQ(Quote("a\xff\nb"), "\"a\uFFFD\uFFFDb\"");
  // A cut 4-byte character is not split.
  std::string emoji;
  for (int i = 0; i < 65; ++i) emoji += "\xF0\x9F\x98\x80";
  EXPECT_EQ(Quote(emoji).size(), 1 + 64 * 4 + 3 + 1);
}

TEST(TruncateTest, CutsOnCodePointsWithAnEllipsis) {
  EXPECT_EQ(Truncate("short", 10), "short");
  EXPECT_EQ(Truncate("abcdefghij", 10), "abcdefghij");
  EXPECT_EQ(Truncate("abcdefghijk", 10), "abcdefg…");
  EXPECT_EQ(Truncate("华华华华", 9), "华华…");
  EXPECT_EQ(Truncate("x\xffy", 10), "x\uFFFDy");
}

// 50,000 invalid contacts, each echoing a long value: what a client gets
// must stay within the 8 KiB trailer (message twice, details base64).
TEST(FieldViolationsTest, BoundsWhatIsListed) {
  FieldViolations v;
  const std::string long_value(2000, 'x');
  for (int i = 0; i < 50'000; ++i) {
    v.Add(absl::StrCat("customer.contacts[", i, "].phones[0]"),
          absl::StrCat("not a mobile: ", long_value));
  }
  EXPECT_EQ(v.items().size(), 50'000u) << "the domain still sees them all";
  const absl::Status status = v.ToStatus();
  const auto listed = ViolationsOf(status);
  ASSERT_GT(listed.size(), 2u);
  ASSERT_LE(listed.size(), kMaxListedViolations + 1);
  EXPECT_EQ(listed[0].first, "customer.contacts[0].phones[0]");
  EXPECT_LE(listed[0].second.size(), kMaxViolationDescriptionBytes);
  const auto& summary = listed.back();
  EXPECT_EQ(summary.first, absl::StrCat("customer.contacts[", listed.size() - 1,
                                        "].phones[0]"));
  EXPECT_EQ(summary.second,
            absl::StrCat("and ", 50'000 - (listed.size() - 1),
                         " more violations, from this field on, not listed (",
                         listed.size() - 1, " listed)"));

  const grpc::Status g = ToGrpcStatus(status);
  EXPECT_LE(g.error_message().size(), kMaxStatusMessageBytes);
  EXPECT_THAT(g.error_message(), ::testing::EndsWith("(50000 violations)"));
  EXPECT_LE(g.error_details().size(),
            kMaxBadRequestBytes + kMaxStatusMessageBytes + 100);
}

TEST(FieldViolationsTest, ListsUpToFiftyShortOnes) {
  FieldViolations v;
  for (int i = 0; i < 60; ++i) v.Add(absl::StrCat("f", i), "bad");
  const auto listed = ViolationsOf(v.ToStatus());
  ASSERT_EQ(listed.size(), kMaxListedViolations + 1);
  EXPECT_EQ(listed[49].first, "f49");
  EXPECT_EQ(listed[50],
            std::make_pair(std::string("f50"),
                           std::string("and 10 more violations, from this "
                                       "field on, not listed (50 listed)")));
}

TEST(ToGrpcStatusTest, BoundsMessagesAndForeignViolations) {
  const grpc::Status g =
      ToGrpcStatus(absl::NotFoundError(std::string(1 << 20, 'n')));
  EXPECT_EQ(g.error_message().size(), kMaxStatusMessageBytes);
  EXPECT_THAT(g.error_message(), ::testing::EndsWith("…"));
  // Invalid UTF-8 would make the details unparsable for clients.
  const std::string invalid = std::string("a\xff") + "b";
  const grpc::Status bad_utf8 = ToGrpcStatus(InvalidField("x", invalid));
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(bad_utf8.error_details()));
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(rich.details(0).UnpackTo(&bad_request));
  EXPECT_EQ(bad_request.field_violations(0).description(), "a\uFFFDb");

  // A BadRequest from elsewhere (another service's reply) is bounded too.
  google::rpc::BadRequest foreign;
  for (int i = 0; i < 1000; ++i) {
    auto* fv = foreign.add_field_violations();
    fv->set_field(absl::StrCat("f", i));
    fv->set_description(std::string(100, 'd'));
  }
  absl::Status status = absl::InvalidArgumentError("bad");
  status.SetPayload("type.googleapis.com/google.rpc.BadRequest",
                    absl::Cord(foreign.SerializeAsString()));
  const grpc::Status bounded = ToGrpcStatus(status);
  EXPECT_LE(bounded.error_details().size(), kMaxBadRequestBytes + 100);
  EXPECT_GT(ViolationsOf(FromGrpcStatus(bounded)).size(), 10u);
}

TEST(ErrorClassTest, NamesTheKindOfFailureWithoutTheMessage) {
  EXPECT_EQ(ErrorClassOf(absl::InternalError("x")), "");
  EXPECT_EQ(ErrorClassOf(InvalidField("a", "b")), "field_violations");
  const absl::Status classed =
      WithErrorClass(absl::UnauthenticatedError("13900001111"), "no_token");
  EXPECT_EQ(ErrorClassOf(classed), "no_token");
  EXPECT_EQ(ToGrpcStatus(classed).error_details(), "")
      << "the class never reaches clients";
  EXPECT_TRUE(WithErrorClass(absl::OkStatus(), "x").ok());
}

TEST(ErrorClassTest, LogsFieldPathsOnly) {
  FieldViolations v;
  v.Add("customer.contacts[0].phones[0]", "13900001111 is taken");
  v.Add("filter 13900001111", "x");  // a path that is not one
  EXPECT_EQ(ViolationFieldsForLog(v.ToStatus()),
            "customer.contacts[0].phones[0],?");
  FieldViolations many;
  for (int i = 0; i < 30; ++i) many.Add("f", "x");
  EXPECT_THAT(ViolationFieldsForLog(many.ToStatus()),
              ::testing::EndsWith("f,f,…"));
  EXPECT_EQ(ViolationFieldsForLog(absl::InternalError("x")), "");
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
