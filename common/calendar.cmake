# The business calendar (working time on the Chinese calendar): a small
# library with no dependency on the rest of csm_common, so domain code and its
# tests link it alone. Included from common/CMakeLists.txt.

# The shipped seed is compiled in as a raw string: one file to edit, nothing
# to mount in Kubernetes. Editing the seed re-runs CMake (CONFIGURE_DEPENDS).
set(_csm_calendar_seed "${CMAKE_CURRENT_SOURCE_DIR}/calendar_seed/china_2026_2027.txt")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_csm_calendar_seed}")
file(READ "${_csm_calendar_seed}" _csm_calendar_seed_text)
string(FIND "${_csm_calendar_seed_text}" ")csm_seed\"" _csm_calendar_seed_bad)
if(NOT _csm_calendar_seed_bad EQUAL -1)
  message(FATAL_ERROR "${_csm_calendar_seed} contains the raw-string delimiter )csm_seed\"")
endif()
set(_csm_calendar_seed_cc "${CMAKE_CURRENT_BINARY_DIR}/calendar_seed_china.cc")
file(WRITE "${_csm_calendar_seed_cc}.tmp"
  "// Generated from common/calendar_seed/china_2026_2027.txt; do not edit.\n"
  "#include \"common/business_calendar.h\"\n\n"
  "namespace csm {\n\n"
  "absl::string_view ChinaCalendarSeed() {\n"
  "  static constexpr char kSeed[] = R\"csm_seed(${_csm_calendar_seed_text})csm_seed\";\n"
  "  return absl::string_view(kSeed, sizeof(kSeed) - 1);\n"
  "}\n\n"
  "}  // namespace csm\n")
# Only touch the .cc when the seed changed, so a re-configure rebuilds nothing.
file(COPY_FILE "${_csm_calendar_seed_cc}.tmp" "${_csm_calendar_seed_cc}" ONLY_IF_DIFFERENT)

add_library(csm_calendar STATIC business_calendar.cc)
target_sources(csm_calendar PRIVATE "${_csm_calendar_seed_cc}")
target_include_directories(csm_calendar PUBLIC "${PROJECT_SOURCE_DIR}")
target_link_libraries(csm_calendar PUBLIC
  absl::time absl::status absl::statusor absl::strings absl::str_format)
csm_warnings(csm_calendar)

if(CSM_BUILD_TESTS)
  add_executable(business_calendar_test business_calendar_test.cc)
  target_link_libraries(business_calendar_test PRIVATE csm_calendar GTest::gtest_main)
  csm_warnings(business_calendar_test)
  gtest_discover_tests(business_calendar_test DISCOVERY_TIMEOUT 30)
endif()

if(CSM_BUILD_BENCHMARKS)
  if(NOT TARGET benchmark::benchmark)
    find_package(benchmark CONFIG REQUIRED)
  endif()
  add_executable(business_calendar_benchmark business_calendar_benchmark.cc)
  target_link_libraries(business_calendar_benchmark PRIVATE csm_calendar benchmark::benchmark)
  csm_warnings(business_calendar_benchmark)
endif()
