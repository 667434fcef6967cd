// The test-only FileClock: one instant in a file, re-read at every Now().
#include "common/clock.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace csm {
namespace {

class FileClockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/csm-file-clock-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/now";
  }
  void TearDown() override {
    std::remove(path_.c_str());
    rmdir(dir_.c_str());
  }
  void Write(const std::string& text) {
    std::ofstream(path_, std::ios::trunc) << text;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(FileClockTest, ReadsTheInstantTheTestWroteLast) {
  Write("2026-11-16T09:00:00+08:00\n");
  auto clock = FileClock::Open(path_);
  ASSERT_TRUE(clock.ok()) << clock.status();
  EXPECT_EQ((*clock)->Now(), absl::FromUnixSeconds(1794790800));
  EXPECT_EQ((*clock)->Now(), absl::FromUnixSeconds(1794790800));
  Write("2026-11-16T01:30:00.5Z");
  EXPECT_EQ((*clock)->Now(),
            absl::FromUnixSeconds(1794792600) + absl::Milliseconds(500));
}

TEST_F(FileClockTest, ABadReadKeepsTheLastGoodInstant) {
  Write("2026-11-16T09:00:00+08:00");
  auto clock = FileClock::Open(path_);
  ASSERT_TRUE(clock.ok()) << clock.status();
  Write("half-written");
  EXPECT_EQ((*clock)->Now(), absl::FromUnixSeconds(1794790800));
  std::remove(path_.c_str());
  EXPECT_EQ((*clock)->Now(), absl::FromUnixSeconds(1794790800));
}

TEST_F(FileClockTest, OpeningAFileWithoutAnInstantFails) {
  EXPECT_EQ(FileClock::Open(path_).status().code(),
            absl::StatusCode::kInvalidArgument);
  Write("monday");
  EXPECT_EQ(FileClock::Open(path_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace csm
