// E-mail addresses, unified social credit codes and resident ID numbers.
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

}  // namespace

bool IsValidEmail(absl::string_view email) {
  if (email.size() > 254) return false;
  const size_t at = email.rfind('@');
  if (at == absl::string_view::npos) return false;
  const absl::string_view local = email.substr(0, at);
  const absl::string_view domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64) return false;
  if (local.front() == '.' || local.back() == '.' ||
      absl::StrContains(local, "..")) {
    return false;
  }
  constexpr absl::string_view kAtextSpecials = "!#$%&'*+/=?^_`{|}~-.";
  for (char c : local) {
    if (!absl::ascii_isalnum(c) &&
        kAtextSpecials.find(c) == absl::string_view::npos) {
      return false;
    }
  }
  std::vector<absl::string_view> labels = absl::StrSplit(domain, '.');
  if (labels.size() < 2) return false;
  for (absl::string_view label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' ||
        label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!absl::ascii_isalnum(c) && c != '-') return false;
    }
  }
  const absl::string_view tld = labels.back();
  return tld.size() >= 2 && std::all_of(tld.begin(), tld.end(), [](char c) {
           return absl::ascii_isalpha(c);
         });
}

bool IsValidUnifiedSocialCreditCode(absl::string_view code) {
  // The 31 characters of GB 32100-2015; a character's value is its index.
  constexpr absl::string_view kCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  constexpr std::array<int, 17> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                            29, 25, 13, 8,  24, 10, 30, 28};
  if (code.size() != 18) return false;
  int values[18];
  for (size_t i = 0; i < 18; ++i) {
    const size_t pos = kCharset.find(absl::ascii_toupper(code[i]));
    if (pos == absl::string_view::npos) return false;
    values[i] = static_cast<int>(pos);
  }
  // Characters 3-8 are the administrative division code: digits only.
  for (size_t i = 2; i < 8; ++i) {
    if (values[i] > 9) return false;
  }
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += values[i] * kWeights[i];
  const int check = (31 - sum % 31) % 31;
  return values[17] == check;
}

bool IsValidResidentId(absl::string_view id) {
  constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                            3, 7, 9,  10, 5, 8, 4, 2};
  // Check character by (Σ digit × weight) mod 11.
  constexpr absl::string_view kCheck = "10X98765432";
  if (id.size() != 18 || !IsAllDigits(id.substr(0, 17)) || id[0] == '0') {
    return false;
  }
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
  if (absl::ascii_toupper(id[17]) != kCheck[sum % 11]) return false;

  auto number = [&](size_t pos, size_t len) {
    int n = 0;
    for (size_t i = pos; i < pos + len; ++i) n = n * 10 + (id[i] - '0');
    return n;
  };
  csm::common::v1::Date birth;
  birth.set_year(number(6, 4));
  birth.set_month(number(10, 2));
  birth.set_day(number(12, 2));
  return IsValidDate(birth) && birth.year() <= 2099;
}

std::string NormalizeCreditCode(absl::string_view code) {
  return absl::AsciiStrToUpper(absl::StripAsciiWhitespace(code));
}

}  // namespace csm::customer
