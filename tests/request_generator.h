// Random, well-typed but hostile requests built from protobuf descriptors,
// deterministic from a seed: what tests/api_fuzz_test.cc sends to every
// method of customer-svc and complaint-svc.
#ifndef CSM_TESTS_REQUEST_GENERATOR_H_
#define CSM_TESTS_REQUEST_GENERATOR_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"

namespace csm::fuzz {

namespace pb = ::google::protobuf;

inline std::string Repeat(absl::string_view s, size_t n) {
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

}  // namespace csm::fuzz

#endif  // CSM_TESTS_REQUEST_GENERATOR_H_
