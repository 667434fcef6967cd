// ChangeGrade (客户分级 A/B/C) and ChangeCreditRating (信用等级): one
// skeleton, the difference as data: who may, the field, its history table
// and event, and what follows (a grade moves the open visit plans).
#include <string>
#include <utility>
#include <vector>

#include "common/etag.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/customer_use_cases.h"
#include "customer-svc/src/app/visit_use_cases.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/text_limits.h"

namespace csm::customer::app {
namespace {

namespace ev = ::csm::events::v1;

// One rated field of an archive.
template <typename Value, typename Request>
struct Rating {
  absl::string_view method;
  ArchiveRight right;
  const char* field;  // the history entry's field
  Value (*get)(const v1::Customer&);
  void (*set)(v1::Customer*, Value);
  Value (*wanted)(const Request&);
  absl::Status (*check)(Value from, Value to, absl::string_view reason);
  const std::string& (*name)(Value);
  // More input checks of the request, if any.
  absl::Status (*validate)(const Request&);
  // Its own history row and event, inside the transaction.
  absl::Status (*record)(ArchiveScope&, const Request&, Value from);
};

template <typename Value, typename Request>
absl::Status ChangeRating(Backend& b, const CallContext& call,
                          const Request& req,
                          const Rating<Value, Request>& rating,
                          v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       CustomerStore::ParseCustomerName(req.name(), "name"));
  CSM_ASSIGN_OR_RETURN(const int64_t expected, ParseEtag(req.etag(), "etag"));
  // Input errors first, before any lookup (from == to is checked below).
  absl::Status input = rating.check(Value{}, rating.wanted(req), req.reason());
  if (!input.ok() && absl::IsInvalidArgument(input)) return input;
  if (rating.validate != nullptr) CSM_RETURN_IF_ERROR(rating.validate(req));
  const ArchiveMutation m{rating.method, rating.right, true, expected};
  return MutateArchive(
      b, call, req, req.request_id(), id, m, resp,
      [&](ArchiveScope& s) -> absl::Status {
        const Value from = rating.get(s.customer);
        const Value to = rating.wanted(req);
        CSM_RETURN_IF_ERROR(rating.check(from, to, req.reason()));
        rating.set(&s.customer, to);
        s.changes = {{rating.field, rating.name(from), rating.name(to)}};
        return rating.record(s, req, from);
      });
}

absl::Status RecordGrade(ArchiveScope& s, const v1::ChangeGradeRequest& req,
                         v1::Grade from) {
  CSM_RETURN_IF_ERROR(s.backend.customers.InsertGradeChange(
      s.conn, s.id, from, req.grade(), req.reason(), s.call.principal,
      s.call.start));
  auto* event = AddEvent<ev::CustomerGradeChanged>(s);
  event->set_from_grade(v1::Grade_Name(from));
  event->set_to_grade(v1::Grade_Name(req.grade()));
  event->set_reason(req.reason());
  // A grade may tighten the visit schedule (客户分级): the open visit plans
  // follow the new grade in the same transaction.
  s.then = [&s]() -> absl::Status {
    CSM_ASSIGN_OR_RETURN(std::vector<PlanMove> moves,
                         RescheduleArchivePlans(s.backend, s.conn, s.id));
    return AppendPlanMoves(s.conn, s.backend.outbox, s.call, moves, "grade");
  };
  return absl::OkStatus();
}

absl::Status RecordCreditRating(ArchiveScope& s,
                                const v1::ChangeCreditRatingRequest& req,
                                v1::CreditRating from) {
  CSM_RETURN_IF_ERROR(s.backend.customers.InsertCreditRatingChange(
      s.conn, s.id, from, req.credit_rating(), req.reason(), req.assessment(),
      s.call.principal, s.call.start));
  auto* event = AddEvent<ev::CustomerCreditRatingChanged>(s);
  event->set_from_rating(v1::CreditRating_Name(from));
  event->set_to_rating(v1::CreditRating_Name(req.credit_rating()));
  event->set_reason(req.reason());
  return absl::OkStatus();
}

// 信用评估: the assessment texts are bounded like every text.
absl::Status ValidateAssessment(const v1::ChangeCreditRatingRequest& req) {
  const v1::CreditAssessment& a = req.assessment();
  FieldViolations v;
  CheckMaxLength("assessment.payment_behaviour", a.payment_behaviour(),
                 kMaxAssessmentTextLength, &v);
  CheckMaxLength("assessment.capital", a.capital(), kMaxAssessmentTextLength,
                 &v);
  CheckMaxLength("assessment.operating_status", a.operating_status(),
                 kMaxAssessmentTextLength, &v);
  return v.ToStatus();
}

const Rating<v1::Grade, v1::ChangeGradeRequest> kGrade{
    "ChangeGrade",
    ArchiveRight::kMaintain,
    "grade",
    [](const v1::Customer& c) { return c.grade(); },
    [](v1::Customer* c, v1::Grade g) { c->set_grade(g); },
    [](const v1::ChangeGradeRequest& r) { return r.grade(); },
    &CheckGradeChange,
    [](v1::Grade g) -> const std::string& { return v1::Grade_Name(g); },
    nullptr,
    &RecordGrade};

const Rating<v1::CreditRating, v1::ChangeCreditRatingRequest> kCreditRating{
    "ChangeCreditRating",
    ArchiveRight::kSupervise,
    "credit_rating",
    [](const v1::Customer& c) { return c.credit_rating(); },
    [](v1::Customer* c, v1::CreditRating r) { c->set_credit_rating(r); },
    [](const v1::ChangeCreditRatingRequest& r) { return r.credit_rating(); },
    &CheckCreditRatingChange,
    [](v1::CreditRating r) -> const std::string& {
      return v1::CreditRating_Name(r);
    },
    &ValidateAssessment,
    &RecordCreditRating};

}  // namespace

absl::Status ChangeGrade(Backend& b, const CallContext& call,
                         const v1::ChangeGradeRequest& req,
                         v1::Customer* resp) {
  return ChangeRating(b, call, req, kGrade, resp);
}

absl::Status ChangeCreditRating(Backend& b, const CallContext& call,
                                const v1::ChangeCreditRatingRequest& req,
                                v1::Customer* resp) {
  return ChangeRating(b, call, req, kCreditRating, resp);
}

}  // namespace csm::customer::app
