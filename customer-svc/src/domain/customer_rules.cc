#include "customer-svc/src/domain/customer_rules.h"

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

namespace csm::customer {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

}  // namespace

void CheckMaxLength(absl::string_view field, absl::string_view value,
                    size_t max_length, FieldViolations* v) {
  if (value.size() > max_length &&  // bytes >= code points: cheap pre-check
      CountCodePoints(value) > max_length) {
    v->Add(std::string(field),
           absl::StrCat("must be at most ", max_length, " characters"));
  }
}

void CheckRequiredText(absl::string_view field, absl::string_view value,
                       size_t max_length, FieldViolations* v) {
  if (IsBlank(value)) {
    v->Add(std::string(field), "is required");
    return;
  }
  CheckMaxLength(field, value, max_length, v);
}

bool IsValidStaffId(absl::string_view id) {
  return !IsBlank(id) && CountCodePoints(id) <= kMaxStaffIdLength;
}

std::string QuotedPath(absl::string_view path) {
  const bool looks_like_path =
      !path.empty() && path.size() <= 64 && path[0] >= 'a' && path[0] <= 'z' &&
      std::all_of(path.begin(), path.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
               ch == '_' || ch == '.';
      });
  return looks_like_path ? absl::StrCat("\"", path, "\"")
                         : "a path that is not a field name";
}

namespace {

std::string EnumName(const google::protobuf::EnumDescriptor* descriptor,
                     int value) {
  const auto* ev = descriptor->FindValueByNumber(value);
  return ev != nullptr ? ev->name() : absl::StrCat(value);
}

// ---------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------
// Names.

// Dropped by NormalizeName: punctuation and symbols that people vary freely
// when typing a company name. Letters such as 々 and 〇 are kept.
bool IsNamePunctuation(char32_t c) {
  if (c < 0x80) {
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) ||
           (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
  }
  if (c >= 0x2010 && c <= 0x206F) return true;  // dashes, quotes, … ‧
  if ((c >= 0x3001 && c <= 0x3004) || (c >= 0x3008 && c <= 0x3011) ||
      (c >= 0x3014 && c <= 0x301F) || c == 0x3030 || c == 0x303D) {
    return true;  // 、。〈〉《》「」『』【】〔〕〖〗〜〝〞
  }
  if (c >= 0xFE30 && c <= 0xFE4F) return true;  // vertical forms
  if (c >= 0xFF61 && c <= 0xFF65) return true;  // half-width 。「」、・
  return c == 0x00B7 || c == 0x30FB || c == 0x00AB || c == 0x00BB;
}

// Longest first, so 股份有限公司 is not left as 股份 by 有限公司.
constexpr std::array<absl::string_view, 8> kLegalFormSuffixes = {
    "股份有限公司", "有限责任公司", "股份公司", "有限公司",
    "集团公司",     "总公司",       "集团",     "公司",
};

// ---------------------------------------------------------------------------
// Customer fields.

struct StringField {
  absl::string_view path;
  size_t max_length;
  v1::PersonalDataKind personal;
  const std::string& (v1::Customer::*get)() const;
  std::string* (v1::Customer::*mutable_value)();

  const std::string& Get(const v1::Customer& c) const { return (c.*get)(); }
  void Set(v1::Customer* c, std::string value) const {
    *(c->*mutable_value)() = std::move(value);
  }
};

constexpr v1::PersonalDataKind kNotPersonal =
    v1::PERSONAL_DATA_KIND_UNSPECIFIED;

// Updatable string fields other than credit_code (which has its own rules),
// with the kind of personal data each holds (for the history).
constexpr std::array<StringField, 8> kStringFields = {{
    {"display_name", kMaxDisplayNameLength, kNotPersonal,
     &v1::Customer::display_name, &v1::Customer::mutable_display_name},
    {"province", kMaxRegionLength, kNotPersonal, &v1::Customer::province,
     &v1::Customer::mutable_province},
    {"city", kMaxRegionLength, kNotPersonal, &v1::Customer::city,
     &v1::Customer::mutable_city},
    {"industry", kMaxTextLength, kNotPersonal, &v1::Customer::industry,
     &v1::Customer::mutable_industry},
    {"address", kMaxAddressLength, v1::PERSONAL_DATA_KIND_ADDRESS,
     &v1::Customer::address, &v1::Customer::mutable_address},
    {"legal_representative", kMaxTextLength, kNotPersonal,
     &v1::Customer::legal_representative,
     &v1::Customer::mutable_legal_representative},
    {"business_scope", kMaxBusinessScopeLength, kNotPersonal,
     &v1::Customer::business_scope, &v1::Customer::mutable_business_scope},
    {"company_size", kMaxTextLength, kNotPersonal, &v1::Customer::company_size,
     &v1::Customer::mutable_company_size},
}};

const StringField* FindStringField(absl::string_view path) {
  for (const StringField& f : kStringFields) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

void ValidateStringField(const StringField& f, const v1::Customer& c,
                         FieldViolations* v) {
  const std::string field = absl::StrCat("customer.", f.path);
  if (f.path == "display_name") {
    CheckRequiredText(field, f.Get(c), f.max_length, v);
  } else {
    CheckMaxLength(field, f.Get(c), f.max_length, v);
  }
}

// The credit code against the kind it identifies. UNSPECIFIED (an update
// that does not know the kind) accepts either form.
void ValidateCreditCode(v1::CustomerKind kind, absl::string_view raw,
                        FieldViolations* v) {
  constexpr absl::string_view kField = "customer.credit_code";
  const std::string code = NormalizeCreditCode(raw);
  switch (kind) {
    case v1::CUSTOMER_KIND_ENTERPRISE:
    case v1::CUSTOMER_KIND_INSTITUTION:
      if (code.empty()) {
        v->Add(std::string(kField),
               "is required for enterprises and institutions: the unified "
               "social credit code");
      } else if (!IsValidUnifiedSocialCreditCode(code)) {
        v->Add(std::string(kField),
               "is not a valid unified social credit code (18 characters, "
               "GB 32100-2015, check character included)");
      }
      return;
    case v1::CUSTOMER_KIND_INDIVIDUAL:
      if (!code.empty() && !IsValidResidentId(code)) {
        v->Add(std::string(kField),
               "is not a valid resident ID number (18 characters, "
               "GB 11643-1999, check character and birth date included)");
      }
      return;
    default:
      if (!code.empty() && !IsValidUnifiedSocialCreditCode(code) &&
          !IsValidResidentId(code)) {
        v->Add(std::string(kField),
               "is neither a valid unified social credit code nor a valid "
               "resident ID number");
      }
      return;
  }
}

void ValidateAcquisitionChannel(const v1::Customer& c, FieldViolations* v) {
  if (!v1::AcquisitionChannel_IsValid(c.acquisition_channel())) {
    v->Add("customer.acquisition_channel", "is not a known channel");
  }
}

void ValidateLifecycleStatus(const v1::Customer& c, FieldViolations* v) {
  if (!v1::LifecycleStatus_IsValid(c.lifecycle_status())) {
    v->Add("customer.lifecycle_status", "is not a known lifecycle status");
  }
}

// An unset or all-zero date means "no signing expected".
bool HasSigningDate(const v1::Customer& c) {
  const csm::common::v1::Date& d = c.expected_signing_date();
  return c.has_expected_signing_date() &&
         (d.year() != 0 || d.month() != 0 || d.day() != 0);
}

void ValidateExpectedSigningDate(const v1::Customer& c, FieldViolations* v) {
  if (HasSigningDate(c) && !IsValidDate(c.expected_signing_date())) {
    v->Add("customer.expected_signing_date", "is not a real date");
  }
}

void ValidateImportance(const v1::Customer& c, FieldViolations* v) {
  if (!v1::Importance_IsValid(c.importance())) {
    v->Add("customer.importance",
           "is not a known importance: IMPORTANCE_LOW, IMPORTANCE_NORMAL or "
           "IMPORTANCE_HIGH");
  }
}

// How the history writes a date: "2026-12-01", "" for none.
std::string SigningDateText(const v1::Customer& c) {
  if (!HasSigningDate(c)) return "";
  const csm::common::v1::Date& d = c.expected_signing_date();
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// Advice for a mask path that names a field changed some other way.
absl::string_view NotUpdatableHint(absl::string_view path) {
  if (path == "kind") return "kind is immutable after creation";
  if (path == "grade") return "grade changes through ChangeGrade";
  if (path == "credit_rating") {
    return "credit_rating changes through ChangeCreditRating";
  }
  if (path == "owner_id" || path == "team") {
    return "the owner changes through TransferOwnership";
  }
  if (path == "state" || path == "close_reason") {
    return "the state changes through CloseCustomer and ReopenCustomer";
  }
  if (path == "contacts" || absl::StartsWith(path, "contacts.")) {
    return "contacts change through AddContact, UpdateContact and "
           "RemoveContact";
  }
  return "";
}

void AddNotUpdatable(absl::string_view path,
                     const std::vector<std::string>& allowed,
                     FieldViolations* v) {
  std::string description =
      absl::StrCat(QuotedPath(path), " cannot be updated");
  if (absl::string_view hint = NotUpdatableHint(path); !hint.empty()) {
    absl::StrAppend(&description, " (", hint, ")");
  }
  absl::StrAppend(&description,
                  "; updatable fields: ", absl::StrJoin(allowed, ", "));
  v->Add("update_mask", std::move(description));
}

// Distinct mask paths in request order: a path given twice is applied and
// recorded once.
std::vector<absl::string_view> DistinctPaths(
    const std::vector<std::string>& paths) {
  std::vector<absl::string_view> out;
  for (const std::string& p : paths) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

FieldViolations ValidateUpdate(const v1::Customer& patch,
                               const std::vector<std::string>& mask_paths,
                               v1::CustomerKind kind_for_credit_code) {
  FieldViolations v;
  const std::vector<std::string>& allowed = UpdatableCustomerFields();
  if (mask_paths.empty()) {
    v.Add("update_mask",
          absl::StrCat("is required: list the fields to change (",
                       absl::StrJoin(allowed, ", "), ")"));
    return v;
  }
  for (absl::string_view path : DistinctPaths(mask_paths)) {
    if (const StringField* f = FindStringField(path); f != nullptr) {
      ValidateStringField(*f, patch, &v);
    } else if (path == "credit_code") {
      ValidateCreditCode(kind_for_credit_code, patch.credit_code(), &v);
    } else if (path == "acquisition_channel") {
      ValidateAcquisitionChannel(patch, &v);
    } else if (path == "lifecycle_status") {
      ValidateLifecycleStatus(patch, &v);
    } else if (path == "expected_signing_date") {
      ValidateExpectedSigningDate(patch, &v);
    } else if (path == "importance") {
      ValidateImportance(patch, &v);
    } else {
      AddNotUpdatable(path, allowed, &v);
    }
  }
  return v;
}

// ---------------------------------------------------------------------------
// Contacts.

void ValidateContactDisplayName(const v1::Contact& c, absl::string_view prefix,
                                FieldViolations* v) {
  CheckRequiredText(absl::StrCat(prefix, ".display_name"), c.display_name(),
                    kMaxContactNameLength, v);
}

void ValidateContactTitle(const v1::Contact& c, absl::string_view prefix,
                          FieldViolations* v) {
  CheckMaxLength(absl::StrCat(prefix, ".title"), c.title(),
                 kMaxContactTitleLength, v);
}

void ValidateContactPhones(const v1::Contact& c, absl::string_view prefix,
                           FieldViolations* v) {
  if (static_cast<size_t>(c.phones_size()) > kMaxPhonesPerContact) {
    v->Add(absl::StrCat(prefix, ".phones"),
           absl::StrCat("at most ", kMaxPhonesPerContact, " phones"));
  }
  for (int i = 0; i < c.phones_size(); ++i) {
    if (CountCodePoints(c.phones(i)) > kMaxPhoneLength) {
      v->Add(absl::StrCat(prefix, ".phones[", i, "]"),
             absl::StrCat("must be at most ", kMaxPhoneLength, " characters"));
    } else if (!IsValidPhone(c.phones(i))) {
      v->Add(absl::StrCat(prefix, ".phones[", i, "]"),
             "is not a valid phone number: a mobile (1[3-9] and 9 digits, "
             "optional +86) or a landline (0xx-xxxxxxxx, optional "
             "-extension)");
    }
  }
}

void ValidateContactEmail(const v1::Contact& c, absl::string_view prefix,
                          FieldViolations* v) {
  if (!c.email().empty() && !IsValidEmail(c.email())) {
    v->Add(absl::StrCat(prefix, ".email"), "is not a valid email address");
  }
}

bool HasPhoneOrEmail(const v1::Contact& c) {
  return c.phones_size() > 0 || !IsBlank(c.email());
}

constexpr absl::string_view kNeedsPhoneOrEmail =
    "a contact needs at least one phone or an email";

}  // namespace

// ---------------------------------------------------------------------------
// Identifiers and contact details.

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

std::string NormalizeName(absl::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const CodePoint& cp : DecodeUtf8(name)) {
    char32_t c = cp.value;
    if (c == 0xFFFD && cp.bytes.size() == 1) continue;  // invalid byte
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;        // full-width ASCII
    if (c == 0x3000) c = ' ';
    if (IsUnicodeSpace(c) || IsNamePunctuation(c)) continue;
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    AppendUtf8(c, &out);
  }
  // Strip legal forms until none is left: 某某集团有限公司 → 某某集团 → 某某.
  // A match on bytes is a match on code points: UTF-8 suffixes start on a
  // lead byte.
  bool stripped = true;
  while (stripped) {
    stripped = false;
    for (absl::string_view suffix : kLegalFormSuffixes) {
      if (out.size() > suffix.size() && absl::EndsWith(out, suffix)) {
        out.resize(out.size() - suffix.size());
        stripped = true;
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Customers and contacts.

FieldViolations ValidateNewCustomer(const v1::Customer& c) {
  FieldViolations v;
  for (const StringField& f : kStringFields) {
    ValidateStringField(f, c, &v);
  }
  if (c.kind() == v1::CUSTOMER_KIND_UNSPECIFIED) {
    v.Add("customer.kind",
          "is required: CUSTOMER_KIND_ENTERPRISE, CUSTOMER_KIND_INSTITUTION "
          "or CUSTOMER_KIND_INDIVIDUAL");
  } else if (!v1::CustomerKind_IsValid(c.kind())) {
    v.Add("customer.kind", "is not a known customer kind");
  }
  ValidateCreditCode(c.kind(), c.credit_code(), &v);
  if (c.team().empty()) {
    v.Add("customer.team", "is required");
  } else if (!IsValidResourceId(c.team())) {
    v.Add("customer.team", "is not a team id ([a-z0-9-]{1,63})");
  }
  if (!c.owner_id().empty() && !IsValidStaffId(c.owner_id())) {
    v.Add("customer.owner_id",
          absl::StrCat("a staff id of at most ", kMaxStaffIdLength,
                       " characters, or empty for fair allocation"));
  }
  ValidateAcquisitionChannel(c, &v);
  ValidateLifecycleStatus(c, &v);
  ValidateExpectedSigningDate(c, &v);
  ValidateImportance(c, &v);
  if (!v1::Grade_IsValid(c.grade())) {
    v.Add("customer.grade", "is not a known grade");
  }
  if (!v1::CreditRating_IsValid(c.credit_rating())) {
    v.Add("customer.credit_rating", "is not a known credit rating");
  }

  if (c.contacts_size() == 0) {
    v.Add("customer.contacts", "at least one contact is required");
  }
  bool seen_primary = false;
  for (int i = 0; i < c.contacts_size(); ++i) {
    const std::string prefix = absl::StrCat("customer.contacts[", i, "]");
    FieldViolations cv = ValidateContact(c.contacts(i), prefix);
    for (const auto& [field, description] : cv.items()) {
      v.Add(field, description);
    }
    if (c.contacts(i).primary()) {
      if (seen_primary) {
        v.Add(absl::StrCat(prefix, ".primary"),
              "only one contact can be primary");
      }
      seen_primary = true;
    }
  }
  return v;
}

void ClearOutputOnlyFields(v1::Customer* c) {
  c->clear_name();
  c->clear_archive_number();
  c->clear_department();
  c->clear_state();
  c->clear_create_time();
  c->clear_update_time();
  c->clear_creator_id();
  c->clear_etag();
  c->clear_masked();
  c->clear_close_reason();
  for (v1::Contact& contact : *c->mutable_contacts()) {
    contact.clear_name();
    contact.clear_etag();
    contact.clear_create_time();
  }
}

const std::vector<std::string>& UpdatableCustomerFields() {
  static const auto* kFields =
      new std::vector<std::string>{"display_name",
                                   "credit_code",
                                   "province",
                                   "city",
                                   "industry",
                                   "address",
                                   "legal_representative",
                                   "business_scope",
                                   "company_size",
                                   "acquisition_channel",
                                   "lifecycle_status",
                                   "expected_signing_date",
                                   "importance"};
  return *kFields;
}

FieldViolations ValidateCustomerUpdate(
    const v1::Customer& patch, const std::vector<std::string>& mask_paths) {
  return ValidateUpdate(patch, mask_paths, patch.kind());
}

absl::Status ApplyCustomerUpdate(const v1::Customer& patch,
                                 const std::vector<std::string>& mask_paths,
                                 v1::Customer* target,
                                 std::vector<FieldChangeRecord>* changes) {
  // The stored kind decides which code is valid: kind is not updatable.
  CSM_RETURN_IF_ERROR(
      ValidateUpdate(patch, mask_paths, target->kind()).ToStatus());

  std::vector<FieldChangeRecord> records;
  for (absl::string_view path : DistinctPaths(mask_paths)) {
    std::string old_value, new_value;
    v1::PersonalDataKind personal = kNotPersonal;
    if (const StringField* f = FindStringField(path); f != nullptr) {
      old_value = f->Get(*target);
      new_value = f->Get(patch);
      personal = f->personal;
      f->Set(target, new_value);
    } else if (path == "credit_code") {
      old_value = target->credit_code();
      new_value = NormalizeCreditCode(patch.credit_code());
      personal = v1::PERSONAL_DATA_KIND_CREDIT_CODE;
      target->set_credit_code(new_value);
    } else if (path == "acquisition_channel") {
      old_value = EnumName(v1::AcquisitionChannel_descriptor(),
                           target->acquisition_channel());
      new_value = EnumName(v1::AcquisitionChannel_descriptor(),
                           patch.acquisition_channel());
      target->set_acquisition_channel(patch.acquisition_channel());
    } else if (path == "lifecycle_status") {
      old_value = EnumName(v1::LifecycleStatus_descriptor(),
                           target->lifecycle_status());
      new_value =
          EnumName(v1::LifecycleStatus_descriptor(), patch.lifecycle_status());
      target->set_lifecycle_status(patch.lifecycle_status());
    } else if (path == "expected_signing_date") {
      old_value = SigningDateText(*target);
      new_value = SigningDateText(patch);
      if (HasSigningDate(patch)) {
        *target->mutable_expected_signing_date() =
            patch.expected_signing_date();
      } else {
        target->clear_expected_signing_date();
      }
    } else if (path == "importance") {
      old_value = EnumName(v1::Importance_descriptor(), target->importance());
      new_value = EnumName(v1::Importance_descriptor(), patch.importance());
      target->set_importance(patch.importance());
    }
    if (old_value != new_value) {
      records.push_back({std::string(path), std::move(old_value),
                         std::move(new_value), personal});
    }
  }
  if (changes != nullptr) {
    changes->insert(changes->end(), std::make_move_iterator(records.begin()),
                    std::make_move_iterator(records.end()));
  }
  return absl::OkStatus();
}

FieldViolations ValidateContact(const v1::Contact& contact,
                                absl::string_view field_prefix) {
  FieldViolations v;
  ValidateContactDisplayName(contact, field_prefix, &v);
  ValidateContactTitle(contact, field_prefix, &v);
  ValidateContactPhones(contact, field_prefix, &v);
  ValidateContactEmail(contact, field_prefix, &v);
  if (!HasPhoneOrEmail(contact)) {
    v.Add(absl::StrCat(field_prefix, ".phones"),
          std::string(kNeedsPhoneOrEmail));
  }
  return v;
}

const std::vector<std::string>& UpdatableContactFields() {
  static const auto* kFields = new std::vector<std::string>{
      "display_name", "title", "phones", "email", "primary"};
  return *kFields;
}

FieldViolations ValidateContactUpdate(
    const v1::Contact& patch, const std::vector<std::string>& mask_paths) {
  constexpr absl::string_view kPrefix = "contact";
  FieldViolations v;
  const std::vector<std::string>& allowed = UpdatableContactFields();
  if (mask_paths.empty()) {
    v.Add("update_mask",
          absl::StrCat("is required: list the fields to change (",
                       absl::StrJoin(allowed, ", "), ")"));
    return v;
  }
  for (absl::string_view path : DistinctPaths(mask_paths)) {
    if (path == "display_name") {
      ValidateContactDisplayName(patch, kPrefix, &v);
    } else if (path == "title") {
      ValidateContactTitle(patch, kPrefix, &v);
    } else if (path == "phones") {
      ValidateContactPhones(patch, kPrefix, &v);
    } else if (path == "email") {
      ValidateContactEmail(patch, kPrefix, &v);
    } else if (path == "primary") {
      // Any value; a single primary per customer is kept by the caller.
    } else {
      AddNotUpdatable(path, allowed, &v);
    }
  }
  return v;
}

absl::Status ApplyContactUpdate(const v1::Contact& patch,
                                const std::vector<std::string>& mask_paths,
                                absl::string_view history_prefix,
                                v1::Contact* target,
                                std::vector<FieldChangeRecord>* changes) {
  CSM_RETURN_IF_ERROR(ValidateContactUpdate(patch, mask_paths).ToStatus());
  // Work on a copy so that a refused update leaves the target unchanged.
  v1::Contact updated = *target;
  std::vector<FieldChangeRecord> records;
  auto record = [&](absl::string_view path, std::string old_value,
                    std::string new_value,
                    v1::PersonalDataKind personal = kNotPersonal) {
    if (old_value != new_value) {
      records.push_back({absl::StrCat(history_prefix, ".", path),
                         std::move(old_value), std::move(new_value), personal});
    }
  };
  for (absl::string_view path : DistinctPaths(mask_paths)) {
    if (path == "display_name") {
      record(path, updated.display_name(), patch.display_name());
      updated.set_display_name(patch.display_name());
    } else if (path == "title") {
      record(path, updated.title(), patch.title());
      updated.set_title(patch.title());
    } else if (path == "phones") {
      record(path, JoinPhones(updated.phones()), JoinPhones(patch.phones()),
             v1::PERSONAL_DATA_KIND_PHONES);
      *updated.mutable_phones() = patch.phones();
    } else if (path == "email") {
      record(path, updated.email(), patch.email(),
             v1::PERSONAL_DATA_KIND_EMAIL);
      updated.set_email(patch.email());
    } else if (path == "primary") {
      record(path, updated.primary() ? "true" : "false",
             patch.primary() ? "true" : "false");
      updated.set_primary(patch.primary());
    }
  }
  if (!HasPhoneOrEmail(updated)) {
    return InvalidField("contact.phones", std::string(kNeedsPhoneOrEmail));
  }
  *target = std::move(updated);
  if (changes != nullptr) {
    changes->insert(changes->end(), std::make_move_iterator(records.begin()),
                    std::make_move_iterator(records.end()));
  }
  return absl::OkStatus();
}

std::string JoinPhones(
    const google::protobuf::RepeatedPtrField<std::string>& phones) {
  return absl::StrJoin(phones, ", ");
}

// ---------------------------------------------------------------------------
// Archive completeness.

Completeness ArchiveCompleteness(const v1::Customer& c) {
  Completeness result;
  auto count = [&result](bool filled) {
    ++result.total;
    if (filled) ++result.filled;
  };
  count(!IsBlank(c.display_name()));
  count(c.kind() != v1::CUSTOMER_KIND_UNSPECIFIED);
  count(!IsBlank(c.credit_code()));
  count(!IsBlank(c.province()));
  count(!IsBlank(c.city()));
  count(!IsBlank(c.industry()));
  count(!IsBlank(c.address()));
  // An individual has no legal representative, business scope or size.
  if (c.kind() != v1::CUSTOMER_KIND_INDIVIDUAL) {
    count(!IsBlank(c.legal_representative()));
    count(!IsBlank(c.business_scope()));
    count(!IsBlank(c.company_size()));
  }
  count(c.acquisition_channel() != v1::ACQUISITION_CHANNEL_UNSPECIFIED);
  count(std::any_of(
      c.contacts().begin(), c.contacts().end(), [](const v1::Contact& contact) {
        return std::any_of(contact.phones().begin(), contact.phones().end(),
                           [](const std::string& p) { return !IsBlank(p); });
      }));
  return result;
}

std::vector<std::string> FilledCompletenessFields(const v1::Customer& c) {
  auto any_contact = [&c](auto filled) {
    return std::any_of(c.contacts().begin(), c.contacts().end(), filled);
  };
  const std::pair<const char*, bool> fields[] = {
      {"acquisition_channel",
       c.acquisition_channel() != v1::ACQUISITION_CHANNEL_UNSPECIFIED},
      {"address", !IsBlank(c.address())},
      {"business_scope", !IsBlank(c.business_scope())},
      {"city", !IsBlank(c.city())},
      {"company_size", !IsBlank(c.company_size())},
      {"contact_email",
       any_contact([](const v1::Contact& k) { return !IsBlank(k.email()); })},
      {"contact_phone", any_contact([](const v1::Contact& k) {
         return std::any_of(k.phones().begin(), k.phones().end(),
                            [](const std::string& p) { return !IsBlank(p); });
       })},
      {"contact_title",
       any_contact([](const v1::Contact& k) { return !IsBlank(k.title()); })},
      {"credit_code", !IsBlank(c.credit_code())},
      {"display_name", !IsBlank(c.display_name())},
      {"industry", !IsBlank(c.industry())},
      {"kind", c.kind() != v1::CUSTOMER_KIND_UNSPECIFIED},
      {"legal_representative", !IsBlank(c.legal_representative())},
      {"province", !IsBlank(c.province())},
  };
  std::vector<std::string> out;
  for (const auto& [name, filled] : fields) {
    if (filled) out.emplace_back(name);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Archive numbers.

std::string FormatArchiveNumber(int year, int month, int64_t sequence) {
  return absl::StrFormat("KH%04d%02d-%06d", year, month, sequence);
}

// ---------------------------------------------------------------------------
// Transitions.

namespace {

void AddReasonViolations(absl::string_view field, absl::string_view reason,
                         FieldViolations* v) {
  if (IsBlank(reason)) {
    v->Add(std::string(field), "is required: say why");
  } else {
    CheckMaxLength(field, reason, kMaxReasonLength, v);
  }
}

// "GRADE_A" → "A", "CREDIT_RATING_AAA" → "AAA": how people say them.
std::string ShortEnumName(const google::protobuf::EnumDescriptor* descriptor,
                          int value, absl::string_view prefix) {
  std::string name = EnumName(descriptor, value);
  absl::string_view view = name;
  absl::ConsumePrefix(&view, prefix);
  return std::string(view);
}

}  // namespace

absl::Status CheckGradeChange(v1::Grade from, v1::Grade to,
                              absl::string_view reason) {
  FieldViolations v;
  if (to != v1::GRADE_A && to != v1::GRADE_B && to != v1::GRADE_C) {
    v.Add("grade", "must be GRADE_A, GRADE_B or GRADE_C");
  }
  AddReasonViolations("reason", reason, &v);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  if (from == to) {
    return absl::FailedPreconditionError(
        absl::StrCat("grade is already ",
                     ShortEnumName(v1::Grade_descriptor(), to, "GRADE_")));
  }
  return absl::OkStatus();
}

absl::Status CheckCreditRatingChange(v1::CreditRating from, v1::CreditRating to,
                                     absl::string_view reason) {
  FieldViolations v;
  if (to == v1::CREDIT_RATING_UNSPECIFIED || !v1::CreditRating_IsValid(to)) {
    v.Add("credit_rating",
          "must be one of CREDIT_RATING_AAA, CREDIT_RATING_AA, "
          "CREDIT_RATING_A, CREDIT_RATING_B, CREDIT_RATING_C");
  }
  AddReasonViolations("reason", reason, &v);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  if (from == to) {
    return absl::FailedPreconditionError(absl::StrCat(
        "credit rating is already ",
        ShortEnumName(v1::CreditRating_descriptor(), to, "CREDIT_RATING_")));
  }
  return absl::OkStatus();
}

absl::Status ValidateReason(absl::string_view field, absl::string_view reason) {
  FieldViolations v;
  AddReasonViolations(field, reason, &v);
  return v.ToStatus();
}

// ---------------------------------------------------------------------------
// Business dealings.

bool IsValidDate(const csm::common::v1::Date& date) {
  const int y = date.year();
  const int m = date.month();
  const int d = date.day();
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int days = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= days;
}

FieldViolations ValidateDealing(const v1::Dealing& dealing,
                                const csm::common::v1::Date& today) {
  FieldViolations v;
  if (dealing.kind() == v1::DEALING_KIND_UNSPECIFIED) {
    v.Add("dealing.kind",
          "is required: DEALING_KIND_PURCHASE, DEALING_KIND_SALE, "
          "DEALING_KIND_COOPERATION or DEALING_KIND_CONSULTATION");
  } else if (!v1::DealingKind_IsValid(dealing.kind())) {
    v.Add("dealing.kind", "is not a known dealing kind");
  }

  const csm::common::v1::Date& date = dealing.deal_date();
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) {
    v.Add("dealing.deal_date", "is required");
  } else if (!IsValidDate(date)) {
    v.Add("dealing.deal_date",
          absl::StrFormat("%04d-%02d-%02d is not a valid calendar date",
                          date.year(), date.month(), date.day()));
  } else if (std::tuple(date.year(), date.month(), date.day()) >
             std::tuple(today.year(), today.month(), today.day())) {
    v.Add("dealing.deal_date",
          absl::StrFormat("must not be in the future (today is %04d-%02d-%02d)",
                          today.year(), today.month(), today.day()));
  }

  if (dealing.amount_fen() < 0) {
    v.Add("dealing.amount_fen", "must not be negative");
  } else if (dealing.amount_fen() > kMaxDealingAmountFen) {
    v.Add("dealing.amount_fen",
          absl::StrCat("must be at most ", kMaxDealingAmountFen,
                       " fen (a hundred billion yuan)"));
  }
  CheckMaxLength("dealing.note", dealing.note(), kMaxDealingNoteLength, &v);
  return v;
}

}  // namespace csm::customer
