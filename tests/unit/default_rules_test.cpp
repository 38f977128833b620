// The shipped rule pack (config/rules/default.json) against LABELS.md: customer texts
// written for each category, severity and intent, always through the normaliser.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "intake/dialog/normalizer.hpp"
#include "intake/dialog/rule_pack.hpp"
#include "unit_support.hpp"

namespace {

using intake::Category;
using intake::Classification;
using intake::Intent;
using intake::Severity;
using intake::dialog::normalize;

class DefaultRules : public ::testing::Test {
 protected:
  void SetUp() override {
    pack_ = unit::default_rule_pack();
    ASSERT_NE(pack_, nullptr);
  }
  Classification classify(const std::string& text) const { return pack_->classify(normalize(text)); }

  static bool has_category(const Classification& c, Category x) {
    return std::find(c.categories.begin(), c.categories.end(), x) != c.categories.end();
  }
  static bool has_intent(const Classification& c, Intent x) {
    return std::find(c.intents.begin(), c.intents.end(), x) != c.intents.end();
  }
  static bool has_hit(const Classification& c, const std::string& rule_id) {
    return std::any_of(c.hits.begin(), c.hits.end(), [&](const intake::RuleHit& h) { return h.rule_id == rule_id; });
  }

  std::shared_ptr<const intake::dialog::RulePack> pack_;
};

TEST_F(DefaultRules, ProductQuality) {
  for (const char* text : {"冰箱买回来第三天就坏了", "这批货质量太差了", "热水器一直漏水", "The heater is broken"}) {
    const auto c = classify(text);
    EXPECT_EQ(c.primary, Category::product_quality) << text;
    EXPECT_GT(c.confidence, 0) << text;
  }
}

TEST_F(DefaultRules, InstallationQuality) {
  for (const char* text : {"约好的安装师傅一直没来", "你们的师傅安装不规范，柜门都装歪了"}) {
    const auto c = classify(text);
    EXPECT_EQ(c.primary, Category::installation_quality) << text;
  }
}

TEST_F(DefaultRules, Logistics) {
  for (const char* text : {"快递太慢了，下单一个星期了", "外包装破了，里面还少发了一件"}) {
    const auto c = classify(text);
    EXPECT_EQ(c.primary, Category::logistics) << text;
  }
}

TEST_F(DefaultRules, StaffAttitude) {
  for (const char* text : {"你们客服态度太差了", "售后热线一直打不通"}) {
    const auto c = classify(text);
    EXPECT_EQ(c.primary, Category::staff_attitude) << text;
  }
}

TEST_F(DefaultRules, NeutralQuestionIsInquiry) {
  for (const char* text : {"请问这款肥料怎么使用？", "这个型号多少钱", "可以开发票吗"}) {
    const auto c = classify(text);
    EXPECT_EQ(c.primary, Category::inquiry) << text;
    EXPECT_EQ(c.categories, std::vector<Category>{Category::inquiry}) << text;
    EXPECT_EQ(c.severity, Severity::normal) << text;
  }
}

TEST_F(DefaultRules, QuestionCarryingAComplaintIsNotInquiry) {
  // LABELS.md: "why is it still broken?" is filed under the complaint's category.
  for (const char* text : {"请问为什么冰箱刚买就坏了？", "快递太慢了，什么时候到？"}) {
    const auto c = classify(text);
    EXPECT_TRUE(intake::is_complaint(c.primary)) << text;
    EXPECT_FALSE(has_category(c, Category::inquiry)) << text;
  }
}

TEST_F(DefaultRules, RegulatorLawyerAndFireAreMajor) {
  for (const char* text : {"再不处理我就打12315投诉你们", "我已经请了律师", "电热水器起火了", "孩子被烫伤了"})
    EXPECT_EQ(classify(text).severity, Severity::major) << text;
}

TEST_F(DefaultRules, FullWidthDigitsReachTheRulesAfterNormalising) {
  EXPECT_EQ(classify("我要打１２３１５").severity, Severity::major);
  // Without the normaliser the full-width digits would not match the rule.
  EXPECT_NE(pack_->classify("我要打１２３１５").severity, Severity::major);
}

TEST_F(DefaultRules, FigurativeWordsAreNotMajor) {
  for (const char* text : {"这个东西烂到爆炸", "气到爆炸，质量太差了", "这是媒体推荐的产品"}) {
    const auto c = classify(text);
    EXPECT_NE(c.severity, Severity::major) << text;
  }
  // The literal word still counts.
  EXPECT_EQ(classify("充电器爆炸了").severity, Severity::major);
}

TEST_F(DefaultRules, NotAQualityProblemCancelsQuality) {
  const auto plain = classify("质量问题");
  ASSERT_EQ(plain.primary, Category::product_quality);  // the word alone is a quality complaint
  const auto c = classify("包装破了，但不是质量问题");
  EXPECT_FALSE(has_category(c, Category::product_quality));
  EXPECT_FALSE(has_hit(c, "pq.quality_word"));
  EXPECT_EQ(c.primary, Category::logistics);
}

TEST_F(DefaultRules, ReturnAndCompensationAreSerious) {
  for (const char* text : {"我要退货", "要求赔偿损失", "东西坏了，给我退款"}) {
    const auto c = classify(text);
    EXPECT_EQ(c.severity, Severity::serious) << text;
    EXPECT_TRUE(has_intent(c, Intent::compensation_request)) << text;
  }
}

TEST_F(DefaultRules, Intents) {
  EXPECT_TRUE(has_intent(classify("转人工"), Intent::human_request));
  EXPECT_TRUE(has_intent(classify("我要找人工客服"), Intent::human_request));
  EXPECT_TRUE(has_intent(classify("检测报告有问题，申请复测"), Intent::retest_request));
  EXPECT_TRUE(has_intent(classify("请尽快退款"), Intent::compensation_request));
  EXPECT_TRUE(has_intent(classify("我的投诉处理进度怎么样了"), Intent::status_query));
  EXPECT_TRUE(classify("冰箱坏了").intents.empty());
}

TEST_F(DefaultRules, GreetingIsRecognisedSmallTalk) {
  for (const char* text : {"你好", "您好！", "谢谢", "Hello"}) {
    const auto c = classify(text);
    EXPECT_EQ(c.primary, Category::other) << text;
    EXPECT_GT(c.confidence, 0) << text << ": small talk must be told apart from unrecognised text";
  }
  EXPECT_EQ(classify("型号 x-200").confidence, 0);
}

TEST_F(DefaultRules, HitsNameTheRuleAndPointAtTheNormalisedBytes) {
  const std::string normalized = normalize("ＯＫ，我家冰箱　坏了，我要找律师");
  const auto c = pack_->classify(normalized);
  ASSERT_FALSE(c.hits.empty());
  EXPECT_EQ(c.pack_version, pack_->version());
  for (const auto& hit : c.hits) {
    EXPECT_FALSE(hit.rule_id.empty());
    EXPECT_FALSE(hit.target.empty());
    EXPECT_LE(hit.begin, hit.end);
    EXPECT_LE(hit.end, normalized.size());
  }
  auto find = [&](const std::string& id) {
    return std::find_if(c.hits.begin(), c.hits.end(), [&](const intake::RuleHit& h) { return h.rule_id == id; });
  };
  auto broken = find("pq.broken");
  ASSERT_NE(broken, c.hits.end());
  EXPECT_EQ(broken->target, "category:product_quality");
  EXPECT_EQ(normalized.substr(broken->begin, broken->end - broken->begin), "坏了");
  EXPECT_EQ(broken->begin, normalized.find("坏了"));
  auto legal = find("sv.legal");
  ASSERT_NE(legal, c.hits.end());
  EXPECT_EQ(legal->target, "severity:major");
  EXPECT_EQ(normalized.substr(legal->begin, legal->end - legal->begin), "律师");
}

// ---- cases where the first pack disagreed with LABELS.md -----------------------------

TEST_F(DefaultRules, AreYouThereIsSmallTalk) {
  // "在吗" is listed as small talk by the ot.greeting rule itself.
  const auto c = classify("在吗");
  EXPECT_EQ(c.primary, Category::other);
  EXPECT_GT(c.confidence, 0);
}

TEST_F(DefaultRules, HurtFeelingsAreNotMajor) {
  // LABELS.md names "心受伤" among the words used figuratively.
  const auto c = classify("你们这样的服务让我的心受伤了");
  EXPECT_NE(c.severity, Severity::major);
}

TEST_F(DefaultRules, FireIsMajorEvenWhenQualityIsSaidToBeFine) {
  // A safety incident stays one whatever else the customer says about quality.
  EXPECT_EQ(classify("产品质量没问题，但是充电的时候起火了").severity, Severity::major);
  EXPECT_EQ(classify("不漏水，但插座冒烟了").severity, Severity::major);
  // The negation cancels only what it negates.
  EXPECT_NE(classify("没有漏电，就是外壳有点脏").severity, Severity::major);
}

}  // namespace
