// Deadline arithmetic runs on every complaint write and every report row:
// these measure its cost per call on the shipped China calendar.

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "common/business_calendar.h"
#include "common/business_time.h"

namespace csm {
namespace {

const BusinessCalendar& Calendar() {
  static const BusinessCalendar* const kCalendar = [] {
    absl::StatusOr<BusinessCalendar> cal = ChinaBusinessCalendar();
    if (!cal.ok()) std::abort();
    return new BusinessCalendar(*std::move(cal));
  }();
  return *kCalendar;
}

// 1024 start instants spread over 2026, one every ~8.5 hours, so working
// and non-working starts, holidays and make-up days all occur.
std::vector<absl::Time> Starts() {
  std::vector<absl::Time> starts;
  const absl::Time base =
      absl::FromCivil(absl::CivilSecond(2026, 1, 1), BusinessTimeZone());
  for (int i = 0; i < 1024; ++i) {
    starts.push_back(base + absl::Minutes(int64_t{i} * 511));
  }
  return starts;
}

void BM_AddWorkingMinutes(benchmark::State& state) {
  const BusinessCalendar& cal = Calendar();
  const std::vector<absl::Time> starts = Starts();
  const int64_t minutes = state.range(0);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        cal.AddWorkingMinutes(starts[i++ & 1023], minutes));
  }
}
// 1 working hour, 2 working days, 30 working days (420-minute days).
BENCHMARK(BM_AddWorkingMinutes)->Arg(60)->Arg(2 * 420)->Arg(30 * 420);

void BM_EndOfWorkingDay(benchmark::State& state) {
  const BusinessCalendar& cal = Calendar();
  const std::vector<absl::Time> starts = Starts();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cal.EndOfWorkingDay(starts[i++ & 1023], 2));
  }
}
BENCHMARK(BM_EndOfWorkingDay);

void BM_WorkingMinutesBetweenAcrossAYear(benchmark::State& state) {
  const BusinessCalendar& cal = Calendar();
  const std::vector<absl::Time> starts = Starts();
  size_t i = 0;
  for (auto _ : state) {
    const absl::Time from = starts[i++ & 1023];
    benchmark::DoNotOptimize(
        cal.WorkingMinutesBetween(from, from + absl::Hours(24 * 365)));
  }
}
BENCHMARK(BM_WorkingMinutesBetweenAcrossAYear);

void BM_KindOf(benchmark::State& state) {
  const BusinessCalendar& cal = Calendar();
  absl::CivilDay day(2026, 1, 1);
  int i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cal.KindOf(day + (i++ & 511)));
  }
}
BENCHMARK(BM_KindOf);

void BM_CreateChinaCalendar(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(ChinaBusinessCalendar());
  }
}
BENCHMARK(BM_CreateChinaCalendar);

}  // namespace
}  // namespace csm

BENCHMARK_MAIN();
