// Free text that leaves a service in an event (a complaint's subject, a
// customer's feedback, a visit's opinions) may quote a phone or an ID
// number. The one rule both producers apply before such text leaves them
// (客户信息保密): the numbers are masked the way customer-svc masks the
// fields that hold them, everything else stays.
#ifndef CSM_COMMON_PERSONAL_TEXT_H_
#define CSM_COMMON_PERSONAL_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace csm {

// Masks every number in `text` that may identify a person. A number is a
// run of ASCII letters and digits (digits may be grouped by single spaces
// or '-', as in "138 1234 5678" or "010-88886666"; a leading "+86" stays
// outside it) with at least 7 digits:
//   an 11-digit mobile 1xxxxxxxxxx       → "138****5678"
//   a run of 12 or more characters      → first 4 and last 4 kept, the
//     (ID number, credit code, card)        middle '*': "1101**********1234"
//   any other run of 7 or more digits   → all but the last 4 '*'
//     (landline, local number)              ("010-****6666" keeps its area
//                                           code: the '-' splits the run)
// Runs with fewer than 7 digits (amounts, times) and dates (2026-11-02)
// stay. Invalid
// UTF-8 stays as it is; characters are never split.
std::string MaskPersonalNumbers(absl::string_view text);

// At most this many characters of free text go into an event.
inline constexpr size_t kMaxEventTextChars = 500;

// MaskPersonalNumbers, then the first kMaxEventTextChars code points.
std::string EventText(absl::string_view text);

}  // namespace csm

#endif  // CSM_COMMON_PERSONAL_TEXT_H_
