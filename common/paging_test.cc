#include "common/paging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/escaping.h"
#include "common/status.h"

namespace csm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Pair;

constexpr char kQuery[] = "parent=|filter=grade = GRADE_A|order_by=name";

void ExpectTokenError(const absl::StatusOr<PageCursor>& result,
                      const std::string& description) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolationsOf(result.status()),
              ElementsAre(Pair("page_token", description)));
}

TEST(ResolvePageSizeTest, ZeroMeansDefault) {
  EXPECT_EQ(*ResolvePageSize(0), 50);
  EXPECT_EQ(*ResolvePageSize(0, 20, 100), 20);
}

TEST(ResolvePageSizeTest, AcceptsOneToMax) {
  EXPECT_EQ(*ResolvePageSize(1), 1);
  EXPECT_EQ(*ResolvePageSize(500), 500);
  EXPECT_EQ(*ResolvePageSize(100, 20, 100), 100);
}

TEST(ResolvePageSizeTest, RejectsNegativeAndAboveMax) {
  for (int32_t bad : {-1, 501, std::numeric_limits<int32_t>::min(),
                      std::numeric_limits<int32_t>::max()}) {
    absl::StatusOr<int> size = ResolvePageSize(bad);
    ASSERT_FALSE(size.ok()) << bad;
    EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument);
    ASSERT_EQ(ViolationsOf(size.status()).size(), 1u);
    EXPECT_EQ(ViolationsOf(size.status())[0].first, "page_size");
  }
  EXPECT_THAT(ViolationsOf(ResolvePageSize(501).status())[0].second,
              HasSubstr("at most 500"));
}

TEST(PageTokenTest, RoundTrips) {
  for (const PageCursor& cursor :
       {PageCursor{"", 1}, PageCursor{"华为技术有限公司", 42},
        PageCursor{std::string("a\0b\xff", 4), -7},
        PageCursor{"2026-11-24 08:00:00.123456",
                   std::numeric_limits<int64_t>::max()},
        PageCursor{std::string(1000, 'k'), 0}}) {
    const std::string token = EncodePageToken(cursor, kQuery);
    absl::StatusOr<PageCursor> back = DecodePageToken(token, kQuery);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->key, cursor.key);
    EXPECT_EQ(back->id, cursor.id);
  }
}

TEST(PageTokenTest, IsUrlSafeAndUnpadded) {
  const std::string token = EncodePageToken({"客户/a+b?c=d", 99}, kQuery);
  EXPECT_THAT(token, MatchesRegex("[A-Za-z0-9_-]+"));
}

TEST(PageTokenTest, FormatIsStable) {
  // Tokens handed out by a running version must stay valid after an
  // upgrade: the hash is FNV-1a (not std::hash) and the layout is fixed.
  constexpr char kGolden[] = "AVoMUI3JQSWJBwAAAAAAAABrt0Ehv5AqCEI";
  EXPECT_EQ(EncodePageToken({"k", 7}, "q"), kGolden);
  absl::StatusOr<PageCursor> cursor = DecodePageToken(kGolden, "q");
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->key, "k");
  EXPECT_EQ(cursor->id, 7);

  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(kGolden, &raw));
  ASSERT_EQ(raw.size(), 1u + 8 + 8 + 1 + 8);
  EXPECT_EQ(raw[0], '\x01');                                          // version
  EXPECT_EQ(raw.substr(9, 8), std::string("\x07\0\0\0\0\0\0\0", 8));  // id
  EXPECT_EQ(raw[17], 'k');                                            // key
}

TEST(PageTokenTest, RejectsTokenOfAnotherQuery) {
  const std::string token = EncodePageToken({"k", 7}, kQuery);
  ExpectTokenError(DecodePageToken(token, "parent=|filter=|order_by=name"),
                   "page_token does not belong to this query");
  ExpectTokenError(DecodePageToken(token, ""),
                   "page_token does not belong to this query");
}

TEST(PageTokenTest, RejectsEveryAlteredByte) {
  const std::string token = EncodePageToken({"华为", 1234}, kQuery);
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string altered = raw;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    absl::StatusOr<PageCursor> result =
        DecodePageToken(absl::WebSafeBase64Escape(altered), kQuery);
    EXPECT_FALSE(result.ok()) << "byte " << i;
  }
  // Truncated and extended tokens.
  ExpectTokenError(
      DecodePageToken(absl::WebSafeBase64Escape(raw.substr(0, raw.size() - 1)),
                      kQuery),
      "malformed page_token");
  ExpectTokenError(
      DecodePageToken(absl::WebSafeBase64Escape(raw + "x"), kQuery),
      "malformed page_token");
}

TEST(PageTokenTest, RejectsGarbage) {
  for (const char* garbage :
       {"", "x", "!!!!", "abc def", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "not+a/token==", "----"}) {
    ExpectTokenError(DecodePageToken(garbage, kQuery), "malformed page_token");
  }
}

}  // namespace
}  // namespace csm
