# The command-line clients: csmctl (generic gRPC client over the contracts
# linked into it) and csm-demo-data (loads demo archives into customer-svc).
# Included from tools/CMakeLists.txt.

# csmctl's pieces: argument parsing, method lookup, JSON conversion,
# aliases, health wire format, error formatting, the calls, and the
# `reports` commands with their table printer.
add_library(csmctl_lib STATIC csmctl_aliases.cc csmctl_command_line.cc
            csmctl_descriptors.cc csmctl_messages.cc csmctl_report_flags.cc
            csmctl_report_labels.cc csmctl_report_table.cc csmctl_reports.cc
            csmctl_rpc.cc csmctl_wire.cc)
target_link_libraries(csmctl_lib PUBLIC csm_grpc absl::status
                      absl::statusor absl::strings absl::time absl::random_random)
csm_warnings(csmctl_lib)

# csmctl finds methods and messages by name in the generated descriptor pool,
# so every generated file must be linked in even though nothing references it:
# the whole archive, not just the objects the linker would pick.
# The descriptors are in the messages library.
# ($<LINK_LIBRARY:WHOLE_ARCHIVE,...> cannot be used: csm_proto_messages also
# comes in without the feature through csm_base, which CMake refuses.)
function(csm_link_all_protos target)
  target_link_options(${target} PRIVATE "LINKER:--whole-archive"
                      "$<TARGET_FILE:csm_proto_messages>" "LINKER:--no-whole-archive")
  add_dependencies(${target} csm_proto_messages)
endfunction()

add_executable(csmctl csmctl.cc)
target_link_libraries(csmctl PRIVATE csmctl_lib)
csm_link_all_protos(csmctl)
csm_warnings(csmctl)

# Generators of valid Chinese identifiers and the demo data set.
add_library(demo_data_lib STATIC demo_archives.cc demo_catalogue.cc
            demo_followups.cc demo_identifiers.cc)
target_include_directories(demo_data_lib PUBLIC "${PROJECT_SOURCE_DIR}")
target_link_libraries(demo_data_lib PUBLIC csm_base csm_proto_messages absl::strings absl::time)
csm_warnings(demo_data_lib)

# demo_complaints.cc: the complaint-svc part (--complaints_addr).
add_executable(csm-demo-data demo_data.cc demo_complaints.cc)
target_link_libraries(csm-demo-data PRIVATE demo_data_lib csmctl_lib absl::flags
                      absl::flags_parse absl::flags_usage)
csm_warnings(csm-demo-data)

if(CSM_BUILD_TESTS)
  add_executable(csmctl_test csmctl_test.cc)
  target_link_libraries(csmctl_test PRIVATE csmctl_lib GTest::gtest_main
                        GTest::gmock)
  csm_link_all_protos(csmctl_test)
  csm_warnings(csmctl_test)
  gtest_discover_tests(csmctl_test DISCOVERY_TIMEOUT 30)

  # `csmctl reports` against a real reporting-svc on the fixture's MariaDB:
  # the binary itself, so exit codes and the printed bytes are what is tested.
  add_executable(csmctl_reports_test csmctl_reports_test.cc)
  target_link_libraries(csmctl_reports_test PRIVATE csmctl_lib reporting_testing
                        GTest::gtest_main GTest::gmock)
  csm_link_all_protos(csmctl_reports_test)
  target_compile_definitions(csmctl_reports_test PRIVATE
    CSM_CSMCTL_BIN="$<TARGET_FILE:csmctl>")
  add_dependencies(csmctl_reports_test csmctl)
  csm_warnings(csmctl_reports_test)
  csm_database_test(csmctl_reports_test)

  add_executable(demo_data_test demo_data_test.cc)
  target_link_libraries(demo_data_test PRIVATE demo_data_lib
                        GTest::gtest_main GTest::gmock)
  csm_warnings(demo_data_test)
  gtest_discover_tests(demo_data_test DISCOVERY_TIMEOUT 30)
endif()
