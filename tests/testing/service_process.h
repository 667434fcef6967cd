// A service binary (customer-svc, complaint-svc, reporting-svc) as a child
// process of the test: started with its flags, its stderr into a log file
// (shown when a test fails), SIGKILLed or stopped and started again on the
// same flags, so on the same database and port.
#ifndef CSM_TESTS_TESTING_SERVICE_PROCESS_H_
#define CSM_TESTS_TESTING_SERVICE_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/mysql_pool.h"

namespace csm::testing {

// A loopback port free at the time of the call (the kernel's pick).
int FreeLoopbackPort();

// The flags every test process takes: its address, no metrics endpoint,
// the database on the fixture's socket, the test token secret, a short
// shutdown grace, and (when not empty) the test business clock file.
std::vector<std::string> TestServiceFlags(const std::string& address,
                                          const MysqlOptions& db,
                                          const std::string& clock_file);

class ServiceProcess {
 public:
  // `args` are the flags after the binary's path; stderr goes to `log_path`
  // (appended across restarts).
  ServiceProcess(std::string binary, std::vector<std::string> args,
                 std::string log_path);
  // SIGKILLs a running process.
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // Forks and execs; the child dies with the test (PR_SET_PDEATHSIG).
  // Returns false when fork fails.
  bool Start();
  // Sends `signal` and reaps the process; its wait status, -1 when it was
  // not running.
  int Stop(int signal);
  // Sends `signal` without waiting (SIGSTOP, SIGCONT).
  void Signal(int signal) const;
  bool running() const { return pid_ > 0; }
  const std::string& binary() const { return binary_; }
  const std::vector<std::string>& args() const { return args_; }
  const std::string& log_path() const { return log_path_; }
  // The log's last `bytes`, for failure messages.
  std::string LogTail(size_t bytes = 4000) const;

 private:
  const std::string binary_;
  const std::vector<std::string> args_;
  const std::string log_path_;
  pid_t pid_ = 0;
};

// Runs `binary` with `args` to its end (an operator command such as
// `reporting-svc --rebuild`); its exit code (128 + signal when killed),
// with its stdout in `output`.
int RunToExit(const std::string& binary, const std::vector<std::string>& args,
              std::string* output);

}  // namespace csm::testing

#endif  // CSM_TESTS_TESTING_SERVICE_PROCESS_H_
