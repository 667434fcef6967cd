# Return-visit schedule rules (客户回访): pure date arithmetic, no protobuf or
# gRPC, so the library links Abseil only and its test builds in seconds.
add_library(customer_visit_rules STATIC src/domain/visit_schedule.cc)
target_link_libraries(customer_visit_rules PUBLIC
  absl::time absl::status absl::statusor absl::strings absl::str_format)
target_include_directories(customer_visit_rules PUBLIC ${PROJECT_SOURCE_DIR})
csm_warnings(customer_visit_rules)

if(CSM_BUILD_TESTS)
  add_executable(visit_schedule_test src/domain/visit_schedule_test.cc)
  target_link_libraries(visit_schedule_test PRIVATE
    customer_visit_rules GTest::gtest_main GTest::gmock)
  csm_warnings(visit_schedule_test)
  gtest_discover_tests(visit_schedule_test DISCOVERY_TIMEOUT 30)
endif()
