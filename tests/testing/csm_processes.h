// The three services as the binaries of the build, each its own process on
// its own fresh database of the ctest fixture's MariaDB, sharing one test
// business clock (--test_clock_file): what tests/reporting_crash_test.cc
// SIGKILLs and restarts. Header-only, for the cross-service tests.
#ifndef CSM_TESTS_TESTING_CSM_PROCESSES_H_
#define CSM_TESTS_TESTING_CSM_PROCESSES_H_

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "cppconn/resultset.h"
#include "gtest/gtest.h"
#include "tests/testing/health.h"
#include "tests/testing/service_process.h"
#include "tests/testing/test_database.h"

namespace csm::testing {

// Until `done` holds or `timeout` passes (generous: the machine is shared).
inline bool WaitUntil(const std::function<bool()>& done,
                      absl::Duration timeout = absl::Seconds(90)) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return done();
}

// The business clock of every process: one RFC 3339 instant in a file,
// replaced atomically (rename) so a process never reads half of it.
class TestClockFile {
 public:
  explicit TestClockFile(std::string path) : path_(std::move(path)) {}
  ~TestClockFile() { std::remove(path_.c_str()); }

  void Set(absl::Time t) {
    now_ = t;
    const std::string tmp = path_ + ".new";
    std::ofstream(tmp, std::ios::trunc)
        << absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
    std::rename(tmp.c_str(), path_.c_str());
  }
  void Advance(absl::Duration d) { Set(now_ + d); }
  absl::Time now() const { return now_; }
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  absl::Time now_;
};

// One service process, its database, its fixed address (kept across
// restarts) and a channel to it.
class CsmProcess {
 public:
  // `own_flags` follow the common test flags (TestServiceFlags).
  // On `shared_db` when given (a second replica), else on a fresh database.
  CsmProcess(const std::string& name, const std::string& binary,
             const std::string& dir, const TestClockFile& clock,
             std::vector<std::string> own_flags,
             const TestDatabase* shared_db = nullptr)
      : name_(name) {
    if (shared_db == nullptr) {
      auto created = TestDatabase::Create();
      EXPECT_TRUE(created.ok()) << created.status();
      if (created.ok()) owned_db_ = *std::move(created);
    }
    db_ = shared_db != nullptr ? shared_db : owned_db_.get();
    if (db_ == nullptr) return;  // Start() fails
    address_ = absl::StrCat("127.0.0.1:", FreeLoopbackPort());
    std::vector<std::string> flags =
        TestServiceFlags(address_, db_->options(), clock.path());
    flags.insert(flags.end(), own_flags.begin(), own_flags.end());
    process_ = std::make_unique<ServiceProcess>(binary, std::move(flags),
                                                dir + "/" + name + ".log");
  }

  // Starts the process and waits until it serves (the health check, which
  // the assembly answers once the migrations are applied).
  void Start() {
    ASSERT_NE(process_, nullptr) << name_ << ": no database";
    ASSERT_TRUE(process_->Start()) << name_ << ": fork failed";
    // A channel to the killed process may be in its reconnect backoff.
    channel_ =
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    ASSERT_TRUE(WaitUntil([&] {
      return CheckHealth(address_, "").serving_status == 1;
    })) << name_
        << " did not start:\n"
        << process_->LogTail();
  }
  // SIGKILL: no shutdown, no flush; whatever was in flight is lost.
  void Kill() {
    if (process_ != nullptr) process_->Stop(SIGKILL);
  }
  void Restart() {
    Kill();
    Start();
  }

  // The last sequence the source's sequencer numbered, once every event
  // committed so far is numbered (-1 until then).
  int64_t Head() {
    return QueryInt(
        "SELECT IF(COUNT(*) = COUNT(sequence), COALESCE(MAX(sequence), 0), -1) "
        "FROM outbox_events");
  }

  // The single integer `sql` selects from this process's database.
  int64_t QueryInt(const std::string& sql) {
    if (pool_ == nullptr) {
      MysqlOptions o = db_->options();
      o.pool_size = 1;
      auto pool = MysqlPool::Create(o);
      EXPECT_TRUE(pool.ok()) << pool.status();
      if (!pool.ok()) return -1;
      pool_ = *std::move(pool);
    }
    int64_t value = -1;
    absl::Status s = RunWithConnection(
        *pool_, absl::Now() + absl::Seconds(10),
        [&](MysqlConnection& conn) -> absl::Status {
          std::unique_ptr<sql::ResultSet> rs(conn.Prepare(sql).executeQuery());
          if (rs->next()) value = rs->getInt64(1);
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return value;
  }

  const std::string& name() const { return name_; }
  const std::string& address() const { return address_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const TestDatabase& db() const { return *db_; }
  ServiceProcess& process() { return *process_; }

 private:
  std::string name_;
  std::unique_ptr<TestDatabase> owned_db_;
  const TestDatabase* db_ = nullptr;
  std::string address_;
  std::unique_ptr<ServiceProcess> process_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<MysqlPool> pool_;
};

// A scratch folder for the clock file and the logs, removed at the end.
class ScratchDir {
 public:
  ScratchDir() {
    char dir[] = "/tmp/csm-processes-XXXXXX";
    if (mkdtemp(dir) != nullptr) path_ = dir;
  }
  ~ScratchDir() {
    if (!path_.empty()) {
      const std::string rm = absl::StrCat("rm -rf '", path_, "'");
      if (std::system(rm.c_str()) != 0) {
        ADD_FAILURE() << "could not remove " << path_;
      }
    }
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace csm::testing

#endif  // CSM_TESTS_TESTING_CSM_PROCESSES_H_
