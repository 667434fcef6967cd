// Rules of the customer archive (客户档案): validation of what callers send,
// normalisation for duplicate (重卡) detection, archive completeness, archive
// numbers, and the preconditions of grade, credit and ownership changes.
//
// Pure: no I/O, no clock. "Today" is passed in where a rule needs it.

#ifndef CSM_CUSTOMER_SVC_SRC_DOMAIN_CUSTOMER_RULES_H_
#define CSM_CUSTOMER_SVC_SRC_DOMAIN_CUSTOMER_RULES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/resource_id.h"
#include "common/status.h"
#include "common/text.h"
#include "csm/common/v1/common.pb.h"
#include "csm/customer/v1/customer.pb.h"
#include "customer-svc/src/domain/change_history.h"
#include "customer-svc/src/domain/text_limits.h"

namespace csm::customer {

// ---------------------------------------------------------------------------
// Text. Lengths in this service are counted in code points (CountCodePoints,
// common/text.h), so that 200 Chinese characters are 200, not 600; a blank
// value (IsBlank) counts as missing.

// Adds "must be at most N characters" on `field` when `value` has more than
// `max_length` code points.
void CheckMaxLength(absl::string_view field, absl::string_view value,
                    size_t max_length, FieldViolations* v);
// Adds "is required" on `field` when `value` is blank, else CheckMaxLength.
void CheckRequiredText(absl::string_view field, absl::string_view value,
                       size_t max_length, FieldViolations* v);

// A staff id (token subject, owner, team member): not blank, at most
// kMaxStaffIdLength characters.
bool IsValidStaffId(absl::string_view id);
// A team id is a resource id: IsValidResourceId (common/resource_id.h).

// A field-mask path as an error message may quote it: "\"grade\"" when it
// looks like a field path ([a-z][a-z0-9_.]*, at most 64), else a phrase.
// Error messages (and so logs) never echo free text a caller typed: it may
// be personal data in the wrong field.
std::string QuotedPath(absl::string_view path);

// ---------------------------------------------------------------------------
// Identifiers and contact details.

struct ParsedPhone {
  enum class Kind { kMobile, kLandline };
  Kind kind = Kind::kMobile;
  // Landline area code with its leading 0 ("010", "0755"); empty for mobiles.
  std::string area_code;
  // Mobile: the 11 digits. Landline: the 7 or 8 digit local number.
  std::string number;
  // Landline extension (分机), digits; may be empty.
  std::string extension;
};

// Recognises a Chinese phone number:
//   mobile   1[3-9]\d{9}, optionally after +86 / 86 / 0086, with spaces or
//            dashes anywhere ("+86 138-1234-5678");
//   landline 0\d{2,3}-?\d{7,8}(-\d{1,6})?, spaces ignored. The area code is
//            3 digits for 010 and 02x and 4 digits otherwise (the national
//            numbering plan), which also splits "01088886666" unambiguously;
//            the number does not start with 0 (that would be a doubled trunk
//            prefix).
std::optional<ParsedPhone> ParsePhone(absl::string_view phone);
bool IsValidPhone(absl::string_view phone);

// Canonical digits for comparing phones (duplicate detection): a mobile is
// its 11 digits (country code dropped), a landline area code + number. The
// extension is dropped on purpose: two archives reached through the same
// switchboard are likely the same customer. Unrecognised input: its digits.
std::string NormalizePhone(absl::string_view phone);
// NormalizePhone of each of the contact's phones, in order: what the store
// writes beside each phone and duplicate detection looks up (the store does
// not normalise on its own).
std::vector<std::string> NormalizedPhones(const v1::Contact& contact);

// Pragmatic address check (not RFC 5322): local@domain, ASCII, local part of
// atext characters and non-adjacent dots, domain of at least two
// LDH labels with an alphabetic TLD of 2+ letters, at most 254 characters.
bool IsValidEmail(absl::string_view email);

// Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters
// from 0-9 A-H J-N P-R T U W-Y (no I O S V Z), characters 3-8 the
// administrative division (digits), and the last one the check character:
// 31 - (Σ value(c_i) × w_i mod 31), with 31 → 0, for weights
// 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28. Letters are accepted in
// either case; store NormalizeCreditCode(code).
bool IsValidUnifiedSocialCreditCode(absl::string_view code);

// Resident ID number (公民身份号码, GB 11643-1999): 17 digits and a check
// character (0-9 or X, either case) from weights
// 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 mod 11, the first digit non-zero, and
// a real calendar birth date YYYYMMDD at characters 7-14 with the year in
// 1900..2099 (no clock here: the caller may further compare it with today).
// The 15-digit first-generation numbers are retired and rejected.
bool IsValidResidentId(absl::string_view id);

// The stored form of a credit code or ID number: trimmed, ASCII upper case,
// so that uniqueness per kind is not fooled by a lower-case x.
std::string NormalizeCreditCode(absl::string_view code);

// Key for likely-duplicate detection of customer names (重卡): full-width
// ASCII (U+FF01..U+FF5E) and U+3000 folded to half-width, ASCII lower-cased,
// whitespace and punctuation (ASCII and common CJK: （）【】、，。·《》“” …)
// dropped, then legal-form suffixes (股份有限公司, 有限责任公司, 有限公司,
// 集团, 公司 …) stripped from the end, repeatedly ("某某集团有限公司" →
// "某某"), but never down to nothing.
std::string NormalizeName(absl::string_view name);

// ---------------------------------------------------------------------------
// Customers and contacts.
//
// Field paths in violations are the proto's, with indexes in brackets:
// "customer.contacts[0].phones[1]".

// Maximum lengths, in code points: text_limits.h.
inline constexpr int64_t kMaxDealingAmountFen = 10'000'000'000'000;  // 1e13

// Validates a customer for CreateCustomer; violations are prefixed
// "customer.". Rules:
//  - display_name required, at most 200 characters;
//  - kind required and known;
//  - credit_code: enterprises and institutions must give a valid unified
//    social credit code; for individuals a resident ID number is optional
//    but validated when given;
//  - team required, a team id ([a-z0-9-]{1,63}); owner_id, when given, a
//    staff id (at most 128 characters); province and city at most 32
//    characters, address 500, business_scope 2000, other strings 200;
//  - enums known; UNSPECIFIED is allowed for acquisition_channel,
//    lifecycle_status (the caller defaults it to PROSPECT), grade (the
//    caller defaults it to C), credit_rating and importance;
//  - expected_signing_date, when given, a real date;
//  - at least one contact, each valid per ValidateContact, at most one
//    primary.
// Output-only fields (name, archive_number, department, state, create_time,
// update_time, creator_id, etag, masked, close_reason, contact names, etags
// and create times) are NOT rejected: per AIP-203 output-only fields in a
// request are ignored. The caller clears them with ClearOutputOnlyFields
// before storing.
FieldViolations ValidateNewCustomer(const v1::Customer& customer);

// Clears what a client may send but must not set (see ValidateNewCustomer).
void ClearOutputOnlyFields(v1::Customer* customer);

// The UpdateCustomer field mask paths, in the proto's order.
const std::vector<std::string>& UpdatableCustomerFields();

// Validates an UpdateCustomer request: the mask must be non-empty and name
// only updatable fields (violations on "update_mask"); the masked fields'
// new values follow the creation rules (violations prefixed "customer.").
// kind is immutable and therefore not updatable. The credit code is checked
// against patch.kind() when the client sent it, otherwise it must be either
// a credit code or an ID number; ApplyCustomerUpdate checks it against the
// stored kind.
FieldViolations ValidateCustomerUpdate(
    const v1::Customer& patch, const std::vector<std::string>& mask_paths);

// Copies the masked fields from `patch` into `target` and appends one record
// per field whose value actually changed (`changes` may be null). Validates
// first (ValidateCustomerUpdate) and also checks the credit code against the
// target's kind; on error `target` is unchanged. The credit code is stored
// normalised (NormalizeCreditCode).
absl::Status ApplyCustomerUpdate(const v1::Customer& patch,
                                 const std::vector<std::string>& mask_paths,
                                 v1::Customer* target,
                                 std::vector<FieldChangeRecord>* changes);

// Validates one contact; `field_prefix` names it without a trailing dot
// ("contact", "customer.contacts[2]"). display_name required (at most 100),
// title at most 200, each phone valid and at most 40 characters (at most 10
// phones), email valid when given (at most 254), and at least one phone or
// email. Uniqueness of the primary flag is a rule
// of the customer, not of one contact.
FieldViolations ValidateContact(const v1::Contact& contact,
                                absl::string_view field_prefix);

// The UpdateContact field mask paths.
const std::vector<std::string>& UpdatableContactFields();

// Validates an UpdateContact request (violations on "update_mask" and
// "contact.<field>").
FieldViolations ValidateContactUpdate(
    const v1::Contact& patch, const std::vector<std::string>& mask_paths);

// Copies the masked contact fields into `target`, recording changes as
// "<history_prefix>.<field>" (e.g. "contacts/7.phones"); phones are recorded
// joined with ", " (see JoinPhones), phones and email as personal data. Fails
// with INVALID_ARGUMENT if the result would have neither phone nor email;
// `target` is then unchanged.
absl::Status ApplyContactUpdate(const v1::Contact& patch,
                                const std::vector<std::string>& mask_paths,
                                absl::string_view history_prefix,
                                v1::Contact* target,
                                std::vector<FieldChangeRecord>* changes);

// "13812345678, 010-88886666": how a phone list is written in history.
std::string JoinPhones(const google::protobuf::RepeatedPtrField<std::string>&);

// ---------------------------------------------------------------------------
// Archive completeness (客户档案完备率).

struct Completeness {
  int filled = 0;
  int total = 0;

  friend bool operator==(const Completeness&, const Completeness&) = default;
};

// Required fields of a complete archive, each counting one:
//   display_name, kind, credit_code, province, city, industry, address,
//   legal_representative*, business_scope*, company_size*,
//   acquisition_channel, and at least one contact with a phone.
// (*) Only for organisations: an individual has no legal representative,
// business scope or size, so those are not counted (total 9 instead of 12).
// Blank strings and UNSPECIFIED enums are not filled.
Completeness ArchiveCompleteness(const v1::Customer& customer);

// The completeness vocabulary reporting-svc applies its configurable rule
// to (events' CustomerSnapshot.filled_fields): the names of the fields
// above that are filled, whatever the kind, plus contact_email and
// contact_title (some contact has one), sorted. Names only, never values.
std::vector<std::string> FilledCompletenessFields(const v1::Customer& customer);

// ---------------------------------------------------------------------------
// Archive numbers (客户编号): "KH" + yyyymm + "-" + sequence, zero-padded to
// six digits and growing beyond when the month's sequence overflows:
// FormatArchiveNumber(2026, 11, 42) == "KH202611-000042". `sequence` >= 1.
std::string FormatArchiveNumber(int year, int month, int64_t sequence);

// ---------------------------------------------------------------------------
// Transitions.

// ChangeGrade: `to` must be A, B or C and `reason` is required (at most 500
// characters): INVALID_ARGUMENT with field violations on "grade" and
// "reason". Then FAILED_PRECONDITION "grade is already A" when from == to.
absl::Status CheckGradeChange(v1::Grade from, v1::Grade to,
                              absl::string_view reason);

// ChangeCreditRating: same shape; `to` must be a known rating (AAA..C).
absl::Status CheckCreditRatingChange(v1::CreditRating from, v1::CreditRating to,
                                     absl::string_view reason);

// A reason (transfer of ownership, close, reopen, grade, credit): required,
// not blank, at most 500 characters. INVALID_ARGUMENT on `field` otherwise.
absl::Status ValidateReason(absl::string_view field, absl::string_view reason);

// ---------------------------------------------------------------------------
// Business dealings (业务往来).

// True for a real calendar date (Gregorian, year 1900..9999).
bool IsValidDate(const csm::common::v1::Date& date);

// Validates a dealing (violations prefixed "dealing."): kind known and
// specified; deal_date a valid date not after `today` (Asia/Shanghai, from
// the caller's clock); amount_fen in [0, 10^13] (a hundred billion yuan; 0
// for consultations); note at most 1000 characters.
FieldViolations ValidateDealing(const v1::Dealing& dealing,
                                const csm::common::v1::Date& today);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_DOMAIN_CUSTOMER_RULES_H_
