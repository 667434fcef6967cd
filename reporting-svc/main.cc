// reporting-svc: the reports (报表), built from customer-svc's and
// complaint-svc's event streams. Wiring only; besides serving, the operator
// commands of docs/operations.md ("Event followers", "Rebuilding the
// reports") run and exit.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/event_cursor.h"
#include "common/log.h"
#include "common/service_flags.h"
#include "csm/reporting/v1/report_config.pb.h"
#include "reporting-svc/src/reporting_server.h"

ABSL_FLAG(std::string, customer_address, "127.0.0.1:50051",
          "customer-svc's gRPC address, whose events are followed");
ABSL_FLAG(std::string, complaint_address, "127.0.0.1:50052",
          "complaint-svc's gRPC address, whose events are followed");
ABSL_FLAG(int, snapshot_interval_seconds, 60,
          "how often the report-snapshots job takes the due schedules' "
          "snapshots; 0 turns it off");
ABSL_FLAG(bool, rebuild, false,
          "recompute every report table from sequence 0 of both sources up "
          "to the live cursors, in one transaction, then exit");
ABSL_FLAG(bool, reset_reports, false,
          "empty every report table and cursor (after a source was restored "
          "from a backup), then exit; the next start recomputes from 0");
ABSL_FLAG(bool, dead_letters, false,
          "list the events that did not parse, then exit");
ABSL_FLAG(std::string, skip_dead_letter, "",
          "SOURCE:SEQUENCE: skip that dead letter (its follower resumes after "
          "it), then exit");
ABSL_FLAG(std::string, retry_dead_letter, "",
          "SOURCE:SEQUENCE: have the follower try that event again (after a "
          "fix), then exit");
ABSL_FLAG(std::string, operator_id, "",
          "who decides a dead letter (recorded with it); default $USER");

namespace {

using csm::reporting::ReportingServer;

int Fail(absl::string_view what, const absl::Status& status) {
  std::fprintf(stderr, "reporting-svc: %s: %s\n", std::string(what).c_str(),
               status.ToString().c_str());
  return EXIT_FAILURE;
}

bool ParseLetter(const std::string& arg, std::string* source,
                 int64_t* sequence) {
  std::pair<std::string, std::string> parts = absl::StrSplit(arg, ':');
  *source = parts.first;
  return !source->empty() && absl::SimpleAtoi(parts.second, sequence);
}

std::string OperatorId() {
  std::string id = absl::GetFlag(FLAGS_operator_id);
  if (id.empty() && std::getenv("USER") != nullptr) id = std::getenv("USER");
  return id.empty() ? "operator" : id;
}

// The dead-letter commands: only the database is needed.
int DeadLetterCommand(csm::MysqlPool& pool) {
  if (absl::GetFlag(FLAGS_dead_letters)) {
    auto letters = csm::ListDeadLetters(pool);
    if (!letters.ok()) return Fail("listing dead letters", letters.status());
    std::printf(
        "source\tsequence\tevent_type\tevent_id\tattempts\tresolution"
        "\terror\n");
    for (const csm::DeadLetter& d : *letters) {
      std::printf("%s\t%lld\t%s\t%s\t%d\t%s\t%s\n", d.source.c_str(),
                  static_cast<long long>(d.sequence), d.event_type.c_str(),
                  d.event_id.c_str(), d.attempts,
                  d.resolution.empty() ? "open" : d.resolution.c_str(),
                  d.error.c_str());
    }
    return EXIT_SUCCESS;
  }
  const bool skip = !absl::GetFlag(FLAGS_skip_dead_letter).empty();
  const std::string arg = skip ? absl::GetFlag(FLAGS_skip_dead_letter)
                               : absl::GetFlag(FLAGS_retry_dead_letter);
  std::string source;
  int64_t sequence = 0;
  if (!ParseLetter(arg, &source, &sequence)) {
    return Fail("dead letter",
                absl::InvalidArgumentError("expected SOURCE:SEQUENCE, e.g. "
                                           "complaint-svc:1234"));
  }
  const absl::Status s =
      skip ? csm::SkipDeadLetter(pool, source, sequence, OperatorId())
           : csm::RetryDeadLetter(pool, source, sequence, OperatorId());
  if (!s.ok()) return Fail("dead letter", s);
  std::printf("%s %s:%lld; the follower resumes within its recheck interval\n",
              skip ? "skipped" : "retrying", source.c_str(),
              static_cast<long long>(sequence));
  return EXIT_SUCCESS;
}

bool OperatorCommand() {
  return absl::GetFlag(FLAGS_rebuild) || absl::GetFlag(FLAGS_reset_reports) ||
         absl::GetFlag(FLAGS_dead_letters) ||
         !absl::GetFlag(FLAGS_skip_dead_letter).empty() ||
         !absl::GetFlag(FLAGS_retry_dead_letter).empty();
}

int RunOperatorCommand(ReportingServer& server) {
  if (absl::GetFlag(FLAGS_reset_reports)) {
    const absl::Status s = csm::reporting::ResetReports(server.pool());
    if (!s.ok()) return Fail("reset", s);
    std::printf("report tables and cursors emptied\n");
    return EXIT_SUCCESS;
  }
  if (!absl::GetFlag(FLAGS_rebuild)) return DeadLetterCommand(server.pool());
  auto rebuild = server.rebuild().RunNow(OperatorId());
  if (!rebuild.ok()) return Fail("rebuild", rebuild.status());
  std::printf("%s %s", rebuild->name().c_str(),
              csm::reporting::v1::RebuildState_Name(rebuild->state()).c_str());
  for (const auto& s : rebuild->sources()) {
    std::printf(" %s=%lld", s.source().c_str(),
                static_cast<long long>(s.applied_sequence()));
  }
  std::printf("%s%s\n", rebuild->error().empty() ? "" : ": ",
              rebuild->error().c_str());
  return rebuild->state() == csm::reporting::v1::REBUILD_STATE_SUCCEEDED
             ? EXIT_SUCCESS
             : EXIT_FAILURE;
}

}  // namespace

int main(int argc, char** argv) {
  csm::ParseFlags(argc, argv,
                  "reporting-svc: the reports (报表) over gRPC, built from the "
                  "event streams of customer-svc and complaint-svc.\n"
                  "Every flag can also be set as CSM_<FLAG_IN_CAPITALS>.");
  csm::log::SetService("reporting-svc");
  auto service = csm::ServiceConfigFromFlags("reporting-svc");
  auto verifier = csm::TokenVerifierFromFlags();
  auto jwt = csm::JwtConfigFromFlags();
  auto clock = csm::ClockFromFlags();
  if (!service.ok()) return Fail("bad configuration", service.status());
  if (!verifier.ok()) return Fail("bad configuration", verifier.status());
  if (!jwt.ok()) return Fail("bad configuration", jwt.status());
  if (!clock.ok()) return Fail("bad configuration", clock.status());

  csm::reporting::ReportingServerConfig config;
  config.service = *std::move(service);
  config.customer_address = absl::GetFlag(FLAGS_customer_address);
  config.complaint_address = absl::GetFlag(FLAGS_complaint_address);
  config.jwt_secret = jwt->secret;
  config.jwt_issuer = jwt->issuer;
  const int snapshot_seconds = absl::GetFlag(FLAGS_snapshot_interval_seconds);
  if (snapshot_seconds < 0) {
    return Fail("bad configuration",
                absl::InvalidArgumentError(
                    "--snapshot_interval_seconds must be 0 (off) or positive"));
  }
  config.snapshot_interval = absl::Seconds(snapshot_seconds);
  const bool command = OperatorCommand();
  if (command) {
    // Nothing to serve: a free local port, no metrics, no following, no
    // scheduled snapshots.
    config.follow = false;
    config.snapshot_interval = absl::ZeroDuration();
    config.service.server.listen_address = "127.0.0.1:0";
    config.service.server.metrics_address = "";
  }
  auto server = ReportingServer::Start(config, verifier->get(), *clock);
  if (!server.ok()) return Fail("failed to start", server.status());
  if (command) {
    const int rc = RunOperatorCommand(**server);
    (*server)->Shutdown();
    return rc;
  }
  csm::log::Info("reporting-svc serving",
                 {{"address", (*server)->address()},
                  {"metrics", config.service.server.metrics_address},
                  {"customer_address", config.customer_address},
                  {"complaint_address", config.complaint_address}});
  (*server)->RunUntilSignal();
  return EXIT_SUCCESS;
}
