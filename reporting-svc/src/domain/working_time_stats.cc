#include "reporting-svc/src/domain/working_time_stats.h"

#include <cstdint>
#include <limits>
#include <optional>

#include "absl/strings/str_cat.h"
#include "reporting-svc/src/domain/rates.h"

namespace csm::reporting {

absl::Status MinutesHistogram::Add(int64_t minutes, int64_t count) {
  if (minutes < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("working minutes cannot be negative: ", minutes));
  }
  if (count == 0) return absl::OkStatus();
  auto it = buckets_.find(minutes);
  const int64_t now = (it == buckets_.end() ? 0 : it->second) + count;
  if (now < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("retracting ", -count, " values of ", minutes,
                     " minutes, but only ", now - count, " were added"));
  }
  if (now == 0) {
    buckets_.erase(it);
  } else {
    buckets_[minutes] = now;
  }
  count_ += count;
  total_ += minutes * count;
  return absl::OkStatus();
}

void MinutesHistogram::Merge(const MinutesHistogram& other) {
  for (const auto& [minutes, count] : other.buckets_) {
    buckets_[minutes] += count;
  }
  count_ += other.count_;
  total_ += other.total_;
}

std::optional<int64_t> MinutesHistogram::Percentile(int p) const {
  if (count_ == 0 || p < 1 || p > 100) return std::nullopt;
  // ceil(p * n / 100) in integers.
  const int64_t rank = (static_cast<int64_t>(p) * count_ + 99) / 100;
  int64_t seen = 0;
  for (const auto& [minutes, count] : buckets_) {
    seen += count;
    if (seen >= rank) return minutes;
  }
  return buckets_.rbegin()->first;  // Unreachable: seen reaches count_.
}

WorkingMinutesStats Summarize(const MinutesHistogram& histogram) {
  WorkingMinutesStats s;
  if (histogram.count() == 0) return s;
  s.count = histogram.count();
  s.total = histogram.total();
  s.mean_hundredths = DivideRoundHalfUp(s.total * 100, s.count);
  s.min = histogram.buckets().begin()->first;
  s.max = histogram.buckets().rbegin()->first;
  s.p50 = *histogram.Percentile(50);
  s.p90 = *histogram.Percentile(90);
  return s;
}

absl::Status ToProto(const WorkingMinutesStats& stats,
                     rv1::WorkingMinutesStats* out) {
  if (stats.count > std::numeric_limits<int32_t>::max()) {
    return absl::InternalError(absl::StrCat(
        stats.count, " values do not fit the contract's int32 count"));
  }
  out->set_count(static_cast<int32_t>(stats.count));
  out->set_total_working_minutes(stats.total);
  out->set_mean_working_minutes(static_cast<double>(stats.mean_hundredths) /
                                100.0);
  out->set_min_working_minutes(stats.min);
  out->set_p50_working_minutes(stats.p50);
  out->set_p90_working_minutes(stats.p90);
  out->set_max_working_minutes(stats.max);
  out->set_no_data(stats.no_data());
  return absl::OkStatus();
}

}  // namespace csm::reporting
