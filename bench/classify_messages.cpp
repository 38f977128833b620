#include "classify_messages.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

namespace intake::bench {
namespace {

// Written for this benchmark. The mix is deliberate: short greetings and questions (the
// bulk of real chat traffic), mid-length complaints, a few long e-mail-like texts, and
// traditional Chinese and English ones that the default pack mostly does not cover.
constexpr const char* kMessages[] = {
    // Short: greetings, one-line questions.
    "你好，在吗？有人在线吗",
    "您好，我想咨询一下售后的问题",
    "谢谢，已经收到了，辛苦了",
    "好的，那我明天再联系你们",
    "这款滴灌带多少钱一卷？",
    "有没有发票？公司要报销的",
    "物流单号能发我一下吗",
    "转人工，机器人说不清楚",
    "在不在？有急事找你们！！！",
    "hello, is anyone there?",
    "Thanks, that solved it.",
    "How much is the 25 kg bag?",
    "請問我的訂單今天有出貨嗎？",
    "謝謝你們的幫忙，問題解決了",

    // Mid-length, simplified Chinese: the everyday after-sales complaint.
    "买的防水涂料刷上去才一个星期就起泡脱落了，墙面全花了，你们这质量也太差了吧。",
    "热水器装好第二天就漏水，楼下邻居都找上门来了，安装师傅说不是他的问题。",
    "快递三天了还没到，物流信息一直停在转运中心，能帮我查一下进度吗？",
    "收到的箱子是破的，里面的玻璃胶压坏了两支，还少发了一包喷头。",
    "上门的师傅态度很差，装完就走，垃圾都不带走，问他问题爱理不理的。",
    "客服电话一直打不通，在线也没人回复，到底还有没有人管？",
    "是不是我自己用错了？按说明书兑了水，叶子还是发黄，没什么效果。",
    "已经第三次反映了，净水器还是一股怪味，再不处理我就要投诉了。",
    "你们卖的是假货吧？包装跟官网上的不一样，防伪码也查不到。",
    "我要退款，货不对版，颜色和图片差太多，退货运费谁出？",
    "约好周六上午来测甲醛，等到中午都没来，电话里说改天，也不说哪天。",
    "空调外机噪音太大了，晚上根本睡不着，能不能派人来看一下，要不就换一台。",
    "复合肥撒下去一个月苗还是黄的，邻居家用别的牌子都绿了，要求重新检测。",
    "你好，我上周买的门锁指纹识别失灵了，密码也打不开，现在进不了家门，很着急。",
    "发错货了，我订的是白色的密封胶，寄来的是透明的，麻烦补发一下。",
    "问一下，这个杀虫剂对蜜蜂有没有影响？旁边有人养蜂。",
    "插座用了两天就冒烟了，差点着火，幸好人在家，你们必须给个说法，不然我找媒体曝光。",
    "师傅装的马桶是歪的，还一直渗漏，地砖都泡坏了，要求赔偿地砖的损失。",

    // Traditional Chinese (the default pack's patterns are simplified: a realistic gap).
    "我上個月買的淨水器濾芯才用兩週就堵住了，出水越來越慢，請問可以換貨嗎？",
    "安裝師傅遲到了三個小時，來了之後態度還很不耐煩，這樣的服務真的讓人失望。",
    "包裹外箱整個被壓扁，裡面的瓷磚碎了四片，請盡快處理退款。",
    "客服一直推來推去，問題拖了半個月都沒解決，我要投訴到消費者協會。",
    "這款除草劑要怎麼稀釋？一桶水要加多少？會不會傷到旁邊的果樹？",
    "冷氣機運轉時有很大的異音，而且不冷，已經報修兩次還是一樣，希望能派專人處理。",

    // English, and mixed.
    "The pump stopped working after two days and now it is leaking all over the floor.",
    "Your installer never came. I took a day off work for nothing. I want a refund for the installation fee.",
    "My order was marked as delivered but I never received it. Can you check the status please?",
    "The adhesive does not hold at all; the tiles fell off the wall within a week. Poor quality.",
    "Is this fertilizer safe for vegetables, and how much should I use per square metre?",
    "The agent on the phone was really rude and hung up on me. I'd like to speak to a manager.",
    "订单号 A2026-118-09347 的货还没发，催了好几次，what is going on?",
    "买的 smart lock 连不上 wifi，app 一直显示 offline，重置了也没用。",

    // Long, e-mail-like: several issues in one text, dates, order numbers, amounts.
    "你好，我是去年十月在你们旗舰店买的整套净水设备，订单号是 20251017-88213，当时安装师傅说"
    "前置过滤器每半年换一次滤芯就行。今年四月我按时换了滤芯，结果换完以后接口处一直往外渗水，"
    "我自己拧紧了几次都没用。上周打了客服热线，客服让我拍视频发过去，我发了以后就再也没有人回复。"
    "这期间厨房地柜已经被泡得发胀变形，柜门都关不上了。我想问一下：第一，能不能尽快安排师傅上门"
    "检查到底是滤芯的问题还是安装的问题；第二，地柜的损失谁来承担？如果三天内还是没人处理，"
    "我只能向12315投诉，并在网上把整个经过发出来。另外说明一下，当初安装的时候师傅没有带密封圈，"
    "是临时用生料带缠的，我当时就问过会不会漏，他说没问题。现在看来很可能就是这个原因。我不想再"
    "拖了，家里老人小孩每天都要用水，麻烦你们认真对待，给我一个明确的时间和处理方案，谢谢。",

    "尊敬的售后部门：本人于十一月三日在贵公司门店购买水溶肥二十箱，用于大棚番茄追肥。使用说明写"
    "的是每亩五公斤兑水滴灌，我们严格按照这个比例施用，第二天就发现大片叶子边缘发黄卷曲，部分植株"
    "出现烧根的情况。请了农技站的人来看，初步判断是肥料浓度或成分有问题。现在损失大约有三分之一的"
    "苗，马上要进入结果期，非常着急。请贵公司尽快派技术人员到现场查看，并对同批次产品重新检测，"
    "如确认是产品问题，请给出赔偿方案。联系电话见订单，白天随时可以打。",

    "我們家在九月底訂了一套實木地板，約定十月中旬安裝。安裝當天師傅遲到了快兩個小時，施工過程"
    "中也沒有做好防護，把牆角的踢腳線刮花了好幾處。更嚴重的是，入住不到一個月，客廳中間的地板就開始"
    "起拱，走上去咯吱咯吱響，縫隙也越來越大。打電話給客服，對方只說會轉給相關部門，之後就沒有下文。"
    "我們已經等了三週，希望貴公司能正視這個問題，盡快派人重新檢查安裝，並說明後續的處理方式。",

    "Hello, about order 55-20931 (two bags of slow-release fertilizer and a sprayer): the parcel "
    "arrived a week late with the box torn, one bag had split and a third of it was lost. The "
    "sprayer works but the nozzle leaks at the joint. Support closed my chat twice without an "
    "answer. I would like a replacement bag and nozzle, or a partial refund. What do you need "
    "from me (photos, receipt)?",
};

}  // namespace

std::vector<std::string> builtin_messages() { return {std::begin(kMessages), std::end(kMessages)}; }

Result<std::vector<std::string>> read_corpus_texts(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("bad_corpus", path + ": cannot open");
  std::vector<std::string> texts;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    const std::string where = path + ":" + std::to_string(number);
    if (doc.is_discarded() || !doc.is_object()) return make_error("bad_corpus", where + ": not a JSON object");
    const auto text = doc.find("text");
    if (text == doc.end() || !text->is_string()) return make_error("bad_corpus", where + ": no \"text\" string");
    if (!text->get_ref<const std::string&>().empty()) texts.push_back(text->get<std::string>());
  }
  if (texts.empty()) return make_error("bad_corpus", path + ": no texts");
  return texts;
}

}  // namespace intake::bench
