// UTF-8 helpers for texts that must stay valid when cut or counted: error
// messages that echo input, log lines, limits given in characters.
#ifndef CSM_COMMON_UTF8_H_
#define CSM_COMMON_UTF8_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace csm {

// Length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), or 0 if
// it is not one (overlong forms, surrogates and code points above U+10FFFF
// are invalid, as are truncated sequences).
size_t Utf8SequenceLength(absl::string_view s, size_t i);

// Code points in `s`, each invalid byte counting as one.
size_t CountCodePoints(absl::string_view s);

// The longest prefix of `s` with at most `max_chars` code points (invalid
// bytes count as one) that ends on a sequence boundary.
absl::string_view PrefixChars(absl::string_view s, size_t max_chars);

// The longest prefix of `s` of at most `max_bytes` bytes that does not split
// a valid sequence.
absl::string_view PrefixBytes(absl::string_view s, size_t max_bytes);

}  // namespace csm

#endif  // CSM_COMMON_UTF8_H_
