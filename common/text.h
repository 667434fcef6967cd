// UTF-8 text as people count it. Limits in csm are given in characters
// (Unicode code points), so 200 Chinese characters are 200, not 600; texts
// cut for an error message, a log line or a column never split a
// character; a value of nothing but white space counts as missing.
//
// Invalid bytes never throw: each counts as one code point (U+FFFD).
// Requests cannot carry them anyway (proto3 strings are UTF-8 and the server
// refuses others, common/request_decoding.h), but stored or generated text
// might.
#ifndef CSM_COMMON_TEXT_H_
#define CSM_COMMON_TEXT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace csm {

// Length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), or 0 if
// it is not one (overlong forms, surrogates and code points above U+10FFFF
// are invalid, as are truncated sequences).
size_t Utf8SequenceLength(absl::string_view s, size_t i);

struct CodePoint {
  char32_t value;           // U+FFFD for a byte that is not valid UTF-8
  absl::string_view bytes;  // the code point's bytes inside the input
};

// Splits `s` into code points. An invalid byte becomes one U+FFFD code point
// of its own, so cutting between elements never splits a valid character.
std::vector<CodePoint> DecodeUtf8(absl::string_view s);

// Appends the UTF-8 encoding of `c` (a code point up to U+10FFFF).
void AppendUtf8(char32_t c, std::string* out);

// Code points in `s`, each invalid byte counting as one.
size_t CountCodePoints(absl::string_view s);

// The longest prefix of `s` with at most `max_chars` code points (invalid
// bytes count as one) that ends on a sequence boundary.
absl::string_view PrefixChars(absl::string_view s, size_t max_chars);

// The longest prefix of `s` of at most `max_bytes` bytes that does not split
// a valid sequence.
absl::string_view PrefixBytes(absl::string_view s, size_t max_bytes);

// White space as people type it: ASCII, the no-break space, the ideographic
// space U+3000, the byte-order mark and the Unicode space and separator
// characters.
bool IsUnicodeSpace(char32_t c);

// True when `s` holds nothing but white space (IsUnicodeSpace), or nothing.
bool IsBlank(absl::string_view s);

}  // namespace csm

#endif  // CSM_COMMON_TEXT_H_
