#include "common/personal_text.h"

#include <string>

#include "common/text.h"
#include "gtest/gtest.h"

namespace csm {
namespace {

TEST(MaskPersonalNumbersTest, MobilesAsCustomerSvcMasksThem) {
  EXPECT_EQ(MaskPersonalNumbers("请回电13812345678，谢谢"),
            "请回电138****5678，谢谢");
  EXPECT_EQ(MaskPersonalNumbers("call 138 1234 5678 or 138-1234-5678"),
            "call 138****5678 or 138****5678");
  EXPECT_EQ(MaskPersonalNumbers("+86 13812345678"), "+86 138****5678");
}

TEST(MaskPersonalNumbersTest, LandlinesKeepTheirAreaCode) {
  EXPECT_EQ(MaskPersonalNumbers("座机010-88886666"), "座机010-****6666");
  EXPECT_EQ(MaskPersonalNumbers("0571-8888666"), "0571-***8666");
  EXPECT_EQ(MaskPersonalNumbers("tel 88886666"), "tel ****6666");
}

TEST(MaskPersonalNumbersTest, IdNumbersAndCreditCodesKeepFourAndFour) {
  EXPECT_EQ(MaskPersonalNumbers("身份证110101199003071234"),
            "身份证1101**********1234");
  EXPECT_EQ(MaskPersonalNumbers("11010119900307123X"), "1101**********123X");
  EXPECT_EQ(MaskPersonalNumbers("信用代码91350100M000100Y43"),
            "信用代码9135**********0Y43");
}

TEST(MaskPersonalNumbersTest, OrdinaryTextStays) {
  for (const std::string& s :
       {std::string("包装破损，2026-11-02 到货"),
        std::string("金额 12,345.67 元"), std::string("10:30 之前"),
        std::string("Information technology"), std::string("订单 123456"),
        std::string("")}) {
    EXPECT_EQ(MaskPersonalNumbers(s), s);
  }
}

TEST(EventTextTest, MasksThenCapsAtFiveHundredCharacters) {
  std::string text = "电话13812345678";
  for (int i = 0; i < 600; ++i) text += "字";
  const std::string out = EventText(text);
  EXPECT_EQ(CountCodePoints(out), kMaxEventTextChars);
  EXPECT_EQ(out.rfind("电话138****5678", 0), 0u);
}

}  // namespace
}  // namespace csm
