#include "common/filter.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "common/status.h"
#include "common/text.h"

namespace csm {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsIdentStart(char c) { return absl::ascii_isalpha(c) || c == '_'; }
bool IsIdentChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }
bool IsBareValueChar(char c) {
  return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '+' || c == '-';
}

// A recursive-descent parser would be overkill for `term (AND term)*`; this
// one walks the input once and reports the first error with its column.
class Parser {
 public:
  Parser(absl::string_view input, const std::set<std::string>& allowed)
      : in_(input), allowed_(allowed) {}

  absl::StatusOr<std::vector<FilterTerm>> Parse() {
    std::vector<FilterTerm> terms;
    // Before anything else: a megabyte of filter costs one comparison.
    if (in_.size() > kMaxFilterBytes) {
      return InvalidField(
          "filter", absl::StrCat("is ", in_.size(), " bytes long; at most ",
                                 kMaxFilterBytes, " are allowed"));
    }
    SkipSpace();
    if (AtEnd()) return terms;  // an empty filter matches everything
    while (true) {
      if (terms.size() == kMaxFilterTerms) {
        return Error(pos_, absl::StrCat("more than ", kMaxFilterTerms,
                                        " comparisons; at most ",
                                        kMaxFilterTerms, " are allowed"));
      }
      FilterTerm term;
      const size_t term_start = pos_;
      CSM_RETURN_IF_ERROR(ParseTerm(&term));
      if (CountCodePoints(term.value) > kMaxFilterValueChars) {
        return Error(term_start,
                     absl::StrCat("the value compared with ", Quote(term.field),
                                  " has more than ", kMaxFilterValueChars,
                                  " characters"));
      }
      terms.push_back(std::move(term));
      SkipSpace();
      if (AtEnd()) return terms;
      CSM_RETURN_IF_ERROR(ParseAnd());
    }
  }

 private:
  bool AtEnd() const { return pos_ >= in_.size(); }
  char Peek() const { return in_[pos_]; }

  void SkipSpace() {
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
  }

  // Columns count characters (UTF-8 code points), from 1, as editors do.
  size_t Column(size_t offset) const {
    size_t column = 1;
    for (size_t i = 0; i < offset && i < in_.size(); ++i) {
      if ((static_cast<unsigned char>(in_[i]) & 0xC0) != 0x80) ++column;
    }
    return column;
  }

  // The character at `offset`, quoted, for messages.
  std::string Describe(size_t offset) const {
    if (offset >= in_.size()) return "end of filter";
    const unsigned char c = static_cast<unsigned char>(in_[offset]);
    if (c < 0x20 || c == 0x7f) return "a control character";
    size_t n = 1;
    while (c >= 0x80 && offset + n < in_.size() &&
           (static_cast<unsigned char>(in_[offset + n]) & 0xC0) == 0x80) {
      ++n;
    }
    return absl::StrCat("'", in_.substr(offset, n), "'");
  }

  absl::Status Error(size_t offset, absl::string_view what) const {
    return InvalidField("filter",
                        absl::StrCat(what, " at column ", Column(offset)));
  }

  absl::Status Unsupported(size_t offset, absl::string_view what) const {
    return InvalidField(
        "filter",
        absl::StrCat("only conjunctions (AND) of comparisons are supported; ",
                     what, " at column ", Column(offset), " is not"));
  }

  absl::string_view ReadWhile(bool (*pred)(char)) {
    const size_t start = pos_;
    while (!AtEnd() && pred(Peek())) ++pos_;
    return in_.substr(start, pos_ - start);
  }

  // field: identifier ('.' identifier)*
  absl::string_view ReadField() {
    const size_t start = pos_;
    if (AtEnd() || !IsIdentStart(Peek())) return {};
    ReadWhile(IsIdentChar);
    while (pos_ + 1 < in_.size() && Peek() == '.' &&
           IsIdentStart(in_[pos_ + 1])) {
      ++pos_;
      ReadWhile(IsIdentChar);
    }
    return in_.substr(start, pos_ - start);
  }

  absl::Status ParseTerm(FilterTerm* term) {
    const size_t start = pos_;
    if (Peek() == '(') return Unsupported(start, "'('");
    if (Peek() == '-') return Unsupported(start, "negation '-'");
    const absl::string_view field = ReadField();
    if (field.empty()) {
      return Error(start, absl::StrCat("expected a field name, found ",
                                       Describe(start)));
    }
    if (field == "NOT" || field == "OR") {
      return Unsupported(start, field);
    }
    if (field == "AND") return Error(start, "expected a comparison before AND");
    if (allowed_.count(std::string(field)) == 0) {
      return Error(
          start,
          allowed_.empty()
              ? absl::StrCat("unknown field ", Quote(field),
                             "; this list cannot be filtered")
              : absl::StrCat("unknown field ", Quote(field), " (filterable: ",
                             absl::StrJoin(allowed_, ", "), ")"));
    }
    term->field = std::string(field);

    SkipSpace();
    const size_t op_pos = pos_;
    const absl::string_view rest = in_.substr(pos_);
    absl::string_view op_text;
    for (const FilterOperator& op : FilterOperators()) {
      if (absl::StartsWith(rest, op.text)) {
        term->op = op.op;
        op_text = op.text;
        break;
      }
    }
    if (op_text.empty()) {
      return Error(op_pos,
                   absl::StrCat("expected an operator (=, !=, <, <=, "
                                ">, >=, :) after ",
                                Quote(field), ", found ", Describe(op_pos)));
    }
    pos_ += op_text.size();

    SkipSpace();
    const size_t value_pos = pos_;
    if (AtEnd()) {
      return Error(value_pos,
                   absl::StrCat("expected a value after \"", op_text, "\""));
    }
    if (Peek() == '"') {
      CSM_RETURN_IF_ERROR(ReadQuoted(&term->value));
    } else {
      if (Peek() == '(') return Unsupported(value_pos, "'('");
      const absl::string_view bare = ReadWhile(IsBareValueChar);
      if (bare.empty()) {
        return Error(value_pos,
                     absl::StrCat("expected a value after \"", op_text,
                                  "\", found ", Describe(value_pos)));
      }
      term->value = std::string(bare);
    }
    if (!AtEnd() && !IsSpace(Peek())) {
      if (Peek() == ')') return Unsupported(pos_, "')'");
      return Error(pos_, absl::StrCat("unexpected ", Describe(pos_),
                                      " after the value (quote values that "
                                      "contain other characters)"));
    }
    return absl::OkStatus();
  }

  // "..." with \" and \\ escapes.
  absl::Status ReadQuoted(std::string* value) {
    const size_t open = pos_++;
    while (!AtEnd()) {
      const char c = in_[pos_];
      if (c == '"') {
        ++pos_;
        return absl::OkStatus();
      }
      if (c == '\\') {
        if (pos_ + 1 >= in_.size()) break;
        const char next = in_[pos_ + 1];
        if (next != '"' && next != '\\') {
          return Error(pos_,
                       absl::StrCat("invalid escape \\", Describe(pos_ + 1),
                                    " (only \\\" and \\\\ are allowed)"));
        }
        value->push_back(next);
        pos_ += 2;
        continue;
      }
      value->push_back(c);
      ++pos_;
    }
    return Error(open, "unterminated string starting");
  }

  // Between terms: the word AND, then whitespace. (ParseTerm already made
  // sure whitespace precedes it.)
  absl::Status ParseAnd() {
    const size_t start = pos_;
    if (Peek() == '(' || Peek() == ')') {
      return Unsupported(start, absl::StrCat("'", in_.substr(start, 1), "'"));
    }
    const absl::string_view word = ReadWhile(IsIdentChar);
    if (word == "OR" || word == "NOT" || absl::EqualsIgnoreCase(word, "or")) {
      return Unsupported(start, word);
    }
    if (word != "AND") {
      if (absl::EqualsIgnoreCase(word, "and")) {
        return Error(start, absl::StrCat(Quote(word),
                                         " must be written AND (capitals)"));
      }
      return Error(start,
                   absl::StrCat("expected AND between comparisons, found ",
                                word.empty() ? Describe(start) : Quote(word)));
    }
    if (!AtEnd() && !IsSpace(Peek())) {
      return Error(pos_, "expected a space after AND");
    }
    SkipSpace();
    if (AtEnd()) return Error(pos_, "expected a comparison after AND");
    return absl::OkStatus();
  }

  absl::string_view in_;
  const std::set<std::string>& allowed_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<FilterTerm>> ParseFilter(
    absl::string_view filter, const std::set<std::string>& allowed_fields) {
  return Parser(filter, allowed_fields).Parse();
}

std::span<const FilterOperator> FilterOperators() {
  using Op = FilterTerm::Op;
  static constexpr FilterOperator kOperators[] = {
      {Op::kLe, "<=", "<="},   {Op::kGe, ">=", ">="}, {Op::kNe, "!=", "<>"},
      {Op::kEq, "=", "="},     {Op::kLt, "<", "<"},   {Op::kGt, ">", ">"},
      {Op::kHas, ":", "LIKE"},
  };
  return kOperators;
}

absl::string_view OpName(FilterTerm::Op op) {
  for (const FilterOperator& o : FilterOperators()) {
    if (o.op == op) return o.text;
  }
  return "?";
}

}  // namespace csm
