#include "tests/testing/service_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tests/testing/test_database.h"

namespace csm::testing {
namespace {

// In the child: dies with the test, stdout and stderr as given, execs.
[[noreturn]] void Exec(const std::string& binary,
                       const std::vector<std::string>& args, int out_fd,
                       int err_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  std::vector<std::string> all = {binary};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::vector<std::string> TestServiceFlags(const std::string& address,
                                          const MysqlOptions& db,
                                          const std::string& clock_file) {
  std::vector<std::string> flags = {
      "--listen_address=" + address,
      "--metrics_address=",
      "--mysql_socket=" + db.unix_socket,
      "--mysql_user=" + db.user,
      "--mysql_database=" + db.database,
      "--mysql_pool_size=4",
      absl::StrCat("--jwt_secret=", kTestJwtSecret),
      absl::StrCat("--jwt_issuer=", kTestIssuer),
      "--shutdown_grace_seconds=1",
      "--shutdown_quiet_ms=20"};
  if (!clock_file.empty()) flags.push_back("--test_clock_file=" + clock_file);
  return flags;
}

ServiceProcess::ServiceProcess(std::string binary,
                               std::vector<std::string> args,
                               std::string log_path)
    : binary_(std::move(binary)),
      args_(std::move(args)),
      log_path_(std::move(log_path)) {}

ServiceProcess::~ServiceProcess() { Stop(SIGKILL); }

bool ServiceProcess::Start() {
  if (pid_ > 0) return true;
  const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  const int devnull = open("/dev/null", O_WRONLY);
  pid_ = fork();
  if (pid_ == 0) Exec(binary_, args_, devnull, log);
  close(log);
  close(devnull);
  return pid_ > 0;
}

int ServiceProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = 0;
  return status;
}

void ServiceProcess::Signal(int signal) const {
  if (pid_ > 0) kill(pid_, signal);
}

std::string ServiceProcess::LogTail(size_t bytes) const {
  std::ifstream in(log_path_);
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
}

int RunToExit(const std::string& binary, const std::vector<std::string>& args,
              std::string* output) {
  int out[2];
  if (pipe(out) != 0) return -1;
  const int devnull = open("/dev/null", O_WRONLY);
  const pid_t pid = fork();
  if (pid == 0) {
    close(out[0]);
    Exec(binary, args, out[1], out[1]);
  }
  close(out[1]);
  close(devnull);
  char buf[4096];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof(buf))) > 0) output->append(buf, n);
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return ExitCode(status);
}

}  // namespace csm::testing
