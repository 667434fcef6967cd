// The name key of likely-duplicate detection (重卡).
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

namespace {

// Names.

// Dropped by NormalizeName: punctuation and symbols that people vary freely
// when typing a company name. Letters such as 々 and 〇 are kept.
bool IsNamePunctuation(char32_t c) {
  if (c < 0x80) {
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) ||
           (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
  }
  if (c >= 0x2010 && c <= 0x206F) return true;  // dashes, quotes, … ‧
  if ((c >= 0x3001 && c <= 0x3004) || (c >= 0x3008 && c <= 0x3011) ||
      (c >= 0x3014 && c <= 0x301F) || c == 0x3030 || c == 0x303D) {
    return true;  // 、。〈〉《》「」『』【】〔〕〖〗〜〝〞
  }
  if (c >= 0xFE30 && c <= 0xFE4F) return true;  // vertical forms
  if (c >= 0xFF61 && c <= 0xFF65) return true;  // half-width 。「」、・
  return c == 0x00B7 || c == 0x30FB || c == 0x00AB || c == 0x00BB;
}

// Longest first, so 股份有限公司 is not left as 股份 by 有限公司.
constexpr std::array<absl::string_view, 8> kLegalFormSuffixes = {
    "股份有限公司", "有限责任公司", "股份公司", "有限公司",
    "集团公司",     "总公司",       "集团",     "公司",
};

}  // namespace

std::string NormalizeName(absl::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const CodePoint& cp : DecodeUtf8(name)) {
    char32_t c = cp.value;
    if (c == 0xFFFD && cp.bytes.size() == 1) continue;  // invalid byte
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;        // full-width ASCII
    if (c == 0x3000) c = ' ';
    if (IsUnicodeSpace(c) || IsNamePunctuation(c)) continue;
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    AppendUtf8(c, &out);
  }
  // Strip legal forms until none is left: 某某集团有限公司 → 某某集团 → 某某.
  // A match on bytes is a match on code points: UTF-8 suffixes start on a
  // lead byte.
  bool stripped = true;
  while (stripped) {
    stripped = false;
    for (absl::string_view suffix : kLegalFormSuffixes) {
      if (out.size() > suffix.size() && absl::EndsWith(out, suffix)) {
        out.resize(out.size() - suffix.size());
        stripped = true;
        break;
      }
    }
  }
  return out;
}

}  // namespace csm::customer
