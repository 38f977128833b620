#include "synthetic_rule_pack.hpp"

#include "intake/dialog/reply_templates.hpp"
#include "intake/script.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

namespace intake::bench {
namespace {

using Words = std::vector<std::string_view>;

// splitmix64: fully specified, unlike std::uniform_int_distribution, whose output differs
// between standard libraries; the generated pack must be the same everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Slightly biased for huge n; irrelevant for lists of a few dozen words.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  std::size_t between(std::size_t low, std::size_t high) { return low + below(high - low + 1); }
  bool percent(unsigned p) { return below(100) < p; }

 private:
  std::uint64_t state_;
};

// Vocabulary of after-sales messages (written folded, as the normaliser leaves text).
const Words kProducts = {"复合肥", "尿素", "水溶肥", "叶面肥", "有机肥", "除草剂", "杀虫剂", "杀菌剂", "种子",
                         "农膜", "滴灌带", "喷头", "瓷砖胶", "结构胶", "密封胶", "玻璃胶", "防水涂料", "油漆",
                         "热水器", "净水器", "滤芯", "空调", "洗衣机", "马桶", "水龙头", "地板", "门锁", "插座",
                         "灯具", "水泵", "电池", "充电器", "机器", "产品", "东西", "货"};
const Words kDefects = {"结块", "受潮", "发霉", "变质", "漏水", "漏电", "渗水", "开裂", "裂缝", "脱胶", "起泡",
                        "脱落", "变色", "发黄", "生锈", "掉漆", "异响", "噪音大", "卡顿", "失灵", "断裂", "松动",
                        "烧坏", "烧苗", "没效果", "粘不住", "不出水", "不制冷", "不加热", "跳闸", "死机", "坏了",
                        "用不了", "打不开", "有异味", "不合格"};
const Words kStaff = {"客服", "师傅", "业务员", "快递员", "安装工", "店员", "售后", "经理", "司机", "工作人员"};
const Words kAdverbs = {"很", "太", "特别", "非常", "极其", "真的", "一直", "总是"};
const Words kAttitude = {"差", "冷淡", "敷衍", "不耐烦", "凶", "不理人", "推诿", "骂人", "挂电话", "不负责",
                         "爱理不理", "态度恶劣"};
const Words kInstallWords = {"安装", "施工", "上门", "维修", "测量", "调试", "铺设", "接线"};
const Words kInstallProblems = {"没来", "迟到", "爽约", "改期", "装歪", "装反", "装错", "没装好", "不规范",
                                "乱收费", "弄脏", "刮花", "返工"};
const Words kLogistics = {"快递", "物流", "包裹", "发货", "配送", "送货", "订单", "货物", "运单"};
const Words kLogisticsProblems = {"太慢", "没到", "没发", "延误", "丢了", "丢件", "破损", "压坏", "送错",
                                  "少发", "漏发", "退回", "不更新"};
const Words kRequests = {"退货", "退款", "换货", "补发", "赔偿", "维修", "重新发", "上门处理", "检测", "复测",
                         "回电话", "开发票", "报销运费"};
const Words kRequestVerbs = {"要求", "希望", "申请", "必须", "麻烦", "请", "尽快"};
const Words kEscalation = {"12315", "消协", "消费者协会", "市场监管", "工商局", "媒体", "记者", "曝光", "律师",
                           "起诉", "法院", "报警", "黑猫投诉", "朋友圈"};
const Words kSafety = {"着火", "起火", "冒烟", "爆炸", "触电", "烫伤", "烧伤", "中毒", "受伤", "漏气"};
const Words kQuestions = {"多少钱", "怎么用", "怎么安装", "用量", "用法", "保质期", "有货吗", "能不能混用",
                          "兑水比例", "适合什么", "包邮吗", "能开票吗"};
const Words kEnNouns = {"pump", "heater", "filter", "fertilizer", "glue", "adhesive", "sealant", "lock",
                        "tap", "faucet", "sprayer", "nozzle", "battery", "charger", "order", "parcel", "package",
                        "tiles", "floor", "boiler"};
const Words kEnDefects = {"leaking", "leaks", "cracked", "broken", "stuck", "mouldy", "moldy", "rusty", "noisy",
                          "missing", "damaged", "faulty", "dead", "loose", "peeling", "clogged", "late", "lost"};
const Words kEnRequests = {"refund", "replacement", "return", "repair", "callback", "invoice", "technician",
                           "manager", "supervisor", "human"};
const Words kEnVerbs = {"want", "need", "demand", "request", "get", "speak to", "talk to", "send"};

// Picks between `low` and `high` distinct words and joins them into "(a|b|c)".
std::string alternation(Rng& rng, const Words& words, std::size_t low, std::size_t high) {
  std::vector<std::string_view> pool = words;
  const std::size_t count = std::min(rng.between(low, high), pool.size());
  std::string out = "(";
  for (std::size_t i = 0; i < count; ++i) {
    std::swap(pool[i], pool[i + rng.below(pool.size() - i)]);  // a partial Fisher-Yates shuffle
    if (i > 0) out += '|';
    out += pool[i];
  }
  return out + ")";
}

std::string gap(Rng& rng) {
  constexpr std::array<std::string_view, 4> kGaps = {".{0,4}", ".{0,6}", ".{0,8}", ".{0,12}"};
  return std::string(kGaps[rng.below(kGaps.size())]);
}

struct GeneratedRule {
  std::string pattern;
  std::string target;
};

// Joins parts in order. The parts are built in a braced list because its elements are
// evaluated left to right, whereas the operands of `a + b` may be evaluated in either
// order: with `+`, two compilers could draw the random words in different orders.
std::string join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& part : parts) out += part;
  return out;
}

// One shape of rule per function; each is how someone writing rules by hand would say it.
GeneratedRule product_defect(Rng& rng) {
  return {join({alternation(rng, kProducts, 2, 6), rng.percent(50) ? "(的)?" : "", alternation(rng, kDefects, 2, 6)}),
          "category:product_quality"};
}
GeneratedRule product_gap_defect(Rng& rng) {
  return {join({alternation(rng, kProducts, 2, 5), gap(rng), alternation(rng, kDefects, 3, 8)}),
          "category:product_quality"};
}
GeneratedRule staff_attitude(Rng& rng) {
  return {join({alternation(rng, kStaff, 2, 5), "(的)?(态度)?", alternation(rng, kAdverbs, 2, 4), "?",
                alternation(rng, kAttitude, 2, 5)}),
          "category:staff_attitude"};
}
GeneratedRule installation(Rng& rng) {
  return {join({alternation(rng, kInstallWords, 1, 4), "(师傅|人员)?", gap(rng), alternation(rng, kInstallProblems, 2, 5)}),
          "category:installation_quality"};
}
GeneratedRule logistics(Rng& rng) {
  return {join({alternation(rng, kLogistics, 2, 4), "(一直|还|都|又)?", alternation(rng, kLogisticsProblems, 2, 5)}),
          "category:logistics"};
}
GeneratedRule repeated_contact(Rng& rng) {
  return {join({"(第[二三四五六2-6]次|好几次|多次|反复|又一次)", gap(rng), "(投诉|反映|联系|打电话|催)"}),
          "category:complaint"};
}
GeneratedRule waited_days(Rng& rng) {
  std::string pattern = join({"[0-9一二三四五六七八九十两]{1,3}(天|个?小时|周|个月)(了)?(还|也|都)?(没|不)",
                              alternation(rng, kLogisticsProblems, 1, 3)});
  return {std::move(pattern), rng.percent(50) ? "category:logistics" : "category:complaint"};
}
GeneratedRule misuse(Rng& rng) {
  return {join({"(是不是|会不会|是否)(我|我们)?(自己)?.{0,4}(用错|兑错|放错|装反|操作不当|没按说明)",
                rng.percent(30) ? alternation(rng, kProducts, 1, 3) + "?" : std::string()}),
          "category:misuse"};
}
GeneratedRule question(Rng& rng) {
  return {join({"(请问|想问|咨询一下)?", alternation(rng, kProducts, 2, 6), ".{0,4}", alternation(rng, kQuestions, 2, 4)}),
          "category:inquiry"};
}
GeneratedRule english_defect(Rng& rng) {
  return {join({"\\b", alternation(rng, kEnNouns, 2, 6), "\\b.{0,20}\\b", alternation(rng, kEnDefects, 2, 6), "\\b"}),
          "category:product_quality"};
}
GeneratedRule english_request(Rng& rng) {
  std::string pattern = join({"\\b", alternation(rng, kEnVerbs, 1, 3), " (a |an |the |my |your )?",
                              alternation(rng, kEnRequests, 1, 4), "\\b"});
  return {std::move(pattern), rng.percent(50) ? "intent:compensation_request" : "intent:human_request"};
}
GeneratedRule request(Rng& rng) {
  std::string pattern = join({alternation(rng, kRequestVerbs, 1, 4), ".{0,2}", alternation(rng, kRequests, 2, 5)});
  return {std::move(pattern), rng.percent(80) ? "intent:compensation_request" : "intent:retest_request"};
}
GeneratedRule status_query(Rng& rng) {
  return {alternation(rng, kLogistics, 2, 4) + "(到哪|在哪|进度|什么时候(到|发))", "intent:status_query"};
}
GeneratedRule escalation(Rng& rng) { return {alternation(rng, kEscalation, 2, 5), "severity:serious"}; }
GeneratedRule safety(Rng& rng) { return {alternation(rng, kSafety, 2, 4), "severity:major"}; }

using Shape = GeneratedRule (*)(Rng&);
// Repeated entries make the common shapes (defects, logistics) more frequent.
constexpr std::array<Shape, 20> kShapes = {
    product_defect, product_defect, product_defect, product_gap_defect, product_gap_defect, staff_attitude,
    staff_attitude, installation,   installation,   logistics,          logistics,          repeated_contact,
    waited_days,    misuse,         question,       english_defect,     english_request,    request,
    status_query,   escalation};

nlohmann::json rule_json(const std::string& id, GeneratedRule rule, double weight) {
  return {{"id", id}, {"target", std::move(rule.target)}, {"pattern", std::move(rule.pattern)}, {"weight", weight}};
}

}  // namespace

std::string generate_rule_pack(std::size_t rule_count, std::uint64_t seed) {
  Rng rng(seed);
  constexpr std::array<double, 4> kWeights = {0.5, 1, 1.5, 2};
  nlohmann::json rules = nlohmann::json::array();
  std::string last_quality_rule;
  for (std::size_t i = 0; i < rule_count; ++i) {
    const std::string id = "gen." + std::to_string(i);
    const unsigned roll = static_cast<unsigned>(rng.below(100));
    if (roll < 2 && !last_quality_rule.empty()) {
      // An exclusion for a negated defect ("没有漏水"), cancelling a nearby quality rule.
      nlohmann::json exclusion = {{"id", id}, {"target", "exclude"},
                                  {"pattern", "(没有|没|不是|并不|并没有)" + alternation(rng, kDefects, 2, 5)},
                                  {"cancels", nlohmann::json::array({last_quality_rule})}};
      rules.push_back(std::move(exclusion));
      continue;
    }
    GeneratedRule rule = roll < 4 ? safety(rng) : kShapes[rng.below(kShapes.size())](rng);
    if (rule.target == "category:product_quality") last_quality_rule = id;
    rules.push_back(rule_json(id, std::move(rule), kWeights[rng.below(kWeights.size())]));
  }
  // Every template a pack must have, in every script; their words do not matter here.
  nlohmann::json templates = nlohmann::json::object();
  for (std::string_view name : dialog::ReplyTemplates::kRequired)
    for (Script script : kAllScripts)
      templates[std::string(name)][std::string(to_string(script))] = "{case_number}";
  const nlohmann::json pack = {
      {"version", "synthetic-" + std::to_string(rule_count) + "-seed-" + std::to_string(seed)},
      {"min_score", 1.0},
      {"rules", std::move(rules)},
      {"templates", std::move(templates)},
  };
  return pack.dump(1);
}

}  // namespace intake::bench
