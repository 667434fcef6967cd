#include "common/paging.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status.h"

namespace csm {
namespace {

// Token layout (before base64url):
//   version (1) | fingerprint hash (8) | id (8) | key (rest) | checksum (8)
// All integers little-endian. The checksum catches edited or truncated
// tokens (it is not a secret: a cursor only says where a page starts); the
// fingerprint hash ties the token to the query that produced it.
constexpr uint8_t kVersion = 1;
constexpr size_t kHeaderSize = 1 + 8 + 8;
constexpr size_t kMinSize = kHeaderSize + 8;

// FNV-1a 64: stable across builds and platforms, unlike std::hash.
uint64_t Fnv1a64(absl::string_view data, uint64_t hash = 0xcbf29ce484222325u) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3u;
  }
  return hash;
}

void PutUint64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t GetUint64(absl::string_view in) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) {
    v = (v << 8) | static_cast<unsigned char>(in[i]);
  }
  return v;
}

// Domain-separated from the checksum so the two hashes never coincide.
uint64_t FingerprintHash(absl::string_view query_fingerprint) {
  return Fnv1a64(query_fingerprint, Fnv1a64("csm.page_token.query"));
}

absl::Status Malformed() {
  return InvalidField("page_token", "malformed page_token");
}

}  // namespace

absl::StatusOr<int> ResolvePageSize(int32_t page_size, int default_size,
                                    int max_size) {
  if (page_size < 0) {
    return InvalidField("page_size",
                        absl::StrCat("must not be negative, got ", page_size));
  }
  if (page_size > max_size) {
    return InvalidField("page_size", absl::StrCat("must be at most ", max_size,
                                                  ", got ", page_size));
  }
  return page_size == 0 ? default_size : static_cast<int>(page_size);
}

std::string EncodePageToken(const PageCursor& cursor,
                            absl::string_view query_fingerprint) {
  std::string raw;
  raw.reserve(kMinSize + cursor.key.size());
  raw.push_back(static_cast<char>(kVersion));
  PutUint64(&raw, FingerprintHash(query_fingerprint));
  PutUint64(&raw, static_cast<uint64_t>(cursor.id));
  raw.append(cursor.key);
  PutUint64(&raw, Fnv1a64(raw));
  // Web-safe alphabet, no padding: usable in URLs and JSON as is.
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<PageCursor> DecodePageToken(
    absl::string_view token, absl::string_view query_fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < kMinSize) {
    return Malformed();
  }
  const absl::string_view view(raw);
  const absl::string_view body = view.substr(0, view.size() - 8);
  if (static_cast<uint8_t>(view[0]) != kVersion ||
      GetUint64(view.substr(view.size() - 8)) != Fnv1a64(body)) {
    return Malformed();
  }
  if (GetUint64(view.substr(1, 8)) != FingerprintHash(query_fingerprint)) {
    return InvalidField("page_token",
                        "page_token does not belong to this query");
  }
  PageCursor cursor;
  cursor.id = static_cast<int64_t>(GetUint64(view.substr(9, 8)));
  cursor.key = std::string(body.substr(kHeaderSize));
  return cursor;
}

absl::StatusOr<std::optional<PageCursor>> DecodeToken(
    absl::string_view token, absl::string_view query_fingerprint) {
  if (token.empty()) return std::optional<PageCursor>();
  CSM_ASSIGN_OR_RETURN(PageCursor cursor,
                       DecodePageToken(token, query_fingerprint));
  return std::optional<PageCursor>(std::move(cursor));
}

std::string EncodeToken(const std::optional<PageCursor>& next,
                        absl::string_view query_fingerprint) {
  return next.has_value() ? EncodePageToken(*next, query_fingerprint) : "";
}

}  // namespace csm
