#include "intake/channels/html_text.hpp"

#include <gtest/gtest.h>

namespace intake::channels {
namespace {

TEST(HtmlText, BlocksBecomeLinesAndWhiteSpaceCollapses) {
  EXPECT_EQ(html_to_text("<html><head><title>t</title><style>p{}</style></head><body>"
                         "<p>您好，\n   水泵   漏水了。</p><div>订单号&nbsp;2026112301</div>第三行<br>第四行</body></html>"),
            "您好， 水泵 漏水了。\n订单号\xC2\xA0" "2026112301\n第三行\n第四行");
}

TEST(HtmlText, ScriptsAndCommentsAreDropped) {
  EXPECT_EQ(html_to_text("<p>hello<script>alert('x')</script><!-- hidden --> world</p>"), "hello world");
}

TEST(HtmlText, EntitiesAreDecoded) {
  EXPECT_EQ(html_to_text("<p>A &amp; B &lt;3 &#20135;&#x54C1;</p>"), "A & B <3 产品");
}

TEST(HtmlText, BlockquotesAreMarkedAsQuotes) {
  EXPECT_EQ(html_to_text("<div>还没修好</div><blockquote type=\"cite\"><div>我们已安排师傅</div><div>上门</div></blockquote>"),
            "还没修好\n> 我们已安排师傅\n> 上门");
}

TEST(HtmlText, MetaCharsetIsIgnoredBecauseTheTextIsDecodedAlready) {
  EXPECT_EQ(html_to_text("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head>"
                         "<body>产品质量问题</body></html>"),
            "产品质量问题");
}

TEST(HtmlText, BrokenMarkupStillYieldsItsText) {
  EXPECT_EQ(html_to_text("<p>未闭合<b>粗体<div>块"), "未闭合粗体\n块");
  EXPECT_EQ(html_to_text(""), "");
}

TEST(HtmlText, PreformattedTextKeepsItsLines) {
  EXPECT_EQ(html_to_text("<pre>a  b\nc</pre>"), "a  b\nc");
}

}  // namespace
}  // namespace intake::channels
