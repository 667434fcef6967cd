# complaint-svc's pure rules (no I/O): the state machine, the SLA clock, the
# escalation ladder, the same-matter rule, complaint numbers. Included from
# complaint-svc/CMakeLists.txt.
add_library(complaint_domain STATIC
  src/domain/complaint_access.cc
  src/domain/complaint_number.cc
  src/domain/complaint_snapshot.cc
  src/domain/complaint_state_machine.cc
  src/domain/escalation.cc
  src/domain/linking.cc
  src/domain/sla.cc
  src/domain/text_limits.cc
)
target_include_directories(complaint_domain PUBLIC "${PROJECT_SOURCE_DIR}")
target_link_libraries(complaint_domain PUBLIC csm_base csm_proto_messages
  absl::status absl::statusor absl::strings absl::str_format absl::time)
csm_warnings(complaint_domain)
csm_layer(complaint_domain domain)

if(CSM_BUILD_TESTS)
  foreach(t complaint_access complaint_state_machine sla escalation linking)
    add_executable(complaint_${t}_test src/domain/${t}_test.cc)
    target_link_libraries(complaint_${t}_test PRIVATE complaint_domain
                          GTest::gtest_main GTest::gmock)
    csm_warnings(complaint_${t}_test)
    gtest_discover_tests(complaint_${t}_test DISCOVERY_TIMEOUT 30)
  endforeach()
endif()
