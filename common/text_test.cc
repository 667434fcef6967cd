#include "common/text.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace csm {
namespace {

// Moved here from customer-svc's customer_rules_test with the code.
TEST(TextTest, CountCodePoints) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("华为技术"), 4u);
  EXPECT_EQ(CountCodePoints("KH华为😀"), 5u);
  // Invalid bytes count one each: stray, truncated, overlong, surrogate.
  EXPECT_EQ(CountCodePoints("\xff\xfe"), 2u);
  EXPECT_EQ(CountCodePoints("\xe5\x8d"), 2u);
  EXPECT_EQ(CountCodePoints("\xc0\xaf"), 2u);
  EXPECT_EQ(CountCodePoints("\xed\xa0\x80"), 3u);
}

TEST(TextTest, DecodeUtf8KeepsBytes) {
  const std::vector<CodePoint> cps = DecodeUtf8("a华\xff");
  ASSERT_EQ(cps.size(), 3u);
  EXPECT_EQ(cps[0].value, U'a');
  EXPECT_EQ(cps[1].value, U'华');
  EXPECT_EQ(cps[1].bytes, "华");
  EXPECT_EQ(cps[2].value, char32_t{0xFFFD});
  EXPECT_EQ(cps[2].bytes, "\xff");
}

TEST(TextTest, AppendUtf8EncodesWhatDecodeUtf8Reads) {
  const std::string text = "a©华𠀀";  // 1, 2, 3 and 4 bytes
  std::string out;
  for (const CodePoint& cp : DecodeUtf8(text)) AppendUtf8(cp.value, &out);
  EXPECT_EQ(out, text);
  EXPECT_EQ(DecodeUtf8("𠀀")[0].value, char32_t{0x20000});
}

TEST(TextTest, BlankIsUnicodeWhiteSpaceOnly) {
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank(" \t\r\n"));
  EXPECT_TRUE(IsBlank("\u3000\u00a0\u2003\ufeff"));  // ideographic, no-break
  EXPECT_FALSE(IsBlank(" x "));
  EXPECT_FALSE(IsBlank("\u3000客\u3000"));
  EXPECT_FALSE(IsBlank("\xff"));  // an invalid byte is not white space
}

TEST(TextTest, PrefixesNeverSplitACharacter) {
  EXPECT_EQ(PrefixChars("华为技术", 2), "华为");
  EXPECT_EQ(PrefixChars("ab", 5), "ab");
  EXPECT_EQ(PrefixBytes("华为", 5),
            "华");  // 3 + 3 bytes: the second does not fit
  EXPECT_EQ(PrefixBytes("华为", 6), "华为");
  EXPECT_EQ(PrefixBytes("a\xff", 2), "a\xff");  // an invalid byte is one step
}

}  // namespace
}  // namespace csm
