#include "customer-svc/src/domain/service_records.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/business_time.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/visit_schedule.h"

namespace csm::customer {
namespace {

namespace v1 = ::csm::customer::v1;

void CheckText(const std::string& field, absl::string_view value, bool required,
               FieldViolations* v) {
  if (required && IsBlank(value)) {
    v->Add(field, "is required");
  } else if (value.size() > kMaxRecordTextLength &&
             CountCodePoints(value) > kMaxRecordTextLength) {
    v->Add(field, absl::StrCat("must be at most ", kMaxRecordTextLength,
                               " characters, got ", CountCodePoints(value)));
  }
}

// A proto date that names a real day, or nothing.
std::optional<absl::CivilDay> RealDay(const csm::common::v1::Date& d) {
  if (!IsValidDate(d)) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = FromProtoDate(d);
  if (!day.ok()) return std::nullopt;
  return *day;
}

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

}  // namespace

FieldViolations CommunicationViolations(const v1::Communication& c,
                                        absl::Time now) {
  FieldViolations v;
  if (c.channel() == v1::COMMUNICATION_CHANNEL_UNSPECIFIED ||
      !v1::CommunicationChannel_IsValid(c.channel())) {
    v.Add("communication.channel",
          "is required: COMMUNICATION_CHANNEL_PHONE, _VISIT, _EMAIL, _SMS, "
          "_ON_SITE or _OTHER");
  }
  if (!c.staff_id().empty() && !IsValidStaffId(c.staff_id())) {
    v.Add("communication.staff_id",
          absl::StrCat("a staff id of at most ", kMaxStaffIdLength,
                       " characters, or empty for the caller"));
  }
  std::optional<absl::Time> contact;
  if (!c.has_contact_time()) {
    v.Add("communication.contact_time", "is required: when the contact was");
  } else if (c.contact_time().nanos() < 0 ||
             c.contact_time().nanos() > 999'999'999) {
    v.Add("communication.contact_time", "is not a valid timestamp");
  } else {
    const absl::Time t = FromProtoTimestamp(c.contact_time());
    const absl::CivilDay earliest =
        AddMonthsClamped(BusinessDate(now), -12 * kMaxContactAgeYears);
    if (t > now + kContactClockSkew) {
      v.Add("communication.contact_time",
            absl::StrCat(
                "must not be in the future: it is ",
                absl::FormatTime(absl::RFC3339_sec, now, BusinessTimeZone()),
                " now"));
    } else if (BusinessDate(t) < earliest) {
      v.Add("communication.contact_time",
            absl::StrFormat("must not be more than %d years ago",
                            kMaxContactAgeYears));
    } else {
      contact = t;
    }
  }
  CheckText("communication.summary", c.summary(), true, &v);
  CheckText("communication.customer_requests", c.customer_requests(), false,
            &v);
  if (c.has_promise()) {
    const v1::CommunicationPromise& p = c.promise();
    CheckText("communication.promise.description", p.description(), true, &v);
    if (p.within_days() != 0 && p.has_due_date()) {
      v.Add("communication.promise",
            "give either within_days or due_date, not both");
    } else if (p.within_days() == 0 && !p.has_due_date()) {
      v.Add("communication.promise",
            "say when: within_days (承诺在N天内解决) or due_date");
    } else if (p.within_days() != 0) {
      if (p.within_days() < 1 || p.within_days() > kMaxPromiseDays) {
        v.Add("communication.promise.within_days",
              absl::StrFormat("must be between 1 and %d days, got %d",
                              kMaxPromiseDays, p.within_days()));
      }
    } else {
      const std::optional<absl::CivilDay> due = RealDay(p.due_date());
      if (!due.has_value()) {
        v.Add("communication.promise.due_date", "is not a real date");
      } else if (contact.has_value() && *due < BusinessDate(*contact)) {
        v.Add("communication.promise.due_date",
              absl::StrCat("must not be before the contact's date ",
                           Day(BusinessDate(*contact)), ", got ", Day(*due)));
      }
    }
  }
  return v;
}

absl::CivilDay PromiseDueDate(const v1::CommunicationPromise& p,
                              absl::Time contact_time) {
  if (p.within_days() != 0) {
    return BusinessDate(contact_time) + p.within_days();
  }
  return RealDay(p.due_date()).value_or(BusinessDate(contact_time));
}

bool PromiseKeptLate(v1::PromiseState state, absl::CivilDay due,
                     absl::CivilDay today) {
  return state == v1::PROMISE_STATE_BROKEN ||
         (state == v1::PROMISE_STATE_OPEN && today > due);
}

FieldViolations VisitViolations(const v1::Visit& visit, absl::CivilDay today) {
  FieldViolations v;
  if (visit.method() == v1::VISIT_METHOD_UNSPECIFIED ||
      !v1::VisitMethod_IsValid(visit.method())) {
    v.Add("visit.method",
          "is required: VISIT_METHOD_PHONE, _EMAIL, _FACE_TO_FACE or _SMS");
  }
  if (visit.satisfaction() == csm::common::v1::SATISFACTION_UNSPECIFIED) {
    v.Add("visit.satisfaction",
          "is required: the customer's satisfaction (满意 … 非常不满意)");
  } else if (!csm::common::v1::Satisfaction_IsValid(visit.satisfaction())) {
    v.Add("visit.satisfaction",
          absl::StrCat("must be on the five-point scale "
                       "(SATISFACTION_SATISFIED … "
                       "SATISFACTION_VERY_DISSATISFIED), got ",
                       visit.satisfaction()));
  }
  CheckText("visit.customer_opinions", visit.customer_opinions(), false, &v);
  CheckText("visit.customer_requests", visit.customer_requests(), false, &v);
  CheckText("visit.countermeasures", visit.countermeasures(), false, &v);
  CheckText("visit.next_action", visit.next_action(), false, &v);

  std::optional<absl::CivilDay> actual = today;
  std::optional<absl::CivilDay> planned;
  if (visit.has_actual_date()) {
    actual = RealDay(visit.actual_date());
    if (!actual.has_value()) v.Add("visit.actual_date", "is not a real date");
  }
  if (visit.has_planned_date()) {
    planned = RealDay(visit.planned_date());
    if (!planned.has_value()) {
      v.Add("visit.planned_date", "is not a real date");
    }
  }
  if (actual.has_value() &&
      (planned.has_value() || !visit.has_planned_date())) {
    for (VisitFieldViolation& f :
         VisitDateViolations(planned.value_or(*actual), *actual, today)) {
      v.Add(std::move(f.field), std::move(f.description));
    }
  }
  return v;
}

}  // namespace csm::customer
