#include "common/utf8.h"

#include <cstddef>

#include "absl/strings/string_view.h"

namespace csm {
namespace {

// One step: the sequence at s[i], or a single invalid byte.
size_t Step(absl::string_view s, size_t i) {
  const size_t n = Utf8SequenceLength(s, i);
  return n == 0 ? 1 : n;
}

}  // namespace

size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

size_t CountCodePoints(absl::string_view s) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); i += Step(s, i)) ++count;
  return count;
}

absl::string_view PrefixChars(absl::string_view s, size_t max_chars) {
  size_t i = 0;
  for (size_t count = 0; i < s.size() && count < max_chars; ++count) {
    i += Step(s, i);
  }
  return s.substr(0, i);
}

absl::string_view PrefixBytes(absl::string_view s, size_t max_bytes) {
  size_t i = 0;
  while (i < s.size()) {
    const size_t n = Step(s, i);
    if (i + n > max_bytes) break;
    i += n;
  }
  return s.substr(0, i);
}

}  // namespace csm
