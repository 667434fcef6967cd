#include "common/resource_id.h"

#include <algorithm>

namespace csm {

bool IsValidResourceId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxResourceIdChars) return false;
  return std::all_of(id.begin(), id.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}

}  // namespace csm
