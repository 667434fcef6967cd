// Archive numbers (客户编号).
#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "customer-svc/src/domain/customer_rules.h"

namespace csm::customer {

std::string FormatArchiveNumber(int year, int month, int64_t sequence) {
  return absl::StrFormat("KH%04d%02d-%06d", year, month, sequence);
}

}  // namespace csm::customer
