# csm-load: the bounded gRPC load generator scripts/bench.sh drives
# (docs/benchmarks.md). Included from tools/CMakeLists.txt.
add_executable(csm-load load.cc load_config.cc load_requests.cc load_streams.cc
                        load_targets.cc load_watch.cc load_workers.cc)
target_link_libraries(csm-load PRIVATE csmctl_lib demo_data_lib absl::flags
                      absl::flags_parse absl::flags_usage absl::synchronization)
csm_warnings(csm-load)

# The harness must not rot: every phase of scripts/bench.sh, briefly (about
# 40 s), against real services and a private MariaDB on free ports; it
# checks that the summary holds every figure, not their values, and the
# tail split of BENCH_TRACE=1 (csm-load --trace, scripts/bench-tail.awk). Label
# "bench": `ctest -LE bench` leaves it out, `ctest -L bench` runs it alone.
add_test(NAME bench_smoke COMMAND bash "${PROJECT_SOURCE_DIR}/scripts/bench.sh"
                                  --quick --check)
set_tests_properties(
  bench_smoke PROPERTIES ENVIRONMENT "BUILD_DIR=${CMAKE_BINARY_DIR};BENCH_TRACE=1" LABELS
                         bench TIMEOUT 120)

# csm-report-history: a year of synthetic events written into a source's
# outbox, for the reporting scale benchmark (scripts/bench-reports.sh).
add_executable(csm-report-history report_history.cc)
target_link_libraries(csm-report-history PRIVATE csm_grpc absl::flags
                      absl::flags_parse)
csm_warnings(csm-report-history)

# The reporting scale benchmark must not rot either: every step of
# scripts/bench-reports.sh on a small year (about a minute).
add_test(NAME bench_reports_smoke
         COMMAND bash "${PROJECT_SOURCE_DIR}/scripts/bench-reports.sh" --quick)
set_tests_properties(
  bench_reports_smoke PROPERTIES ENVIRONMENT "BUILD_DIR=${CMAKE_BINARY_DIR}"
                                 LABELS bench TIMEOUT 300)
