// gateway::load_opencc_converter with the real OpenCC dictionaries (libopencc-data):
// which characters are traditional, and Taiwan wording turned into mainland wording, so
// that rules written once in simplified characters hold for traditional text.
#include <gtest/gtest.h>

#include "gateway/opencc_converter.hpp"
#include "intake/dialog/engine.hpp"
#include "unit_support.hpp"

namespace {

using intake::Script;

const intake::dialog::ChineseConverter& converter() {
  static auto loaded = intake::gateway::load_opencc_converter();
  if (!loaded) throw std::runtime_error(loaded.error().message);
  return **loaded;
}

TEST(OpenccConverter, KnowsWhichCharactersAreTraditional) {
  for (char32_t cp : {U'產', U'質', U'態', U'體', U'號', U'貨'}) EXPECT_TRUE(converter().is_traditional(cp)) << static_cast<std::uint32_t>(cp);
  for (char32_t cp : {U'产', U'质', U'态', U'体', U'号', U'货', U'品', U'我', U'a'})
    EXPECT_FALSE(converter().is_traditional(cp)) << static_cast<std::uint32_t>(cp);
}

TEST(OpenccConverter, TurnsTaiwanTextIntoMainlandText) {
  EXPECT_EQ(converter().to_simplified("產品質量有問題"), "产品质量有问题");
  EXPECT_EQ(converter().to_simplified("客服態度很差"), "客服态度很差");
  EXPECT_EQ(converter().to_simplified("軟體打不開"), "软件打不开");  // Taiwan wording, mainland word
}

TEST(OpenccConverter, TraditionalAndSimplifiedMessagesGetTheSameLabels) {
  auto pack = unit::default_rule_pack();
  for (auto [simplified, traditional] : {std::pair{"产品质量有问题，我要退货", "產品質量有問題，我要退貨"},
                                         std::pair{"客服态度太差了", "客服態度太差了"},
                                         std::pair{"物流太慢了，还没发货", "物流太慢了，還沒發貨"}}) {
    const auto s = intake::dialog::classify_message(*pack, simplified, &converter());
    const auto t = intake::dialog::classify_message(*pack, traditional, &converter());
    EXPECT_EQ(s.primary, t.primary) << traditional;
    EXPECT_EQ(s.severity, t.severity) << traditional;
    EXPECT_EQ(s.script, Script::zh_Hans);
    EXPECT_EQ(t.script, Script::zh_Hant);
  }
}

TEST(OpenccConversion, AnyConfigurationByName) {
  auto s2twp = intake::gateway::load_opencc_conversion("s2twp.json");
  ASSERT_TRUE(s2twp.ok()) << s2twp.error().message;
  EXPECT_EQ((*s2twp)("软件质量"), "軟體質量");
  auto missing = intake::gateway::load_opencc_conversion("no-such-configuration.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no-such-configuration.json"), std::string::npos);
}

}  // namespace
