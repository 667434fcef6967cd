#ifndef CSM_COMPLAINT_SVC_DOMAIN_COMPLAINT_NUMBER_H_
#define CSM_COMPLAINT_SVC_DOMAIN_COMPLAINT_NUMBER_H_

// Complaint numbers: "TS" + yyyymm (the Asia/Shanghai month of
// registration) + "-" + a 6-digit sequence per month, e.g. TS202611-000042.

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace csm::complaint {

// "202611": the key of the per-month counter.
std::string ComplaintNumberPeriod(absl::Time register_time);
std::string FormatComplaintNumber(absl::Time register_time, int64_t sequence);

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_DOMAIN_COMPLAINT_NUMBER_H_
