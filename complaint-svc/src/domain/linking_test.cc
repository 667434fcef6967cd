#include "complaint-svc/src/domain/linking.h"

#include <vector>

#include "complaint-svc/src/domain/complaint_number.h"
#include "gtest/gtest.h"

namespace csm::complaint {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1790000000);

OpenComplaintFacts Open(
    int64_t id, const char* cat, const char* subject, const char* ref,
    absl::Duration age,
    v1::ComplaintState state = v1::COMPLAINT_STATE_IN_PROGRESS) {
  OpenComplaintFacts f;
  f.id = id;
  f.state = state;
  f.category = cat;
  f.normalized_subject = NormalizeSubject(subject);
  f.normalized_matter_reference = NormalizeMatterReference(ref);
  f.create_time = kNow - age;
  return f;
}

TEST(LinkingTest, Normalisation) {
  EXPECT_EQ(NormalizeSubject("包装 破损！"), NormalizeSubject("包装破损"));
  EXPECT_EQ(NormalizeSubject("Ｂｏｘ　Ｄａｍａｇｅｄ。"), "boxdamaged");
  EXPECT_EQ(NormalizeSubject("“发票”、错误…"), "发票错误");
  EXPECT_NE(NormalizeSubject("包装破损"), NormalizeSubject("包装变形"));
  EXPECT_EQ(NormalizeMatterReference("  SO-2026-001 "), "so-2026-001");
  EXPECT_EQ(NormalizeMatterReference("ＳＯ-2026-001"), "so-2026-001");
}

TEST(LinkingTest, TableOfCases) {
  const std::vector<OpenComplaintFacts> existing = {
      Open(1, "packaging", "包装破损", "", absl::Hours(48)),
      Open(2, "packaging", "包装破损", "", absl::Hours(2)),
      Open(3, "quality", "屏幕闪烁", "SO-1", absl::Hours(5)),
      Open(4, "quality", "电池鼓包", "", absl::Hours(24 * 40)),
      Open(5, "logistics", "送货延迟", "", absl::Hours(1),
           v1::COMPLAINT_STATE_CLOSED),
      Open(6, "logistics", "司机态度", "", absl::Hours(1),
           v1::COMPLAINT_STATE_REJECTED),
      Open(7, "sales", "合同条款", "", absl::Hours(3),
           v1::COMPLAINT_STATE_RESOLVED),
  };
  struct Case {
    const char* name;
    NewRegistrationFacts reg;
    int64_t want;  // 0: new complaint
  } cases[] = {
      {"same category and subject: newest wins",
       {"packaging", "包装 破损!", ""},
       2},
      {"other category", {"logistics", "包装破损", ""}, 0},
      {"same reference, other subject and category",
       {"service", "别的问题", " so-1 "},
       3},
      {"reference on one side only", {"quality", "屏幕闪烁", ""}, 0},
      {"reference given, no match", {"packaging", "包装破损", "SO-9"}, 0},
      {"outside the look-back window", {"quality", "电池鼓包", ""}, 0},
      {"closed is not open", {"logistics", "送货延迟", ""}, 0},
      {"rejected is not open", {"logistics", "司机态度", ""}, 0},
      {"resolved is still open", {"sales", "合同条款。", ""}, 7},
      {"empty subject never matches", {"packaging", "！！", ""}, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto m = FindSameMatter(c.reg, existing, kNow);
    if (c.want == 0) {
      EXPECT_FALSE(m.has_value()) << m->id;
    } else {
      ASSERT_TRUE(m.has_value());
      EXPECT_EQ(m->id, c.want);
      EXPECT_FALSE(m->reason.empty());
    }
  }
}

TEST(ComplaintNumberTest, ShanghaiMonth) {
  // 2026-10-31 16:30 UTC is 2026-11-01 00:30 in Shanghai.
  const absl::Time t = absl::FromCivil(
      absl::CivilSecond(2026, 10, 31, 16, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(FormatComplaintNumber(t, 42), "TS202611-000042");
  EXPECT_EQ(ComplaintNumberPeriod(t), "202611");
}

}  // namespace
}  // namespace csm::complaint
