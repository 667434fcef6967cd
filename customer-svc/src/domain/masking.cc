#include "customer-svc/src/domain/masking.h"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "customer-svc/src/domain/customer_rules.h"

namespace csm::customer {
namespace {

constexpr absl::string_view kMask = "****";

// The bytes of code points [begin, end) of `cps`.
std::string Slice(const std::vector<CodePoint>& cps, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end && i < cps.size(); ++i) {
    out.append(cps[i].bytes.data(), cps[i].bytes.size());
  }
  return out;
}

// True if the code points starting at `pos` spell `text` (UTF-8).
bool MatchesAt(const std::vector<CodePoint>& cps, size_t pos,
               absl::string_view text) {
  for (const CodePoint& want : DecodeUtf8(text)) {
    if (pos >= cps.size() || cps[pos].value != want.value) return false;
    ++pos;
  }
  return true;
}

// Index one past the end of `marker` if it ends within the first `limit`
// code points; 0 otherwise.
size_t EndOfMarkerWithin(const std::vector<CodePoint>& cps,
                         absl::string_view marker, size_t limit) {
  const size_t marker_len = CountCodePoints(marker);
  for (size_t i = 0; i + marker_len <= std::min(limit, cps.size()); ++i) {
    if (MatchesAt(cps, i, marker)) return i + marker_len;
  }
  return 0;
}

// Code points of the province-level prefix of an address, 0 if none.
size_t ProvinceLength(const std::vector<CodePoint>& cps) {
  // The municipalities are provinces of their own, with or without 市.
  static constexpr std::array<absl::string_view, 8> kMunicipalities = {
      "北京市", "上海市", "天津市", "重庆市", "北京", "上海", "天津", "重庆"};
  for (absl::string_view m : kMunicipalities) {
    if (MatchesAt(cps, 0, m)) return CountCodePoints(m);
  }
  // The longest names: 黑龙江省 (4), 新疆维吾尔自治区 (8), 香港特别行政区 (7).
  if (size_t end = EndOfMarkerWithin(cps, "省", 4)) return end;
  if (size_t end = EndOfMarkerWithin(cps, "自治区", 8)) return end;
  if (size_t end = EndOfMarkerWithin(cps, "特别行政区", 7)) return end;
  return 0;
}

// How far after the province the first 区/县/市 may be: the longest county
// level names are around ten characters (…自治县).
constexpr size_t kMaxUnitDistance = 12;

bool IsUnitChar(char32_t c) { return c == U'区' || c == U'县' || c == U'市'; }

absl::string_view TrimAscii(absl::string_view s) {
  return absl::StripAsciiWhitespace(s);
}

bool HasRole(const Principal& p, Role r) { return p.roles.Has(r); }

}  // namespace

std::string MaskGeneric(absl::string_view value) {
  const std::vector<CodePoint> cps = DecodeUtf8(value);
  const size_t n = cps.size();
  if (n < 7) return std::string(n, '*');
  return absl::StrCat(Slice(cps, 0, 3), std::string(n - 5, '*'),
                      Slice(cps, n - 2, n));
}

std::string MaskPhone(absl::string_view phone) {
  const absl::string_view trimmed = TrimAscii(phone);
  std::optional<ParsedPhone> p = ParsePhone(trimmed);
  if (!p.has_value()) return MaskGeneric(trimmed);
  const std::string& number = p->number;
  if (p->kind == ParsedPhone::Kind::kMobile) {
    // 138****5678: the carrier prefix and the last four, as on receipts.
    return absl::StrCat(number.substr(0, 3), kMask, number.substr(7));
  }
  std::string out =
      absl::StrCat(p->area_code, "-", std::string(number.size() - 4, '*'),
                   number.substr(number.size() - 4));
  if (!p->extension.empty()) absl::StrAppend(&out, "-", p->extension);
  return out;
}

std::string MaskCreditCode(absl::string_view code) {
  const absl::string_view trimmed = TrimAscii(code);
  const std::vector<CodePoint> cps = DecodeUtf8(trimmed);
  const size_t n = cps.size();
  if (n < 12) return MaskGeneric(trimmed);
  return absl::StrCat(Slice(cps, 0, 4), std::string(n - 8, '*'),
                      Slice(cps, n - 4, n));
}

std::string MaskAddress(absl::string_view address) {
  const std::vector<CodePoint> cps = DecodeUtf8(TrimAscii(address));
  const size_t n = cps.size();
  if (n == 0) return "";
  const size_t province = ProvinceLength(cps);
  // The unit needs a name: start one character after the province.
  const size_t limit = std::min(n, province + 1 + kMaxUnitDistance);
  for (size_t i = province + 1; i < limit; ++i) {
    if (IsUnitChar(cps[i].value)) {
      return absl::StrCat(Slice(cps, 0, i + 1), kMask);
    }
  }
  if (province > 0) return absl::StrCat(Slice(cps, 0, province), kMask);
  // Nothing recognisable: a little context, never most of the address.
  return absl::StrCat(Slice(cps, 0, std::min<size_t>(6, n / 2)), kMask);
}

std::string MaskEmail(absl::string_view email) {
  const absl::string_view trimmed = TrimAscii(email);
  const size_t at = trimmed.rfind('@');
  if (at == absl::string_view::npos || at == 0 || at + 1 == trimmed.size()) {
    return MaskGeneric(trimmed);
  }
  const std::vector<CodePoint> local = DecodeUtf8(trimmed.substr(0, at));
  // A fixed "***" whatever the length: the length itself is a hint.
  return absl::StrCat(local.front().bytes, "***", trimmed.substr(at));
}

bool MayViewUnmasked(const Principal& caller, const ArchiveAccess& archive) {
  // Services call on behalf of users they have already checked.
  if (HasRole(caller, Role::kService)) return true;
  if (HasRole(caller, Role::kArchivist)) return true;
  // Empty ids never match: an unowned archive is nobody's.
  if (!caller.staff_id.empty() && caller.staff_id == archive.owner_id) {
    return true;
  }
  if ((HasRole(caller, Role::kSupervisor) || HasRole(caller, Role::kManager)) &&
      !caller.department.empty() && caller.department == archive.department) {
    return true;
  }
  return false;
}

void MaskCustomer(v1::Customer* customer) {
  if (!customer->credit_code().empty()) {
    customer->set_credit_code(MaskCreditCode(customer->credit_code()));
  }
  if (!customer->address().empty()) {
    customer->set_address(MaskAddress(customer->address()));
  }
  for (v1::Contact& contact : *customer->mutable_contacts()) {
    for (std::string& phone : *contact.mutable_phones()) {
      phone = MaskPhone(phone);
    }
    if (!contact.email().empty()) {
      contact.set_email(MaskEmail(contact.email()));
    }
  }
  customer->set_masked(true);
}

std::string MaskPersonalValue(v1::PersonalDataKind kind,
                              absl::string_view value) {
  if (value.empty()) return "";
  switch (kind) {
    case v1::PERSONAL_DATA_KIND_UNSPECIFIED:
      return std::string(value);
    case v1::PERSONAL_DATA_KIND_CREDIT_CODE:
      return MaskCreditCode(value);
    case v1::PERSONAL_DATA_KIND_ADDRESS:
      return MaskAddress(value);
    case v1::PERSONAL_DATA_KIND_EMAIL:
      return MaskEmail(value);
    case v1::PERSONAL_DATA_KIND_PHONES: {
      // A list as JoinPhones writes it: mask each phone on its own.
      std::vector<std::string> masked;
      for (absl::string_view phone : absl::StrSplit(value, ',')) {
        masked.push_back(MaskPhone(phone));
      }
      return absl::StrJoin(masked, ", ");
    }
    default:
      // A contact summary, or a kind this build does not know: withheld.
      return std::string(kMask);
  }
}

void MaskFieldChange(v1::FieldChange* change) {
  if (change->personal_data() == v1::PERSONAL_DATA_KIND_UNSPECIFIED) return;
  change->set_old_value(
      MaskPersonalValue(change->personal_data(), change->old_value()));
  change->set_new_value(
      MaskPersonalValue(change->personal_data(), change->new_value()));
  change->set_masked(true);
}

}  // namespace csm::customer
