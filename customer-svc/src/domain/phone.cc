// Chinese phone numbers: recognition and the one normalisation duplicate
// detection compares (and the store writes).
#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "customer-svc/src/domain/customer_rules.h"

namespace csm::customer {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

// Phones.

// Area codes: 010 and 02x have three digits, every other one four (the
// national numbering plan); 00 is the international prefix, not an area.
// Returns 0 when `digits` cannot start an area code.
size_t AreaCodeLength(absl::string_view digits) {
  if (digits.size() < 3 || digits[0] != '0') return 0;
  if (digits[1] == '0') return 0;
  if (digits[1] == '1') return digits[2] == '0' ? 3 : 0;
  if (digits[1] == '2') return 3;
  return 4;
}

std::optional<ParsedPhone> ParseMobile(absl::string_view s) {
  bool had_prefix = false;
  if (absl::ConsumePrefix(&s, "+86") || absl::ConsumePrefix(&s, "0086")) {
    had_prefix = true;
  }
  std::string digits;
  for (char c : s) {
    if (IsDigit(c)) {
      digits.push_back(c);
    } else if (c != '-') {
      return std::nullopt;
    }
  }
  if (!had_prefix && digits.size() == 13 && absl::StartsWith(digits, "86")) {
    digits.erase(0, 2);
  }
  if (digits.size() != 11 || digits[0] != '1' || digits[1] < '3') {
    return std::nullopt;
  }
  ParsedPhone p;
  p.kind = ParsedPhone::Kind::kMobile;
  p.number = std::move(digits);
  return p;
}

bool IsLocalNumber(absl::string_view s) {
  // A leading 0 is a doubled trunk prefix ("010-010…"), not a number.
  return (s.size() == 7 || s.size() == 8) && IsAllDigits(s) && s[0] != '0';
}

std::optional<ParsedPhone> ParseLandline(absl::string_view s) {
  std::vector<absl::string_view> groups = absl::StrSplit(s, '-');
  for (absl::string_view g : groups) {
    if (!IsAllDigits(g)) return std::nullopt;  // also rejects "--" and edges
  }
  const size_t area_len = AreaCodeLength(groups[0]);
  if (area_len == 0) return std::nullopt;
  absl::string_view area, local, ext;
  if (groups.size() == 1 ||
      (groups.size() == 2 && groups[0].size() != area_len)) {
    // Area code and number written together, maybe with an extension.
    area = groups[0].substr(0, area_len);
    local = groups[0].substr(area_len);
    if (groups.size() == 2) ext = groups[1];
  } else if (groups.size() == 2 || groups.size() == 3) {
    if (groups[0].size() != area_len) return std::nullopt;
    area = groups[0];
    local = groups[1];
    if (groups.size() == 3) ext = groups[2];
  } else {
    return std::nullopt;
  }
  // Groups are non-empty digits, so only the extension's length is left.
  if (!IsLocalNumber(local) || ext.size() > 6) return std::nullopt;
  ParsedPhone p;
  p.kind = ParsedPhone::Kind::kLandline;
  p.area_code = std::string(area);
  p.number = std::string(local);
  p.extension = std::string(ext);
  return p;
}

}  // namespace

std::optional<ParsedPhone> ParsePhone(absl::string_view phone) {
  std::string s;
  s.reserve(phone.size());
  for (char c : phone) {
    if (c != ' ' && c != '\t') s.push_back(c);
  }
  if (s.empty() || s.front() == '-' || s.back() == '-' ||
      absl::StrContains(s, "--")) {
    return std::nullopt;
  }
  if (auto mobile = ParseMobile(s)) return mobile;
  return ParseLandline(s);
}

bool IsValidPhone(absl::string_view phone) {
  return ParsePhone(phone).has_value();
}

std::string NormalizePhone(absl::string_view phone) {
  if (std::optional<ParsedPhone> p = ParsePhone(phone)) {
    return p->area_code + p->number;
  }
  std::string digits;
  for (char c : phone) {
    if (IsDigit(c)) digits.push_back(c);
  }
  return digits;
}

std::vector<std::string> NormalizedPhones(const v1::Contact& contact) {
  std::vector<std::string> out;
  out.reserve(contact.phones_size());
  for (const std::string& p : contact.phones())
    out.push_back(NormalizePhone(p));
  return out;
}

}  // namespace csm::customer
