# complaint-svc's core: the complaint store, ComplaintService and the
# escalation sweep. Included from complaint-svc/CMakeLists.txt after
# complaint_platform (ConfigStore, CustomerDirectory) is defined.
add_library(complaint_core STATIC
  src/store/complaint_store.cc
  src/api/complaint_api.cc
  src/api/record_investigation.cc
  src/escalation_sweep.cc
)
target_link_libraries(complaint_core PUBLIC complaint_domain complaint_platform
  complaint_schema csm_grpc)
csm_warnings(complaint_core)
csm_layer(complaint_core service)

if(CSM_BUILD_TESTS)
  # ComplaintService (and ComplaintConfigService) through real gRPC with a
  # real customer-svc (through the real GrpcCustomerDirectory) and the
  # fixture's MariaDB; ManualClock. One binary: one link for all of them.
  add_executable(complaint_api_test
    src/api/complaint_api_test.cc
    src/api/complaint_access_api_test.cc
    src/api/complaint_events_test.cc
    src/api/complaint_investigation_test.cc
    src/api/complaint_text_limits_test.cc)
  target_link_libraries(complaint_api_test PRIVATE complaint_core
                        customer_service csm_testing GTest::gtest_main GTest::gmock)
  csm_warnings(complaint_api_test)
  csm_database_test(complaint_api_test)
endif()
