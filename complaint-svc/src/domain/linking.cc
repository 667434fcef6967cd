#include "complaint-svc/src/domain/linking.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/text.h"
#include "complaint-svc/src/domain/complaint_state_machine.h"

namespace csm::complaint {
namespace {

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
  for (const CodePoint& c : DecodeUtf8(subject)) {
    char32_t cp = c.value;
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
  for (const CodePoint& c : DecodeUtf8(reference)) {
    char32_t cp = c.value;
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
