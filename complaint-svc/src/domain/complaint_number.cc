#include "complaint-svc/src/domain/complaint_number.h"

#include "absl/strings/str_format.h"
#include "common/business_calendar.h"
#include "common/business_time.h"

namespace csm::complaint {

std::string ComplaintNumberPeriod(absl::Time register_time) {
  const absl::CivilSecond local =
      absl::ToCivilSecond(register_time, BusinessTimeZone());
  return absl::StrFormat("%04d%02d", local.year(), local.month());
}

std::string FormatComplaintNumber(absl::Time register_time, int64_t sequence) {
  return absl::StrFormat("TS%s-%06d", ComplaintNumberPeriod(register_time),
                         sequence);
}

}  // namespace csm::complaint
