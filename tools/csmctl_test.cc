#include <gmock/gmock.h>
#include <google/rpc/code.pb.h>
#include <google/rpc/error_details.pb.h>
#include <google/rpc/status.pb.h>
#include <gtest/gtest.h>

#include "csm/customer/v1/customer.pb.h"
#include "csm/events/v1/events.pb.h"
#include "tools/csmctl_lib.h"

namespace csm::csmctl {
namespace {

namespace v1 = ::csm::customer::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

CommandLine Parse(std::vector<std::string> argv,
                  absl::string_view env_token = "") {
  absl::StatusOr<CommandLine> cl = ParseCommandLine(argv, env_token);
  EXPECT_TRUE(cl.ok()) << cl.status();
  return cl.ok() ? *std::move(cl) : CommandLine{};
}

TEST(ParseCommandLineTest, GlobalFlagsAnywhereAndTheRestForTheCommand) {
  CommandLine cl = Parse({"--addr=db:1", "customers", "list", "--timeout=2s",
                          "--filter=grade = GRADE_A", "--full", "--proto_names",
                          "--request_id=r1"});
  EXPECT_EQ(cl.options.addr, "db:1");
  EXPECT_EQ(cl.options.timeout, absl::Seconds(2));
  EXPECT_TRUE(cl.options.timeout_set);
  EXPECT_TRUE(cl.options.proto_names);
  EXPECT_EQ(cl.options.request_id, "r1");
  EXPECT_THAT(cl.args, ElementsAre("customers", "list"));
  EXPECT_THAT(cl.flags, ElementsAre(Pair("filter", "grade = GRADE_A"),
                                    Pair("full", "true")));
}

TEST(ParseCommandLineTest, Defaults) {
  CommandLine cl = Parse({"list"});
  EXPECT_EQ(cl.options.addr, "127.0.0.1:50051");
  EXPECT_EQ(cl.options.timeout, absl::Seconds(10));
  EXPECT_FALSE(cl.options.timeout_set);
  EXPECT_EQ(cl.options.max_messages, 0);
  EXPECT_FALSE(cl.help);
}

TEST(ParseCommandLineTest, TokenFromFlagWinsOverEnvironment) {
  EXPECT_EQ(Parse({"list"}, "env-jwt").options.token, "env-jwt");
  EXPECT_EQ(Parse({"--token=flag-jwt", "list"}, "env-jwt").options.token,
            "flag-jwt");
}

TEST(ParseCommandLineTest, DoubleDashEndsFlagsAndJsonStaysAnArgument) {
  CommandLine cl = Parse({"call", "--", "a.B/C", "--not-a-flag"});
  EXPECT_THAT(cl.args, ElementsAre("call", "a.B/C", "--not-a-flag"));
  EXPECT_TRUE(cl.flags.empty());
  cl = Parse({"call", "a.B/C", "-"});
  EXPECT_THAT(cl.args, ElementsAre("call", "a.B/C", "-"));
  EXPECT_TRUE(NeedsStdin(cl));
}

TEST(ParseCommandLineTest, HelpAndTimeoutForms) {
  EXPECT_TRUE(Parse({"--help"}).help);
  EXPECT_TRUE(Parse({"-h"}).help);
  EXPECT_EQ(Parse({"--timeout=1.5"}).options.timeout, absl::Milliseconds(1500));
  EXPECT_EQ(Parse({"--timeout=250ms"}).options.timeout,
            absl::Milliseconds(250));
  EXPECT_EQ(Parse({"--max_messages=3"}).options.max_messages, 3);
}

TEST(ParseCommandLineTest, BadValuesAreUsageErrors) {
  for (std::vector<std::string> argv :
       {std::vector<std::string>{"--timeout=soon"},
        {"--timeout=0s"},
        {"--max_messages=-1"},
        {"--proto_names=maybe"},
        {"--=x"}}) {
    absl::StatusOr<CommandLine> cl = ParseCommandLine(argv, "");
    EXPECT_EQ(cl.status().code(), absl::StatusCode::kInvalidArgument)
        << argv[0];
  }
}

TEST(FlagsTest, TakeAndLeftovers) {
  CommandLine cl = Parse({"x", "--a=1", "--b"});
  EXPECT_EQ(TakeFlag(cl, "a"), "1");
  EXPECT_EQ(TakeFlag(cl, "a", "fallback"), "fallback");
  absl::Status left = CheckNoFlagsLeft(cl);
  EXPECT_EQ(left.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(left.message(), HasSubstr("--b"));
  EXPECT_TRUE(TakeBoolFlag(cl, "b"));
  EXPECT_TRUE(CheckNoFlagsLeft(cl).ok());
}

TEST(FindMethodTest, AcceptsTheUsualSpellings) {
  for (const char* name : {"csm.customer.v1.CustomerService/GetCustomer",
                           "/csm.customer.v1.CustomerService/GetCustomer",
                           "csm.customer.v1.CustomerService.GetCustomer",
                           "CustomerService/GetCustomer"}) {
    absl::StatusOr<const google::protobuf::MethodDescriptor*> m =
        FindMethod(name);
    ASSERT_TRUE(m.ok()) << name << ": " << m.status();
    EXPECT_EQ((*m)->full_name(), "csm.customer.v1.CustomerService.GetCustomer");
    EXPECT_EQ(GrpcPath(**m), "/csm.customer.v1.CustomerService/GetCustomer");
  }
}

TEST(FindMethodTest, UnknownNamesSayWhatExists) {
  absl::StatusOr<const google::protobuf::MethodDescriptor*> m =
      FindMethod("csm.customer.v1.CustomerService/Frobnicate");
  EXPECT_EQ(m.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(m.status().message(), HasSubstr("GetCustomer"));
  m = FindMethod("csm.nope.v1.NopeService/Get");
  EXPECT_EQ(m.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(m.status().message(),
              HasSubstr("csm.customer.v1.CustomerService"));
  EXPECT_EQ(FindMethod("GetCustomer").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(HttpRuleTest, ReadsTheAnnotation) {
  auto get = FindMethod("csm.customer.v1.CustomerService/GetCustomer");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(HttpRuleText(**get), "GET /v1/{name=customers/*}");
  auto create = FindMethod("csm.customer.v1.CustomerService/CreateCustomer");
  ASSERT_TRUE(create.ok());
  EXPECT_EQ(HttpRuleText(**create), "POST /v1/customers body=customer");
}

TEST(ListServicesTest, ListsCsmServicesWithSignaturesAndRules) {
  const std::string list = ListServices();
  EXPECT_THAT(list, HasSubstr("csm.customer.v1.CustomerService"));
  EXPECT_THAT(list, HasSubstr("csm.events.v1.EventService"));
  EXPECT_THAT(list, HasSubstr("StreamEvents(StreamEventsRequest) returns "
                              "(stream StreamEventsResponse)"));
  EXPECT_THAT(list, HasSubstr("POST /v1/{name=customers/*}:changeGrade "
                              "body=*"));
  EXPECT_THAT(list, Not(HasSubstr("google.")));
}

TEST(DescribeTest, MessagesEnumsMethodsAndSimpleNames) {
  auto message = Describe("csm.customer.v1.Customer");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_THAT(*message, HasSubstr("message Customer {"));
  EXPECT_THAT(*message, HasSubstr("string display_name = 3;"));

  auto by_simple_name = Describe("Grade");
  ASSERT_TRUE(by_simple_name.ok()) << by_simple_name.status();
  EXPECT_THAT(*by_simple_name, HasSubstr("GRADE_A = 1;"));

  auto method = Describe("csm.customer.v1.CustomerService/ChangeGrade");
  ASSERT_TRUE(method.ok()) << method.status();
  EXPECT_THAT(*method, HasSubstr("rpc ChangeGrade"));
  EXPECT_THAT(*method, HasSubstr("message ChangeGradeRequest {"));

  EXPECT_EQ(Describe("NoSuchThing").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(JsonTest, ParsesIntoTheGeneratedType) {
  auto m = FindMethod("csm.customer.v1.CustomerService/ListCustomers");
  ASSERT_TRUE(m.ok());
  auto request = ParseJson(*(*m)->input_type(),
                           R"({"filter": "grade = GRADE_A", "pageSize": 5,
                               "view": "CUSTOMER_VIEW_FULL",
                               "access_purpose": "审计"})");
  ASSERT_TRUE(request.ok()) << request.status();
  auto* typed = dynamic_cast<v1::ListCustomersRequest*>(request->get());
  ASSERT_NE(typed, nullptr);
  EXPECT_EQ(typed->filter(), "grade = GRADE_A");
  EXPECT_EQ(typed->page_size(), 5);
  EXPECT_EQ(typed->view(), v1::CUSTOMER_VIEW_FULL);
  EXPECT_EQ(typed->access_purpose(), "审计");
}

TEST(JsonTest, EmptyInputIsAnEmptyRequest) {
  auto request = ParseJson(*v1::ListTeamsRequest::descriptor(), "  \n");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ((*request)->ByteSizeLong(), 0u);
}

TEST(JsonTest, ErrorsNameTheType) {
  for (const char* bad : {"{", R"({"no_such_field": 1})",
                          R"({"view": "CUSTOMER_VIEW_SIDEWAYS"})", "[]"}) {
    auto request = ParseJson(*v1::ListCustomersRequest::descriptor(), bad);
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_THAT(request.status().message(),
                HasSubstr("csm.customer.v1.ListCustomersRequest"));
  }
}

TEST(JsonTest, PrintsCamelCaseOrProtoNames) {
  v1::Customer c;
  c.set_display_name("杭州云帆科技有限公司");
  c.set_grade(v1::GRADE_A);
  Options options;
  auto json = ToJson(c, options, /*pretty=*/false);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json,
            R"({"displayName":"杭州云帆科技有限公司","grade":"GRADE_A"})");
  options.proto_names = true;
  json = ToJson(c, options, /*pretty=*/true);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr("\"display_name\": \"杭州云帆科技有限公司\""));
  EXPECT_NE(json->back(), '\n');
  options.emit_defaults = true;
  json = ToJson(c, options, /*pretty=*/false);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr("\"owner_id\":\"\""));
}

TEST(JsonTest, PrintsAnyPayloadsOfLinkedTypes) {
  csm::events::v1::StreamEventsResponse response;
  csm::events::v1::Event* e = response.add_events();
  e->set_sequence(7);
  v1::Customer payload;  // any linked type will do
  payload.set_name("customers/1");
  e->mutable_payload()->PackFrom(payload);
  auto json = ToJson(response, Options{}, /*pretty=*/false);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr("\"@type\":\"type.googleapis.com/"
                               "csm.customer.v1.Customer\""));
  EXPECT_THAT(*json, HasSubstr("\"name\":\"customers/1\""));
}

TEST(SetFieldTest, ScalarsEnumsRepeatedAndPaths) {
  v1::CreateCustomerRequest req;
  ASSERT_TRUE(SetField(req, "customer.display_name", "王建国").ok());
  ASSERT_TRUE(SetField(req, "customer.kind", "CUSTOMER_KIND_INDIVIDUAL").ok());
  ASSERT_TRUE(SetField(req, "customer.grade", "2").ok());
  EXPECT_EQ(req.customer().display_name(), "王建国");
  EXPECT_EQ(req.customer().kind(), v1::CUSTOMER_KIND_INDIVIDUAL);
  EXPECT_EQ(req.customer().grade(), v1::GRADE_B);

  csm::events::v1::StreamEventsRequest stream;
  ASSERT_TRUE(SetField(stream, "event_types", "a.B, c.D").ok());
  ASSERT_TRUE(SetField(stream, "after_sequence", "42").ok());
  EXPECT_THAT(stream.event_types(), ElementsAre("a.B", "c.D"));
  EXPECT_EQ(stream.after_sequence(), 42);

  EXPECT_FALSE(SetField(stream, "after_sequence", "many").ok());
  EXPECT_FALSE(SetField(req, "customer.kind", "ROBOT").ok());
  EXPECT_FALSE(SetField(req, "customer.nope", "x").ok());
  EXPECT_FALSE(SetField(req, "customer", "x").ok());
}

TEST(BuildCallTest, GenericCall) {
  CommandLine cl = Parse({"call", "csm.customer.v1.CustomerService/GetCustomer",
                          R"({"name":"customers/7"})"});
  auto inv = BuildCall(cl, "");
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->method->name(), "GetCustomer");
  EXPECT_EQ(dynamic_cast<v1::GetCustomerRequest&>(*inv->request).name(),
            "customers/7");

  cl = Parse({"call", "CustomerService/GetCustomer", "-"});
  inv = BuildCall(cl, R"({"name":"customers/8"})");
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(dynamic_cast<v1::GetCustomerRequest&>(*inv->request).name(),
            "customers/8");

  EXPECT_FALSE(BuildCall(Parse({"call", "x"}), "").ok());
}

TEST(AliasTest, CustomersGetWithFullView) {
  CommandLine cl =
      Parse({"customers", "get", "42", "--full", "--purpose=投诉核实"});
  ASSERT_TRUE(IsAlias(cl));
  auto inv = BuildAlias(cl);
  ASSERT_TRUE(inv.ok()) << inv.status();
  auto& req = dynamic_cast<v1::GetCustomerRequest&>(*inv->request);
  EXPECT_EQ(req.name(), "customers/42");
  EXPECT_EQ(req.view(), v1::CUSTOMER_VIEW_FULL);
  EXPECT_EQ(req.access_purpose(), "投诉核实");
  EXPECT_TRUE(CheckNoFlagsLeft(cl).ok());
}

TEST(AliasTest, CustomersListKeepsUnknownFlagsForTheCheck) {
  CommandLine cl = Parse({"customers", "list", "--filter=grade = GRADE_A",
                          "--page_size=20", "--colour=red"});
  auto inv = BuildAlias(cl);
  ASSERT_TRUE(inv.ok()) << inv.status();
  auto& req = dynamic_cast<v1::ListCustomersRequest&>(*inv->request);
  EXPECT_EQ(req.filter(), "grade = GRADE_A");
  EXPECT_EQ(req.page_size(), 20);
  EXPECT_EQ(req.view(), v1::CUSTOMER_VIEW_UNSPECIFIED);
  EXPECT_THAT(CheckNoFlagsLeft(cl).message(), HasSubstr("--colour"));
}

TEST(AliasTest, EventsStreamAndFullNames) {
  CommandLine cl = Parse({"events", "stream", "--after=10", "--types=a.B,c.D"});
  auto inv = BuildAlias(cl);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_TRUE(inv->method->server_streaming());
  auto& req =
      dynamic_cast<csm::events::v1::StreamEventsRequest&>(*inv->request);
  EXPECT_EQ(req.after_sequence(), 10);
  EXPECT_EQ(req.event_types_size(), 2);

  cl = Parse({"teams", "get", "teams/east-sales"});
  inv = BuildAlias(cl);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(dynamic_cast<v1::GetTeamRequest&>(*inv->request).name(),
            "teams/east-sales");
}

TEST(AliasTest, MisuseIsAUsageError) {
  CommandLine cl = Parse({"customers", "frob"});
  EXPECT_THAT(BuildAlias(cl).status().message(), HasSubstr("list"));
  cl = Parse({"customers", "get"});
  EXPECT_EQ(BuildAlias(cl).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(IsAlias(Parse({"bogus"})));
  EXPECT_THAT(AliasUsage(),
              HasSubstr("csmctl customers get <customers/ID | "
                        "ID> [--full] [--purpose=access_purpose]"));
}

TEST(RequestIdTest, LooksLikeAUuid4AndDiffers) {
  const std::string a = NewRequestId();
  EXPECT_THAT(a, ::testing::MatchesRegex(
                     "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                     "[0-9a-f]{12}"));
  EXPECT_NE(a, NewRequestId());
}

TEST(FormatRpcErrorTest, CodeMessageAndFieldViolations) {
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field("customer.credit_code");
  v->set_description("校验位错误");
  v = bad.add_field_violations();
  v->set_field("customer.contacts[0].phones[0]");
  v->set_description("not a mobile or landline number");
  google::rpc::Status details;
  details.set_code(google::rpc::INVALID_ARGUMENT);
  details.set_message("invalid customer");
  details.add_details()->PackFrom(bad);
  grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, "invalid customer",
                      details.SerializeAsString());
  EXPECT_EQ(FormatRpcError(status),
            "ERROR INVALID_ARGUMENT: invalid customer\n"
            "  customer.credit_code: 校验位错误\n"
            "  customer.contacts[0].phones[0]: not a mobile or landline "
            "number\n");
  EXPECT_EQ(FormatRpcError(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                        "customers/9 not found")),
            "ERROR NOT_FOUND: customers/9 not found\n");
}

TEST(HealthWireTest, EncodesTheServiceName) {
  EXPECT_EQ(EncodeHealthCheckRequest(""), "");
  EXPECT_EQ(EncodeHealthCheckRequest("csm.customer.v1.CustomerService"),
            std::string("\x0a\x1f") + "csm.customer.v1.CustomerService");
}

TEST(HealthWireTest, DecodesTheStatus) {
  EXPECT_EQ(*DecodeHealthCheckResponse(""), 0);
  EXPECT_EQ(*DecodeHealthCheckResponse(std::string("\x08\x01", 2)),
            kHealthServing);
  EXPECT_EQ(*DecodeHealthCheckResponse(std::string("\x08\x02", 2)), 2);
  // Unknown fields are skipped.
  EXPECT_EQ(*DecodeHealthCheckResponse(std::string("\x12\x01x\x08\x01", 5)),
            kHealthServing);
  EXPECT_FALSE(DecodeHealthCheckResponse(std::string("\x08", 1)).ok());
  EXPECT_FALSE(DecodeHealthCheckResponse(std::string("\x12\x05x", 3)).ok());
  EXPECT_EQ(HealthStatusName(1), "SERVING");
  EXPECT_EQ(HealthStatusName(3), "SERVICE_UNKNOWN");
}

}  // namespace
}  // namespace csm::csmctl
