// csm-load's command line: its flags read into a Config and checked, each
// on its own and in combination (tools/load.cc).
#ifndef CSM_TOOLS_LOAD_CONFIG_H_
#define CSM_TOOLS_LOAD_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/load_requests.h"

namespace csm::load {

struct Config {
  std::string addr;
  std::string customers_addr;
  std::string token;
  std::string method_name;
  RequestOptions requests;
  int concurrency = 16;
  int channels = 1;
  double rate = 0;
  absl::Duration duration;
  absl::Duration warmup;
  int64_t calls = 0;
  absl::Duration timeout;
  int max_customers = 1000;
  int hold_streams = 0;
  int stream_channels = 4;
  absl::Duration streams_settle;
  std::string watch;
  std::string trace;  // file: one line per measured call
};

// The flags as a Config; INVALID_ARGUMENT with a message for the user when
// one is out of range or two do not combine.
absl::StatusOr<Config> ConfigFromFlags();

}  // namespace csm::load

#endif  // CSM_TOOLS_LOAD_CONFIG_H_
