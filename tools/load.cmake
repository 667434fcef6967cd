# csm-load: the bounded gRPC load generator scripts/bench.sh drives
# (docs/benchmarks.md). Included from tools/CMakeLists.txt.
add_executable(csm-load load.cc)
target_link_libraries(csm-load PRIVATE csmctl_lib demo_data_lib absl::flags
                      absl::flags_parse absl::flags_usage absl::synchronization)
csm_warnings(csm-load)
