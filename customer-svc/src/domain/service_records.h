// Rules of the two service records staff write about a customer:
//   - communication records (沟通记录 / 咨询记录 / 接待记录): every contact,
//     with any promise made in it (承诺在N天内解决);
//   - return visit records (客户回访记录): what the visit found, how
//     satisfied the customer was. Whether a visit counts and when the next one
//     is due is the schedule rule (visit_schedule.h).
//
// Pure: no I/O, no clock. "Now" and "today" (Asia/Shanghai, BusinessDate)
// are passed in.
#ifndef CSM_CUSTOMER_SVC_SRC_DOMAIN_SERVICE_RECORDS_H_
#define CSM_CUSTOMER_SVC_SRC_DOMAIN_SERVICE_RECORDS_H_

#include <cstddef>
#include <optional>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "csm/customer/v1/visits.pb.h"
#include "customer-svc/src/domain/text_limits.h"

namespace csm::customer {

// Free text of a record (summary, requests, opinions ...):
// kMaxRecordTextLength code points (text_limits.h).
// 承诺在N天内解决: N in [1, kMaxPromiseDays].
inline constexpr int kMaxPromiseDays = 365;
// A contact time this far ahead of the server's clock is the caller's clock
// running fast, not a contact in the future.
inline constexpr absl::Duration kContactClockSkew = absl::Minutes(5);
// How far back a contact may be recorded (as for visits).
inline constexpr int kMaxContactAgeYears = 5;

// Every problem of a communication to record at `now`, with field names
// under "communication.": channel, contact_time (required, not after
// now + kContactClockSkew, not more than kMaxContactAgeYears ago), summary
// (required), staff_id, customer_requests, and the optional promise: a
// description and exactly one of within_days (1..kMaxPromiseDays) or due_date
// (a real date, not before the contact's Shanghai date).
FieldViolations CommunicationViolations(
    const csm::customer::v1::Communication& communication, absl::Time now);

// The due date of a promise that passed CommunicationViolations: the
// contact's Shanghai date plus within_days, or the given due_date.
absl::CivilDay PromiseDueDate(const csm::customer::v1::CommunicationPromise& p,
                              absl::Time contact_time);

// Whether a promise in `state` due on `due`, kept on `today`, is kept late:
// it was found broken, or its due date has passed and the sweep has not
// got to it yet (the same promise, the same answer, whenever the sweep ran).
bool PromiseKeptLate(csm::customer::v1::PromiseState state, absl::CivilDay due,
                     absl::CivilDay today);

// Every problem of a visit to record on `today`, with field names under
// "visit.": method and satisfaction required and within their enums, the
// texts at most kMaxRecordTextLength, real dates, and the date rules of
// VisitDateViolations (an actual date not in the future ...). A missing
// actual date means today; a missing planned date is checked as the actual
// one (the API takes the plan's due date).
FieldViolations VisitViolations(const csm::customer::v1::Visit& visit,
                                absl::CivilDay today);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_DOMAIN_SERVICE_RECORDS_H_
