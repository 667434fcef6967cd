// A sequencer in a process of its own, for outbox_test's SIGKILL test:
//   outbox_sequencer_child SOCKET USER PASSWORD DATABASE
// Leads, numbers the committed rows in one batch and, before that batch
// commits, writes "numbered N\n" to stdout and waits to be killed. Exits 3
// if it cannot lead.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/outbox_sequencer.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s SOCKET USER PASSWORD DATABASE\n", argv[0]);
    return 2;
  }
  csm::MysqlOptions options;
  options.unix_socket = argv[1];
  options.user = argv[2];
  options.password = argv[3];
  options.database = argv[4];
  options.pool_size = 2;
  auto pool = csm::MysqlPool::Create(options);
  if (!pool.ok()) {
    std::fprintf(stderr, "child: %s\n", pool.status().ToString().c_str());
    return 2;
  }
  csm::Outbox outbox("test-svc", &csm::Clock::Real());
  csm::OutboxSequencerOptions sequencer_options;
  sequencer_options.before_commit = [] {
    // The batch's UPDATE ran; its COMMIT never will.
    const std::string line = "numbered\n";
    if (write(STDOUT_FILENO, line.data(), line.size()) < 0) _exit(4);
    for (;;) pause();
  };
  csm::OutboxSequencer sequencer(pool->get(), &outbox, sequencer_options);
  const absl::StatusOr<int> n = sequencer.RunOnce();
  std::fprintf(stderr, "child: round ended: %s\n",
               n.ok() ? "ok" : n.status().ToString().c_str());
  return 3;
}
