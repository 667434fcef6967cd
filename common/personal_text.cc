#include "common/personal_text.h"

#include <string>

#include "absl/strings/ascii.h"
#include "common/text.h"

namespace csm {
namespace {

bool IsAlnum(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c));
}
bool IsDigit(char c) {
  return absl::ascii_isdigit(static_cast<unsigned char>(c));
}

// The end of the number starting at `begin` (an alphanumeric character):
// letters and digits, with a single ' ' or '-' allowed after a group of 3
// or 4 digits and before a digit ("138 1234 5678", "6222 0200 1234 5678").
// So "+86 138…" leaves the 86 apart, a date's "11-02" ends it, and a '-'
// after an area code (0 + 2 or 3 digits) ends it: a landline keeps its
// area code.
size_t RunEnd(absl::string_view s, size_t begin) {
  size_t i = begin;
  size_t group = begin;
  while (i < s.size()) {
    if (IsAlnum(s[i])) {
      ++i;
      continue;
    }
    const size_t len = i - group;
    bool digits = true;
    for (size_t j = group; j < i; ++j) digits = digits && IsDigit(s[j]);
    const bool grouping = (s[i] == ' ' || s[i] == '-') && digits &&
                          (len == 3 || len == 4) && i + 1 < s.size() &&
                          IsDigit(s[i + 1]);
    const bool area_code = s[i] == '-' && group == begin && s[begin] == '0';
    if (!grouping || area_code) break;
    ++i;
    group = i;
  }
  return i;
}

std::string MaskRun(absl::string_view run) {
  std::string chars;  // the run without its grouping
  size_t digits = 0;
  for (char c : run) {
    if (IsAlnum(c)) chars.push_back(c);
    if (IsDigit(c)) ++digits;
  }
  if (digits < 7) return std::string(run);
  const size_t n = chars.size();
  if (n == 11 && digits == 11 && chars[0] == '1') {
    return chars.substr(0, 3) + "****" + chars.substr(7);
  }
  if (n >= 12) {
    return chars.substr(0, 4) + std::string(n - 8, '*') + chars.substr(n - 4);
  }
  return std::string(n - 4, '*') + chars.substr(n - 4);
}

}  // namespace

std::string MaskPersonalNumbers(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (!IsAlnum(text[i])) {
      out.push_back(text[i]);
      ++i;
      continue;
    }
    const size_t end = RunEnd(text, i);
    out += MaskRun(text.substr(i, end - i));
    i = end;
  }
  return out;
}

std::string EventText(absl::string_view text) {
  return std::string(
      PrefixChars(MaskPersonalNumbers(text), kMaxEventTextChars));
}

}  // namespace csm
