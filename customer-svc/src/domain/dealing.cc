// Business dealings (业务往来).
#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "customer-svc/src/domain/customer_rules.h"

namespace csm::customer {

bool IsValidDate(const csm::common::v1::Date& date) {
  const int y = date.year();
  const int m = date.month();
  const int d = date.day();
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int days = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= days;
}

FieldViolations ValidateDealing(const v1::Dealing& dealing,
                                const csm::common::v1::Date& today) {
  FieldViolations v;
  if (dealing.kind() == v1::DEALING_KIND_UNSPECIFIED) {
    v.Add("dealing.kind",
          "is required: DEALING_KIND_PURCHASE, DEALING_KIND_SALE, "
          "DEALING_KIND_COOPERATION or DEALING_KIND_CONSULTATION");
  } else if (!v1::DealingKind_IsValid(dealing.kind())) {
    v.Add("dealing.kind", "is not a known dealing kind");
  }

  const csm::common::v1::Date& date = dealing.deal_date();
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) {
    v.Add("dealing.deal_date", "is required");
  } else if (!IsValidDate(date)) {
    v.Add("dealing.deal_date",
          absl::StrFormat("%04d-%02d-%02d is not a valid calendar date",
                          date.year(), date.month(), date.day()));
  } else if (std::tuple(date.year(), date.month(), date.day()) >
             std::tuple(today.year(), today.month(), today.day())) {
    v.Add("dealing.deal_date",
          absl::StrFormat("must not be in the future (today is %04d-%02d-%02d)",
                          today.year(), today.month(), today.day()));
  }

  if (dealing.amount_fen() < 0) {
    v.Add("dealing.amount_fen", "must not be negative");
  } else if (dealing.amount_fen() > kMaxDealingAmountFen) {
    v.Add("dealing.amount_fen",
          absl::StrCat("must be at most ", kMaxDealingAmountFen,
                       " fen (a hundred billion yuan)"));
  }
  CheckMaxLength("dealing.note", dealing.note(), kMaxDealingNoteLength, &v);
  return v;
}

}  // namespace csm::customer
