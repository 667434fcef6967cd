# Return-visit schedule rules (客户回访): pure date arithmetic, no gRPC, so
# the library links Abseil and csm_base only and its test builds in seconds.
add_library(customer_visit_rules STATIC src/domain/visit_schedule.cc)
target_link_libraries(customer_visit_rules PUBLIC csm_base
  absl::time absl::status absl::statusor absl::strings absl::str_format)
target_include_directories(customer_visit_rules PUBLIC ${PROJECT_SOURCE_DIR})
csm_warnings(customer_visit_rules)
csm_layer(customer_visit_rules domain)

if(CSM_BUILD_TESTS)
  add_executable(visit_schedule_test src/domain/visit_schedule_test.cc)
  target_link_libraries(visit_schedule_test PRIVATE
    customer_visit_rules GTest::gtest_main GTest::gmock)
  csm_warnings(visit_schedule_test)
  gtest_discover_tests(visit_schedule_test DISCOVERY_TIMEOUT 30)
endif()

# Communication records, visit plans and visits, the overdue sweep: part of
# customer_domain and customer_service (defined in CMakeLists.txt before
# this file is included).
target_sources(customer_domain PRIVATE src/domain/service_records.cc)
target_link_libraries(customer_domain PUBLIC customer_visit_rules)
target_sources(customer_service PRIVATE
  src/store/visit_store.cc
  src/api/api_common.cc
  src/api/communication_api.cc
  src/api/visit_api.cc
  src/api/visit_sweep.cc
)

if(CSM_BUILD_TESTS)
  add_executable(service_records_test src/domain/service_records_test.cc)
  target_link_libraries(service_records_test PRIVATE customer_domain
                        GTest::gtest_main GTest::gmock)
  csm_warnings(service_records_test)
  gtest_discover_tests(service_records_test DISCOVERY_TIMEOUT 30)

  # Through real gRPC against the fixture's MariaDB, on a manual clock.
  foreach(t visit_api communication_api visit_sweep)
    add_executable(${t}_test src/api/${t}_test.cc)
    target_link_libraries(${t}_test PRIVATE customer_service csm_testing
                          GTest::gtest_main GTest::gmock)
    csm_warnings(${t}_test)
    csm_database_test(${t}_test)
  endforeach()
endif()
