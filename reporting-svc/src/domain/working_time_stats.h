#ifndef CSM_REPORTING_SVC_DOMAIN_WORKING_TIME_STATS_H_
#define CSM_REPORTING_SVC_DOMAIN_WORKING_TIME_STATS_H_

// Exact statistics of working time in whole working minutes (first
// response, handling, holding times). The minutes come from complaint-svc's
// events, computed on its business calendar (common/business_calendar.h)
// with pauses excluded; reporting-svc never re-derives them.
//
// Values are kept as a histogram minute -> count, so a period's statistics
// are the merge of its days' histograms (pre-aggregated tables, no scan of
// events) and stay exact: no sampling, no buckets wider than a minute.
//
// Percentile method: nearest rank. With the n values sorted ascending, the
// p-th percentile (1 <= p <= 100) is the value at 1-based rank
// ceil(p * n / 100). p50 of {10, 20} is 10, p50 of {10, 20, 30} is 20, p90
// of 1..10 is 9; one value is every percentile; no value is no data.
// The mean is total / n rounded half up to hundredths of a minute.

#include <cstdint>
#include <map>
#include <optional>

#include "absl/status/status.h"
#include "csm/reporting/v1/report_common.pb.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

class MinutesHistogram {
 public:
  // Adds `count` values of `minutes` (a negative count retracts values
  // added before, when a complaint's facts are re-applied). INVALID_ARGUMENT
  // for negative minutes; FAILED_PRECONDITION when a retraction would take
  // a bucket below zero (nothing is changed then).
  absl::Status Add(int64_t minutes, int64_t count = 1);
  void Merge(const MinutesHistogram& other);

  int64_t count() const { return count_; }
  int64_t total() const { return total_; }
  // Non-empty buckets only, ascending.
  const std::map<int64_t, int64_t>& buckets() const { return buckets_; }

  // Nearest-rank percentile, 1 <= p <= 100; nullopt when empty or p is out
  // of range.
  std::optional<int64_t> Percentile(int p) const;

 private:
  std::map<int64_t, int64_t> buckets_;
  int64_t count_ = 0;
  int64_t total_ = 0;
};

struct WorkingMinutesStats {
  int64_t count = 0;
  int64_t total = 0;
  // Hundredths of a minute: 1234 is 12.34 minutes.
  int64_t mean_hundredths = 0;
  int64_t min = 0;
  int64_t p50 = 0;
  int64_t p90 = 0;
  int64_t max = 0;

  bool no_data() const { return count == 0; }
  friend bool operator==(const WorkingMinutesStats&,
                         const WorkingMinutesStats&) = default;
};

// All zero (no data) for an empty histogram.
WorkingMinutesStats Summarize(const MinutesHistogram& histogram);

// INTERNAL when the count does not fit the contract's int32.
absl::Status ToProto(const WorkingMinutesStats& stats,
                     rv1::WorkingMinutesStats* out);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_DOMAIN_WORKING_TIME_STATS_H_
