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

std::string Repeat(absl::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

// Builds random requests from descriptors, deterministically from a seed.
class RequestGenerator {
 public:
  explicit RequestGenerator(uint64_t seed) : rng_(seed) {}

  // A request whose fields are mostly plausible (so calls get past
  // validation into the stores) with some hostile ones; `hostility` is the
  // chance of each field being hostile.
  // `names`: resource names of the method's service that exist.
  void FillRequest(pb::Message* m, const std::vector<std::string>& names) {
    hostility_ = Pick({0.0, 0.0, 0.05, 0.15, 0.5});
    long_text_ = Pick({0.0, 0.2, 0.5});
    // Often exactly one long text, the k-th text field filled: a request
    // valid but for that length, which reaches the column behind it.
    focus_ = Chance(0.4) ? Uniform(0, 7) : -1;
    if (focus_ >= 0) long_text_ = 0;
    names_ = &names;
    Fill(m, 0);
  }

 private:
  void Fill(pb::Message* m, int depth) {
    const pb::Descriptor* d = m->GetDescriptor();
    const pb::Reflection* r = m->GetReflection();
    if (d->full_name() == "google.protobuf.Timestamp") {
      return FillTimestamp(m);
    }
    if (d->full_name() == "google.protobuf.FieldMask") {
      const bool hostile = Chance(hostility_);
      const int n = hostile ? Pick({0, 1, 2, 3, 40}) : Pick({1, 1, 2});
      for (int i = 0; i < n; ++i) {
        r->AddString(m, d->FindFieldByName("paths"),
                     hostile ? FieldPath()
                             : PickString({"display_name", "address", "title",
                                           "handling_department", "active",
                                           "working_hours", "exceptions",
                                           "grade_overrides", "phones"}));
      }
      return;
    }
    if (d->full_name() == "csm.common.v1.Date" && !Chance(hostility_)) {
      const absl::CivilDay day =
          absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) -
          Pick({0, 1, 30, 400});
      r->SetInt32(m, d->FindFieldByName("year"), static_cast<int>(day.year()));
      r->SetInt32(m, d->FindFieldByName("month"), day.month());
      r->SetInt32(m, d->FindFieldByName("day"), day.day());
      return;
    }
    for (int i = 0; i < d->field_count(); ++i) {
      const pb::FieldDescriptor* f = d->field(i);
      // What a request is about is mostly there: calls get past it.
      const bool key =
          depth == 0 && (f->name() == "name" || f->name() == "parent");
      if (!Chance(key ? 0.97 : depth == 0 ? 0.85 : 0.6)) continue;
      if (f->is_repeated()) {
        const int n = Chance(0.05 * hostility_) ? 60 : Uniform(0, 3);
        for (int k = 0; k < n; ++k) AddValue(m, f, depth);
      } else {
        SetValue(m, f, depth);
      }
    }
  }

  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  template <typename T>
  T Pick(std::initializer_list<T> values) {
    return *(values.begin() + Uniform(0, static_cast<int>(values.size()) - 1));
  }
  std::string PickString(const std::vector<std::string>& values) {
    return values[Uniform(0, static_cast<int>(values.size()) - 1)];
  }

  std::string Id() {
    return PickString({"1", "2", "3", "0", "-1", "007", "abc", "1.5",
                       "99999999999999999999", "9223372036854775807",
                       std::string(300, '9'), "", " 1", "1 "});
  }

  std::string Name() {
    const std::string id = Id();
    return PickString(
        {"customers/" + id,
         "customers/" + id + "/contacts/" + Id(),
         "customers/" + id + "/communications/" + Id(),
         "customers/" + id + "/visitPlans/" + Id(),
         "customers/" + id + "/visitPlans/" + Id() + "/visits/" + Id(),
         "customers/-",
         "complaints/" + id,
         "faultReports/" + id,
         "categories/quality",
         "categories/" + id,
         "categories/Bad Name",
         "teams/kf-east",
         "teams/" + id,
         "slaPolicies/*~critical~*",
         "slaPolicies/quality~major~A",
         "slaPolicies/~~",
         "calendars/china",
         "calendars/" + id,
         "visitPolicy",
         "customers",
         "/",
         "x/y/z",
         id});
  }

  std::string Filter() {
    static const std::vector<std::string> kFields = {"owner_id",
                                                     "team",
                                                     "department",
                                                     "grade",
                                                     "kind",
                                                     "state",
                                                     "province",
                                                     "display_name",
                                                     "create_time",
                                                     "update_time",
                                                     "reader_id",
                                                     "channel",
                                                     "staff_id",
                                                     "contact_time",
                                                     "customer",
                                                     "category",
                                                     "severity",
                                                     "handler_id",
                                                     "overdue",
                                                     "escalation_level",
                                                     "handling_department",
                                                     "first_responder_id",
                                                     "nope",
                                                     "a.b.c"};
    const int terms = Pick({0, 1, 2, 3, 33});
    std::string out;
    for (int i = 0; i < terms; ++i) {
      if (i > 0)
        out += PickString({" AND ", " OR ", " and ", " ", " AND NOT "});
      out += PickString(kFields);
      out += PickString({" = ", " != ", " < ", " >= ", " : ", " ~ ", "="});
      out += PickString({"GRADE_A", "\"13900001111\"", "110101195302202098",
                         "\"2026-01-01T00:00:00Z\"", "\"2026-13-45\"",
                         "customers/1", "\"customers/1\"", "true", "-1",
                         "COMPLAINT_STATE_IN_PROGRESS", "SEVERITY_MAJOR",
                         "\"" + Repeat("华", 300) + "\"", "\"%_\\\\\"", "(x)",
                         "\"unterminated"});
    }
    if (Chance(0.05)) out = Repeat("grade = GRADE_A AND ", 300) + "grade = A";
    return out;
  }

  std::string FieldPath() {
    return PickString({"display_name", "grade", "contacts", "address",
                       "handling_department", "active", "working_hours",
                       "exceptions", "grade_overrides", "title", "*", "",
                       "a.b.c.d.e.f.g", "contacts.phones", "display_name.x",
                       "DisplayName", "etag", "name", Repeat("x.", 200)});
  }

  std::string Text() {
    switch (Uniform(0, 12)) {
      case 0:
        return "";
      case 1:
        return std::string(Pick({101, 129, 1001, 2001, 5000}), 'a');
      case 2:
        return Repeat("华", Pick({100, 101, 500, 1000, 1001, 2001}));
      case 3:  // 4-byte characters
        return Repeat("\xF0\xA0\x9C\x8E", Pick({63, 64, 100, 128, 129, 700}));
      case 4:
        return Chance(0.3) ? "bad \xff utf-8" : "\xe4\xb8";
      case 5:
        return "a\x01"
               "b\n\t";
      case 6:
        return "' OR 1=1; -- %_\\";
      case 7:
        return Name();
      case 8:
        return Id();
      case 9:
        return PickString({"13900001111", "li.na@example.com", "0571-8888888",
                           "91330100MA2B0XXXXX", "GRADE_A", "A", "critical",
                           "客服部", "quality", "09:00", "25:99",
                           "2026-02-30"});
      default:
        return PickString({"张伟", "杭州示例科技有限公司", "x", "  ", "u100"});
    }
  }

  // Texts around the lengths the services document (100, 200, 1000, 2000
  // characters), in 3- and 4-byte characters: valid-looking input that
  // finds columns narrower than their validation.
  std::string LongText() {
    const size_t n = Pick<size_t>(
        {1, 50, 99, 100, 101, 199, 200, 201, 500, 700, 999, 1000, 1001, 2000});
    return Chance(0.5) ? Repeat("华", n) : Repeat("\xF0\xA0\x9C\x8E", n);
  }

  std::string Plausible(const pb::FieldDescriptor* f) {
    const std::string& n = f->name();
    if (n == "filter" || n == "page_token" || n == "order_by" || n == "etag") {
      return "";
    }
    if (n == "request_id") return absl::StrCat("fuzz-", ++request_ids_);
    if (n == "customer") return PickString({"customers/1", "customers/2"});
    if ((n == "name" || n == "parent") && names_ != nullptr &&
        !names_->empty()) {
      return PickString(*names_);
    }
    if (n == "category" || n == "category_id") {
      return PickString({"quality", "packaging", "installation"});
    }
    if (n == "team" || n == "team_id") return "kf-east";
    if (absl::EndsWith(n, "_id") || n == "member_ids") {
      return PickString({"li.na", "sup", "arch", "wang.fang"});
    }
    if (n == "phones") return "13812345678";
    if (n == "email") return "li.si@example.com";
    if (absl::StrContains(n, "department")) return "客服部";
    if (n == "credit_code") return "91330100MA2B0XXXXX";
    if (n == "start" || n == "end") return PickString({"09:00", "17:30"});
    if (n == "customer_grade" || n == "grade") return "A";
    if (n == "severity") return "critical";
    return Chance(0.5) ? LongText()
                       : PickString({"张伟", "杭州示例科技有限公司",
                                     "外箱破损，内件受潮"});
  }

  std::string StringFor(const pb::FieldDescriptor* f) {
    const std::string& n = f->name();
    if (!Chance(hostility_)) return Plausible(f);
    if (Chance(0.3)) return Text();
    if (n == "filter") return Filter();
    if (n == "page_token" || n == "next_page_token") {
      return PickString({"", "AAAA", "!!!", std::string(2000, 'Q'),
                         "eyJrIjoiIiwiaWQiOjF9", "bm90IGEgdG9rZW4"});
    }
    if (n == "etag") {
      return PickString(
          {"", "1", "2", "-1", "0", "abc", "99999999999999999999", "W/\"1\""});
    }
    if (n == "request_id") {
      return PickString({"", absl::StrCat("fuzz-", Uniform(0, 50)),
                         std::string(129, 'r'), "has space", "é"});
    }
    if (n == "order_by") {
      return PickString({"", "create_time", "create_time desc", "display_name",
                         "update_time desc", "nope", "create_time asc desc",
                         "due_date"});
    }
    if (n == "name" || n == "parent" || n == "customer" ||
        absl::EndsWith(n, "_name") || n == "category" || n == "complaints" ||
        n == "team" || n == "plan") {
      return Chance(0.8) ? Name() : Text();
    }
    if (absl::EndsWith(n, "_id") || n == "member_ids") {
      return PickString({"li.na", "sup", "arch", "wang.fang", "nobody", "",
                         std::string(129, 'u'), "kf-east", "quality",
                         Repeat("\xF0\xA0\x9C\x8E", 64)});
    }
    return Text();
  }

  int64_t Int() {
    if (!Chance(hostility_)) return Pick<int64_t>({0, 1, 2, 3, 5, 10, 30, 100});
    return Pick<int64_t>({0, 1, -1, 2, 3, 7, 30, 31, 99, 500, 501, 10081,
                          std::numeric_limits<int32_t>::max(),
                          std::numeric_limits<int32_t>::min(),
                          std::numeric_limits<int64_t>::max(),
                          std::numeric_limits<int64_t>::min()});
  }

  void FillTimestamp(pb::Message* m) {
    const pb::Descriptor* d = m->GetDescriptor();
    const pb::Reflection* r = m->GetReflection();
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    if (!Chance(hostility_)) {
      r->SetInt64(m, d->FindFieldByName("seconds"),
                  now - Pick<int64_t>({0, 60, 3600, 86400 * 3}));
      return;
    }
    r->SetInt64(m, d->FindFieldByName("seconds"),
                Pick<int64_t>({0, now, now - 86400 * 400, now + 86400 * 400,
                               now + 600, -62135596801, 253402300800,
                               std::numeric_limits<int64_t>::max()}));
    r->SetInt32(m, d->FindFieldByName("nanos"),
                Pick<int32_t>({0, 0, 1, -1, 999999999, 1000000000}));
  }

  void SetValue(pb::Message* m, const pb::FieldDescriptor* f, int depth) {
    const pb::Reflection* r = m->GetReflection();
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_STRING:
        return r->SetString(m, f, StringFor(f));
      case pb::FieldDescriptor::CPPTYPE_INT32:
        return r->SetInt32(m, f, static_cast<int32_t>(Int()));
      case pb::FieldDescriptor::CPPTYPE_INT64:
        return r->SetInt64(m, f, Int());
      case pb::FieldDescriptor::CPPTYPE_UINT32:
        return r->SetUInt32(m, f, static_cast<uint32_t>(Int()));
      case pb::FieldDescriptor::CPPTYPE_UINT64:
        return r->SetUInt64(m, f, static_cast<uint64_t>(Int()));
      case pb::FieldDescriptor::CPPTYPE_BOOL:
        return r->SetBool(m, f, Chance(0.5));
      case pb::FieldDescriptor::CPPTYPE_DOUBLE:
        return r->SetDouble(
            m, f, Pick<double>({0.0, -1.0, 0.5, 1e308, NAN, INFINITY}));
      case pb::FieldDescriptor::CPPTYPE_FLOAT:
        return r->SetFloat(m, f, Pick<float>({0.0f, -1.0f, 0.5f, NAN}));
      case pb::FieldDescriptor::CPPTYPE_ENUM:
        return r->SetEnumValue(m, f, EnumNumber(f));
      case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth < 4) Fill(r->MutableMessage(m, f), depth + 1);
        return;
    }
  }

  void AddValue(pb::Message* m, const pb::FieldDescriptor* f, int depth) {
    const pb::Reflection* r = m->GetReflection();
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_STRING:
        return r->AddString(m, f, StringFor(f));
      case pb::FieldDescriptor::CPPTYPE_INT32:
        return r->AddInt32(m, f, static_cast<int32_t>(Int()));
      case pb::FieldDescriptor::CPPTYPE_INT64:
        return r->AddInt64(m, f, Int());
      case pb::FieldDescriptor::CPPTYPE_UINT32:
        return r->AddUInt32(m, f, static_cast<uint32_t>(Int()));
      case pb::FieldDescriptor::CPPTYPE_UINT64:
        return r->AddUInt64(m, f, static_cast<uint64_t>(Int()));
      case pb::FieldDescriptor::CPPTYPE_BOOL:
        return r->AddBool(m, f, Chance(0.5));
      case pb::FieldDescriptor::CPPTYPE_DOUBLE:
        return r->AddDouble(m, f, Pick({0.0, -1.0, 1e308}));
      case pb::FieldDescriptor::CPPTYPE_FLOAT:
        return r->AddFloat(m, f, Pick({0.0f, -1.0f}));
      case pb::FieldDescriptor::CPPTYPE_ENUM:
        return r->AddEnumValue(m, f, EnumNumber(f));
      case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth < 4) Fill(r->AddMessage(m, f), depth + 1);
        return;
    }
  }

  // A declared value mostly; sometimes a number the enum does not declare.
  int EnumNumber(const pb::FieldDescriptor* f) {
    const pb::EnumDescriptor* e = f->enum_type();
    if (Chance(hostility_)) return Pick({-1, 0, 99, 12345, 1 << 30});
    // Declared values other than UNSPECIFIED (0), when there are any.
    const int first = e->value_count() > 1 && e->value(0)->number() == 0;
    return e->value(Uniform(first, e->value_count() - 1))->number();
  }

  std::mt19937_64 rng_;
  double hostility_ = 0.15;
  double long_text_ = 0.2;  // chance of a plausible text being long
  int focus_ = -1;          // texts to fill before the one long text
  const std::vector<std::string>* names_ = nullptr;
  int request_ids_ = 0;
};

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
