#ifndef CSM_COMPLAINT_SVC_DOMAIN_LINKING_H_
#define CSM_COMPLAINT_SVC_DOMAIN_LINKING_H_

// The "same matter" rule (不应让客户打第二次电话): a new registration is the
// same matter as an OPEN complaint (not CLOSED, not REJECTED) of the same
// customer, registered within the look-back window (kSameMatterLookBack,
// 30 days), when
//   (a) both give a matter_reference and the references are equal after
//       trimming and case folding ("SO-2026-001" == " so-2026-001 "), or
//   (b) neither gives one, the categories are equal, and the subjects are
//       equal after normalisation (NormalizeSubject: ASCII case folded,
//       full-width forms to half-width, whitespace and punctuation, ASCII and
//       CJK, removed: "包装 破损！" == "包装破损").
// A reference on one side only is not the same matter: the reference is the
// stronger identity, and guessing would merge two orders' complaints. When
// several open complaints match, the newest wins (the most recent contact
// is the one the customer is calling about). The caller links instead of
// opening a new complaint.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "csm/complaint/v1/complaint.pb.h"

namespace csm::complaint {

namespace v1 = ::csm::complaint::v1;

inline constexpr absl::Duration kSameMatterLookBack = absl::Hours(24 * 30);

std::string NormalizeSubject(absl::string_view subject);
std::string NormalizeMatterReference(absl::string_view reference);

// What the rule needs of an existing complaint.
struct OpenComplaintFacts {
  int64_t id = 0;
  v1::ComplaintState state = v1::COMPLAINT_STATE_UNSPECIFIED;
  std::string category;
  std::string normalized_subject;
  std::string normalized_matter_reference;
  absl::Time create_time;
};

struct NewRegistrationFacts {
  std::string category;
  std::string subject;
  std::string matter_reference;
};

struct SameMatter {
  int64_t id = 0;
  // "same matter_reference" / "same category and subject".
  std::string reason;
};

// `candidates` are the customer's complaints (any state; the rule filters).
std::optional<SameMatter> FindSameMatter(
    const NewRegistrationFacts& registration,
    const std::vector<OpenComplaintFacts>& candidates, absl::Time now);

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_DOMAIN_LINKING_H_
