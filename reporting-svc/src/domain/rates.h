#ifndef CSM_REPORTING_SVC_DOMAIN_RATES_H_
#define CSM_REPORTING_SVC_DOMAIN_RATES_H_

// Ratios with an explicit "no data" (docs/reports.md, "Rates"): a share
// whose denominator is 0 is no data, never 0 % or 100 %. Exact: kept as two
// integers; the percent shown is rounded half up to 2 decimals from the
// integers, never through floating point.

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "csm/reporting/v1/report_common.pb.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

// round(numerator / denominator) for numerator >= 0, denominator > 0, halves
// rounded up (away from zero).
int64_t DivideRoundHalfUp(int64_t numerator, int64_t denominator);

class Ratio {
 public:
  // 0 / 0: no data.
  constexpr Ratio() = default;
  // INTERNAL unless 0 <= numerator <= denominator: a report definition that
  // counts a fact outside its own cohort is a bug, not data.
  static absl::StatusOr<Ratio> Of(int64_t numerator, int64_t denominator);

  int64_t numerator() const { return numerator_; }
  int64_t denominator() const { return denominator_; }
  bool no_data() const { return denominator_ == 0; }

  // Hundredths of a percent, rounded half up: 6667 for 2/3, 10000 for 1/1.
  std::optional<int64_t> PercentHundredths() const;
  // The same as a number (66.67); nullopt when no data.
  std::optional<double> Percent() const;
  // In billionths, rounded down (the staff ranking's values).
  std::optional<int64_t> Billionths() const;

  // Adds one fact to the cohort: counted in the denominator, and in the
  // numerator when `hit`.
  void Count(bool hit) {
    ++denominator_;
    if (hit) ++numerator_;
  }
  // The union of two disjoint cohorts.
  Ratio& operator+=(const Ratio& other) {
    numerator_ += other.numerator_;
    denominator_ += other.denominator_;
    return *this;
  }

  friend bool operator==(const Ratio&, const Ratio&) = default;

 private:
  constexpr Ratio(int64_t n, int64_t d) : numerator_(n), denominator_(d) {}
  int64_t numerator_ = 0;
  int64_t denominator_ = 0;
};

// INTERNAL when a count does not fit the contract's int32 (more than
// 2^31 - 1 facts in one figure: far beyond any period of this business).
absl::Status ToProto(const Ratio& ratio, rv1::Ratio* out);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_DOMAIN_RATES_H_
