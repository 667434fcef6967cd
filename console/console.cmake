# The web console (console/): static files the gateway serves under
# /console/. Target `console` runs console/build.sh into ${CMAKE_BINARY_DIR}/console
# (csm-gateway --console_dir=build/console): console/src/ plus the ECharts
# bundle from node_modules (scripts/install-deps.sh). Included from the top
# level rather than added as a subdirectory, so that the served folder holds
# the console and nothing of CMake's.
file(GLOB_RECURSE CSM_CONSOLE_SRC CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/console/src/*")
set(CSM_CONSOLE_DIR "${CMAKE_BINARY_DIR}/console")
set(CSM_CONSOLE_STAMP "${CMAKE_BINARY_DIR}/CMakeFiles/console.stamp")
add_custom_command(
  OUTPUT "${CSM_CONSOLE_STAMP}"
  COMMAND bash "${PROJECT_SOURCE_DIR}/console/build.sh" "${CSM_CONSOLE_DIR}"
  COMMAND "${CMAKE_COMMAND}" -E touch "${CSM_CONSOLE_STAMP}"
  DEPENDS ${CSM_CONSOLE_SRC} "${PROJECT_SOURCE_DIR}/console/build.sh"
          "${PROJECT_SOURCE_DIR}/package-lock.json"
  COMMENT "console: static files and the ECharts bundle into ${CSM_CONSOLE_DIR}"
  VERBATIM)
add_custom_target(console ALL DEPENDS "${CSM_CONSOLE_STAMP}")

if(CSM_BUILD_TESTS)
  # In headless Debian chromium (playwright-core) against the real gateway,
  # customer-svc, complaint-svc (and reporting-svc) on free ports, on a fresh database of the
  # fixture's MariaDB; screenshots into build/console-screenshots/.
  set(csm_console_env
    "CSM_TEST_MYSQL_SOCKET=${CSM_TEST_MARIADB_DIR}/mysqld.sock"
    "CSM_BUILD_DIR=${CMAKE_BINARY_DIR}"
    "CSM_CONSOLE_DIR=${CSM_CONSOLE_DIR}"
    "CSM_SCREENSHOT_DIR=${CMAKE_BINARY_DIR}/console-screenshots")
  add_test(NAME console_browser_test
    COMMAND node --test-reporter=spec "${PROJECT_SOURCE_DIR}/console/test/browser.test.mjs"
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  # The reporting pages against reporting-svc's gRPC answers (reporting-svc
  # started too).
  add_test(NAME console_reporting_test
    COMMAND node --test-reporter=spec "${PROJECT_SOURCE_DIR}/console/test/reporting.test.mjs"
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  set_tests_properties(console_browser_test console_reporting_test PROPERTIES
    FIXTURES_REQUIRED mariadb TIMEOUT 240 ENVIRONMENT "${csm_console_env}")
endif()
