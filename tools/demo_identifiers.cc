#include "tools/demo_identifiers.h"

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/demo_random.h"

namespace csm::demo {
namespace {

int CharValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

}  // namespace

char UsccCheckChar(absl::string_view first17) {
  static constexpr std::array<int, 17> kWeights = {
      1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  if (first17.size() < 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const size_t v = kUsccCharset.find(first17[i]);
    if (v == absl::string_view::npos) return '\0';
    sum += static_cast<int>(v) * kWeights[i];
  }
  return kUsccCharset[(31 - sum % 31) % 31];
}

bool IsValidUscc(absl::string_view code) {
  return code.size() == 18 &&
         kUsccCharset.find(code[17]) != absl::string_view::npos &&
         UsccCheckChar(code) == code[17];
}

char OrgCodeCheckChar(absl::string_view first8) {
  static constexpr std::array<int, 8> kWeights = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 8 && i < first8.size(); ++i) {
    sum += CharValue(first8[i]) * kWeights[i];
  }
  const int c = 11 - sum % 11;
  if (c == 10) return 'X';
  if (c == 11) return '0';
  return static_cast<char>('0' + c);
}

std::string MakeUscc(char authority, char category, absl::string_view region,
                     std::mt19937_64& rng) {
  // Codes issued since 2015 mostly carry an organisation code starting "MA".
  std::string org;
  if (Percent(rng, 60)) {
    org = "MA";
    for (int i = 0; i < 6; ++i) org += kUsccCharset[Below(rng, 31)];
  } else {
    for (int i = 0; i < 8; ++i) org += static_cast<char>('0' + Below(rng, 10));
  }
  org += OrgCodeCheckChar(org);
  std::string code = absl::StrCat(std::string(1, authority),
                                  std::string(1, category), region, org);
  code += UsccCheckChar(code);
  return code;
}

char ResidentIdCheckChar(absl::string_view first17) {
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                   3, 7, 9,  10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 17 && i < first17.size(); ++i) {
    sum += (first17[i] - '0') * kWeights[i];
  }
  return "10X98765432"[sum % 11];
}

bool IsValidResidentId(absl::string_view id) {
  if (id.size() != 18) return false;
  for (size_t i = 0; i < 17; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return ResidentIdCheckChar(id) == id[17];
}

std::string MakeResidentId(absl::string_view region, absl::CivilDay birth,
                           int sequence) {
  std::string id = absl::StrFormat("%s%04d%02d%02d%03d", region, birth.year(),
                                   birth.month(), birth.day(), sequence % 1000);
  id += ResidentIdCheckChar(id);
  return id;
}

std::string MakeMobile(std::mt19937_64& rng) {
  static constexpr std::array<const char*, 24> kPrefixes = {
      "130", "131", "132", "133", "135", "136", "137", "138",
      "139", "150", "151", "152", "153", "155", "158", "159",
      "177", "180", "181", "186", "187", "189", "191", "199"};
  return absl::StrFormat("%s%08d", Pick(rng, kPrefixes),
                         Between(rng, 0, 99'999'999));
}

bool IsValidMobile(absl::string_view phone) {
  if (phone.size() != 11 || phone[0] != '1' || phone[1] < '3' ||
      phone[1] > '9') {
    return false;
  }
  for (char c : phone) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace csm::demo
