// Calls Connector/C++ from a program that links only a *_domain library.
// Alone it must fail to link; with the driver added it must build (see
// grpc_probe.cc).
#include <mysql_driver.h>

#include "complaint-svc/src/domain/complaint_state_machine.h"

int main() {
  const bool domain = !csm::complaint::AllComplaintStates().empty();
  return domain && sql::mysql::get_mysql_driver_instance() != nullptr ? 0 : 1;
}
