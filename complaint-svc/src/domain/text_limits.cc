#include "complaint-svc/src/domain/text_limits.h"

namespace csm::complaint {

std::span<const TextLimit* const> AllTextLimits() {
  using namespace limits;  // NOLINT: the table reads better unqualified
  static constexpr const TextLimit* kAll[] = {
      &kSubject,
      &kDescription,
      &kCustomerRequest,
      &kMatterReference,
      &kCustomerDisplayName,
      &kStaffId,
      &kDepartment,
      &kReason,
      &kInvestigationFindings,
      &kResolutionText,
      &kCustomerFeedback,
      &kReturnVisitNotes,
      &kFaultTitle,
      &kFaultLocation,
      &kFaultText,
      &kCategoryDisplayName,
      &kCalendarLabel,
      &kWorkingHours,
      &kStepNote,
  };
  return kAll;
}

}  // namespace csm::complaint
