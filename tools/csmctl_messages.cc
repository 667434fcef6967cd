// Messages from and to text: JSON, single fields, the generic call.
#include <google/protobuf/util/json_util.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tools/csmctl_lib.h"

namespace csm::csmctl {
namespace {

namespace pb = ::google::protobuf;

absl::Status SetScalar(pb::Message& message, const pb::FieldDescriptor& field,
                       absl::string_view value) {
  const pb::Reflection& r = *message.GetReflection();
  const bool rep = field.is_repeated();
  auto bad = [&field, value](absl::string_view what) {
    return Usage(absl::StrCat(field.full_name(), " takes ", what, ", not \"",
                              value, "\""));
  };
  switch (field.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      rep ? r.AddString(&message, &field, std::string(value))
          : r.SetString(&message, &field, std::string(value));
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_INT32: {
      int32_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return bad("a 32-bit integer");
      rep ? r.AddInt32(&message, &field, v) : r.SetInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      int64_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      rep ? r.AddInt64(&message, &field, v) : r.SetInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return bad("an unsigned integer");
      rep ? r.AddUInt32(&message, &field, v) : r.SetUInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return bad("an unsigned integer");
      rep ? r.AddUInt64(&message, &field, v) : r.SetUInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
      double v = 0;
      if (!absl::SimpleAtod(value, &v)) return bad("a number");
      if (field.cpp_type() == pb::FieldDescriptor::CPPTYPE_FLOAT) {
        const float f = static_cast<float>(v);
        rep ? r.AddFloat(&message, &field, f) : r.SetFloat(&message, &field, f);
      } else {
        rep ? r.AddDouble(&message, &field, v)
            : r.SetDouble(&message, &field, v);
      }
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      bool v = false;
      if (!absl::SimpleAtob(value, &v)) return bad("true or false");
      rep ? r.AddBool(&message, &field, v) : r.SetBool(&message, &field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumDescriptor& type = *field.enum_type();
      const pb::EnumValueDescriptor* ev =
          type.FindValueByName(std::string(value));
      int number = 0;
      if (ev == nullptr && absl::SimpleAtoi(value, &number)) {
        ev = type.FindValueByNumber(number);
      }
      if (ev == nullptr) {
        std::vector<std::string> names;
        for (int i = 0; i < type.value_count(); ++i) {
          names.push_back(type.value(i)->name());
        }
        return bad(absl::StrCat("one of ", absl::StrJoin(names, ", ")));
      }
      rep ? r.AddEnum(&message, &field, ev) : r.SetEnum(&message, &field, ev);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return Usage(absl::StrCat(field.full_name(),
                            " is a message; set it with `call` and JSON"));
}

}  // namespace

std::unique_ptr<pb::Message> NewMessage(const pb::Descriptor& type) {
  const pb::Message* prototype =
      pb::MessageFactory::generated_factory()->GetPrototype(&type);
  return std::unique_ptr<pb::Message>(prototype->New());
}

absl::StatusOr<std::unique_ptr<pb::Message>> ParseJson(
    const pb::Descriptor& type, absl::string_view json) {
  std::unique_ptr<pb::Message> message = NewMessage(type);
  absl::string_view text = absl::StripAsciiWhitespace(json);
  if (text.empty()) text = "{}";
  pb::util::Status s = pb::util::JsonStringToMessage(
      pb::StringPiece(text.data(), text.size()), message.get());
  if (!s.ok()) {
    return Usage(absl::StrCat("the request is not valid JSON for ",
                              type.full_name(), ": ",
                              std::string(s.message())));
  }
  return message;
}

absl::StatusOr<std::string> ToJson(const pb::Message& message,
                                   const Options& options, bool pretty) {
  pb::util::JsonPrintOptions print;
  print.add_whitespace = pretty;
  print.preserve_proto_field_names = options.proto_names;
  print.always_print_primitive_fields = options.emit_defaults;
  std::string out;
  pb::util::Status s = pb::util::MessageToJsonString(message, &out, print);
  if (!s.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print ", message.GetTypeName(),
                     " as JSON: ", std::string(s.message())));
  }
  if (!pretty) return out;
  // The printer indents by one space per level; two read better. JSON strings
  // hold no raw newlines, so leading spaces are only ever indentation.
  std::string indented;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    const size_t depth = line.find_first_not_of(' ');
    absl::StrAppend(&indented, indented.empty() ? "" : "\n",
                    std::string(2 * depth, ' '), line.substr(depth));
  }
  return indented;
}

absl::Status SetField(pb::Message& message, absl::string_view field,
                      absl::string_view value) {
  pb::Message* target = &message;
  std::vector<absl::string_view> path = absl::StrSplit(field, '.');
  for (size_t i = 0; i < path.size(); ++i) {
    const pb::FieldDescriptor* f =
        target->GetDescriptor()->FindFieldByName(std::string(path[i]));
    if (f == nullptr) {
      return Usage(absl::StrCat(target->GetDescriptor()->full_name(),
                                " has no field \"", path[i], "\""));
    }
    if (i + 1 < path.size()) {
      if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE ||
          f->is_repeated()) {
        return Usage(
            absl::StrCat(f->full_name(), " is not a singular message field"));
      }
      target = target->GetReflection()->MutableMessage(target, f);
      continue;
    }
    if (f->is_map()) {
      return Usage(absl::StrCat(f->full_name(), " is a map; use JSON"));
    }
    if (!f->is_repeated()) return SetScalar(*target, *f, value);
    for (absl::string_view item :
         absl::StrSplit(value, ',', absl::SkipEmpty())) {
      if (absl::Status s =
              SetScalar(*target, *f, absl::StripAsciiWhitespace(item));
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

bool NeedsStdin(const CommandLine& cl) {
  return cl.args.size() == 3 && cl.args[0] == "call" && cl.args[2] == "-";
}

absl::StatusOr<Invocation> BuildCall(const CommandLine& cl,
                                     absl::string_view stdin_json) {
  if (cl.args.size() != 3) {
    return Usage(
        "call takes a method and a JSON request: csmctl call "
        "package.Service/Method '{...}'");
  }
  Invocation inv;
  absl::StatusOr<const pb::MethodDescriptor*> method = FindMethod(cl.args[1]);
  if (!method.ok()) return method.status();
  inv.method = *method;
  absl::StatusOr<std::unique_ptr<pb::Message>> request = ParseJson(
      *inv.method->input_type(), NeedsStdin(cl) ? stdin_json : cl.args[2]);
  if (!request.ok()) return request.status();
  inv.request = std::move(*request);
  return inv;
}

}  // namespace csm::csmctl
