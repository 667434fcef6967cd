#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/text.h"

namespace csm::log {
namespace {

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
// Set once at start-up; older values are leaked on purpose so that a line
// being formatted on another thread never reads a freed string.
std::atomic<const std::string*> g_service{nullptr};
// One write per line under this lock: lines from threads never interleave.
std::mutex g_write_mu;

thread_local std::string t_request_id;

absl::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

// Appends `s` as a JSON string literal. Valid UTF-8 passes through (Chinese
// names stay readable); invalid bytes become U+FFFD so the line stays JSON.
void AppendJsonString(std::string* out, absl::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        out->append("\\ufffd");
        ++i;
      } else {
        out->append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

void AppendField(std::string* out, absl::string_view key,
                 absl::string_view value) {
  out->push_back(',');
  AppendJsonString(out, key);
  out->push_back(':');
  AppendJsonString(out, value);
}

template <typename FieldRange>
void WriteLine(Level level, absl::string_view msg, const FieldRange& fields) {
  if (!Enabled(level)) return;
  std::string line;
  line.reserve(160 + msg.size());
  line.append("{\"ts\":\"");
  line.append(absl::FormatTime("%Y-%m-%d%ET%H:%M:%E3SZ", absl::Now(),
                               absl::UTCTimeZone()));
  line.append("\",\"level\":\"");
  absl::StrAppend(&line, LevelName(level));
  line.push_back('"');
  if (const std::string* service = g_service.load(std::memory_order_acquire);
      service != nullptr) {
    AppendField(&line, "svc", *service);
  }
  if (!t_request_id.empty()) AppendField(&line, "request_id", t_request_id);
  AppendField(&line, "msg", msg);
  for (const auto& [key, value] : fields) AppendField(&line, key, value);
  line.append("}\n");

  std::lock_guard<std::mutex> lock(g_write_mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

bool Enabled(Level level) {
  return static_cast<int>(level) >= g_min_level.load(std::memory_order_relaxed);
}

void Write(Level level, absl::string_view msg, Fields fields) {
  WriteLine(level, msg, fields);
}

void Write(Level level, absl::string_view msg, const FieldList& fields) {
  WriteLine(level, msg, fields);
}

void SetService(std::string service) {
  g_service.store(new std::string(std::move(service)),
                  std::memory_order_release);
  const char* env = std::getenv("CSM_LOG_LEVEL");
  if (env == nullptr || *env == '\0') return;
  const std::string name = absl::AsciiStrToLower(env);
  if (name == "debug") {
    SetMinLevel(Level::kDebug);
  } else if (name == "info") {
    SetMinLevel(Level::kInfo);
  } else if (name == "warning" || name == "warn") {
    SetMinLevel(Level::kWarning);
  } else if (name == "error") {
    SetMinLevel(Level::kError);
  } else {
    Warning("ignoring unknown CSM_LOG_LEVEL; use debug, info, warning or error",
            {{"value", env}});
  }
}

void SetMinLevel(Level level) {
  g_min_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

RequestIdScope::RequestIdScope(std::string request_id)
    : previous_(std::exchange(t_request_id, std::move(request_id))) {}

RequestIdScope::~RequestIdScope() { t_request_id = std::move(previous_); }

const std::string& CurrentRequestId() { return t_request_id; }

}  // namespace csm::log
