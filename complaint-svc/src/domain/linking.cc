#include "complaint-svc/src/domain/linking.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "complaint-svc/src/domain/complaint_state_machine.h"

namespace csm::complaint {
namespace {

// Decodes one UTF-8 code point at s[*i]; invalid bytes come back as
// themselves (so normalisation never loses or throws).
char32_t NextCodePoint(absl::string_view s, size_t* i) {
  const unsigned char c = static_cast<unsigned char>(s[*i]);
  int len = 1;
  char32_t cp = c;
  if (c >= 0xF0 && c < 0xF8) {
    len = 4;
    cp = c & 0x07;
  } else if (c >= 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xC0) {
    len = 2;
    cp = c & 0x1F;
  }
  if (len == 1 || *i + len > s.size()) {
    *i += 1;
    return c;
  }
  for (int k = 1; k < len; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  }
  *i += len;
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsSpaceOrPunct(char32_t cp) {
  if (cp < 0x80) {
    return absl::ascii_isspace(static_cast<unsigned char>(cp)) ||
           absl::ascii_ispunct(static_cast<unsigned char>(cp));
  }
  return (cp >= 0x2000 && cp <= 0x206F) ||  // General punctuation: “” … —
         (cp >= 0x3000 && cp <= 0x303F) ||  // CJK punctuation: 、。「」【】
         (cp >= 0xFE30 && cp <= 0xFE4F) ||  // CJK compatibility forms
         cp == 0x00A0 || cp == 0x00B7;      // no-break space, middle dot
}

}  // namespace

std::string NormalizeSubject(absl::string_view subject) {
  std::string out;
  size_t i = 0;
  while (i < subject.size()) {
    char32_t cp = NextCodePoint(subject, &i);
    // Full-width ASCII (！ Ａ １) to half-width.
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    if (cp == 0x3000) cp = ' ';
    if (IsSpaceOrPunct(cp)) continue;
    if (cp < 0x80) cp = absl::ascii_tolower(static_cast<unsigned char>(cp));
    AppendUtf8(cp, &out);
  }
  return out;
}

std::string NormalizeMatterReference(absl::string_view reference) {
  std::string out;
  size_t i = 0;
  while (i < reference.size()) {
    char32_t cp = NextCodePoint(reference, &i);
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    if (cp == 0x3000) cp = ' ';
    if (cp < 0x80) cp = absl::ascii_tolower(static_cast<unsigned char>(cp));
    AppendUtf8(cp, &out);
  }
  return std::string(absl::StripAsciiWhitespace(out));
}

std::optional<SameMatter> FindSameMatter(
    const NewRegistrationFacts& registration,
    const std::vector<OpenComplaintFacts>& candidates, absl::Time now) {
  const std::string ref =
      NormalizeMatterReference(registration.matter_reference);
  const std::string subject = NormalizeSubject(registration.subject);
  const OpenComplaintFacts* best = nullptr;
  std::string reason;
  for (const OpenComplaintFacts& c : candidates) {
    if (!ComplaintStateMachine::IsOpen(c.state)) continue;
    if (c.create_time < now - kSameMatterLookBack) continue;
    std::string why;
    if (!ref.empty()) {
      if (c.normalized_matter_reference != ref) continue;
      why = absl::StrCat("same matter_reference \"", ref, "\"");
    } else {
      if (!c.normalized_matter_reference.empty()) continue;
      if (c.category != registration.category) continue;
      if (subject.empty() || c.normalized_subject != subject) continue;
      why = absl::StrCat("same category \"", c.category, "\" and same subject");
    }
    if (best == nullptr || c.create_time > best->create_time ||
        (c.create_time == best->create_time && c.id > best->id)) {
      best = &c;
      reason = std::move(why);
    }
  }
  if (best == nullptr) return std::nullopt;
  return SameMatter{best->id, reason};
}

}  // namespace csm::complaint
