#ifndef CSM_COMMON_PAGING_H_
#define CSM_COMMON_PAGING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace csm {

// 0 means `default_size`; negative or above `max_size` is INVALID_ARGUMENT
// on field "page_size".
absl::StatusOr<int> ResolvePageSize(int32_t page_size, int default_size = 50,
                                    int max_size = 500);

// Keyset position after the last row of a page: the sort key of that row
// (empty when ordering by id alone) and its id.
struct PageCursor {
  std::string key;
  int64_t id = 0;
};

// A page of rows plus the keyset cursor of its last row.
template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<PageCursor> next;  // set when more rows follow
};

// Opaque, URL-safe tokens bound to the query that produced them (filter,
// order, parent...: `query_fingerprint`). A token used with another query,
// or tampered with, is INVALID_ARGUMENT on field "page_token".
std::string EncodePageToken(const PageCursor& cursor,
                            absl::string_view query_fingerprint);
absl::StatusOr<PageCursor> DecodePageToken(absl::string_view token,
                                           absl::string_view query_fingerprint);

// The same as list handlers use them: an empty request token is the first
// page (nullopt), and no next cursor is an empty next_page_token.
absl::StatusOr<std::optional<PageCursor>> DecodeToken(
    absl::string_view token, absl::string_view query_fingerprint);
std::string EncodeToken(const std::optional<PageCursor>& next,
                        absl::string_view query_fingerprint);

}  // namespace csm

#endif  // CSM_COMMON_PAGING_H_
