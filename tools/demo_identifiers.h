// Generators and checks of valid Chinese identifiers for the demo data:
// unified social credit codes (GB 32100-2015) with their organisation codes
// (GB 11714), resident ID numbers (GB 11643-1999) and mainland mobile
// numbers.
#ifndef CSM_TOOLS_DEMO_IDENTIFIERS_H_
#define CSM_TOOLS_DEMO_IDENTIFIERS_H_

#include <random>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace csm::demo {

// Characters of a unified social credit code (GB 32100-2015): digits and the
// capitals without I, O, S, V, Z.
inline constexpr absl::string_view kUsccCharset =
    "0123456789ABCDEFGHJKLMNPQRTUWXY";

// The GB 32100-2015 check character of the first 17 characters; '\0' when
// one of them is outside the charset.
char UsccCheckChar(absl::string_view first17);
// 18 characters, all in the charset, last one the check character.
bool IsValidUscc(absl::string_view code);

// The GB 11714 check character ('0'..'9' or 'X') of an organisation code's
// first 8 characters (digits and capitals).
char OrgCodeCheckChar(absl::string_view first8);

// A unified social credit code: registration authority (`'9'` market
// regulation, `'1'` institutional staffing, `'5'` civil affairs), category
// (`'1'` enterprise, `'2'` public institution, `'1'`/`'3'` social
// organisation / foundation ...), the 6-digit region code, an organisation
// code with its own GB 11714 check character, and the GB 32100 check
// character.
std::string MakeUscc(char authority, char category, absl::string_view region,
                     std::mt19937_64& rng);

// The GB 11643-1999 check character of a resident ID number's first 17
// digits.
char ResidentIdCheckChar(absl::string_view first17);
bool IsValidResidentId(absl::string_view id);
// Region code + birth date + 3-digit sequence (odd: male, even: female) +
// check character.
std::string MakeResidentId(absl::string_view region, absl::CivilDay birth,
                           int sequence);

// A mainland mobile number: 1[3-9] followed by nine digits.
std::string MakeMobile(std::mt19937_64& rng);
bool IsValidMobile(absl::string_view phone);

}  // namespace csm::demo

#endif  // CSM_TOOLS_DEMO_IDENTIFIERS_H_
