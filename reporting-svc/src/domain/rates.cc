#include "reporting-svc/src/domain/rates.h"

#include <cstdint>
#include <limits>
#include <optional>

#include "absl/strings/str_cat.h"

namespace csm::reporting {

int64_t DivideRoundHalfUp(int64_t numerator, int64_t denominator) {
  // (2n + d) / 2d in 128 bits: no overflow for any int64 inputs.
  const __int128 n = numerator;
  const __int128 d = denominator;
  return static_cast<int64_t>((2 * n + d) / (2 * d));
}

absl::StatusOr<Ratio> Ratio::Of(int64_t numerator, int64_t denominator) {
  if (numerator < 0 || denominator < 0 || numerator > denominator) {
    return absl::InternalError(
        absl::StrCat("a ratio needs 0 <= numerator <= denominator, got ",
                     numerator, "/", denominator));
  }
  return Ratio(numerator, denominator);
}

std::optional<int64_t> Ratio::PercentHundredths() const {
  if (no_data()) return std::nullopt;
  const __int128 scaled = static_cast<__int128>(numerator_) * 10000;
  const __int128 d = denominator_;
  return static_cast<int64_t>((2 * scaled + d) / (2 * d));
}

std::optional<double> Ratio::Percent() const {
  std::optional<int64_t> h = PercentHundredths();
  if (!h.has_value()) return std::nullopt;
  return static_cast<double>(*h) / 100.0;
}

std::optional<int64_t> Ratio::Billionths() const {
  if (no_data()) return std::nullopt;
  const __int128 scaled = static_cast<__int128>(numerator_) * 1000000000;
  return static_cast<int64_t>(scaled / denominator_);
}

absl::Status ToProto(const Ratio& ratio, rv1::Ratio* out) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (ratio.denominator() > kMax) {
    return absl::InternalError(
        absl::StrCat("ratio ", ratio.numerator(), "/", ratio.denominator(),
                     " does not fit the contract's int32 fields"));
  }
  out->set_numerator(static_cast<int32_t>(ratio.numerator()));
  out->set_denominator(static_cast<int32_t>(ratio.denominator()));
  out->set_percent(ratio.Percent().value_or(0.0));
  out->set_no_data(ratio.no_data());
  return absl::OkStatus();
}

}  // namespace csm::reporting
