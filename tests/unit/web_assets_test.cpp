// gateway/web_assets: which paths are pages and assets, the security headers every one
// carries, revalidation by ETag, and methods other than GET and HEAD.
#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>

#include "gateway/web_assets.hpp"

namespace {

using intake::gateway::Request;
using intake::gateway::web_asset;
namespace http = boost::beast::http;

Request get(const std::string& target) { return Request{http::verb::get, target, 11}; }

TEST(WebAssets, ThePagesAreServedAtTheirOwnPathsWithAStrictPolicy) {
  for (const char* path : {"/chat", "/console"}) {
    SCOPED_TRACE(path);
    auto page = web_asset(path, get(path));
    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->result_int(), 200u);
    EXPECT_EQ((*page)[http::field::content_type], "text/html; charset=utf-8");
    const std::string csp((*page)["Content-Security-Policy"]);
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
    EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos);
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe"), std::string::npos);
    EXPECT_EQ((*page)["X-Content-Type-Options"], "nosniff");
    EXPECT_NE(page->body().find("<html"), std::string::npos);
  }
}

TEST(WebAssets, AssetsHaveTheirTypesAndPagesAreNotAssets) {
  auto script = web_asset("/assets/chat.js", get("/assets/chat.js"));
  ASSERT_TRUE(script.has_value());
  EXPECT_EQ((*script)[http::field::content_type], "text/javascript; charset=utf-8");
  auto style = web_asset("/assets/chat.css", get("/assets/chat.css"));
  ASSERT_TRUE(style.has_value());
  EXPECT_EQ((*style)[http::field::content_type], "text/css; charset=utf-8");
  auto icon = web_asset("/assets/favicon.svg", get("/assets/favicon.svg"));
  ASSERT_TRUE(icon.has_value());
  EXPECT_EQ((*icon)[http::field::content_type], "image/svg+xml");

  EXPECT_TRUE(web_asset("/assets/console.js", get("/assets/console.js")).has_value());
  EXPECT_FALSE(web_asset("/assets/chat.html", get("/assets/chat.html")).has_value());
  EXPECT_FALSE(web_asset("/assets/console.html", get("/assets/console.html")).has_value());
  EXPECT_FALSE(web_asset("/assets/", get("/assets/")).has_value());
  EXPECT_FALSE(web_asset("/assets/../chat.html", get("/assets/../chat.html")).has_value());
  EXPECT_FALSE(web_asset("/chat/", get("/chat/")).has_value());
  EXPECT_FALSE(web_asset("/healthz", get("/healthz")).has_value());
}

TEST(WebAssets, AnUnchangedFileIsAnsweredWithoutItsBody) {
  auto first = web_asset("/assets/chat.js", get("/assets/chat.js"));
  ASSERT_TRUE(first.has_value());
  const std::string etag((*first)[http::field::etag]);
  ASSERT_GE(etag.size(), 3u);
  EXPECT_EQ(etag.front(), '"');

  Request conditional = get("/assets/chat.js");
  conditional.set(http::field::if_none_match, etag);
  auto unchanged = web_asset("/assets/chat.js", conditional);
  ASSERT_TRUE(unchanged.has_value());
  EXPECT_EQ(unchanged->result_int(), 304u);
  EXPECT_TRUE(unchanged->body().empty());
  EXPECT_EQ((*unchanged)[http::field::etag], etag);

  auto other = web_asset("/assets/chat.css", get("/assets/chat.css"));
  EXPECT_NE((*other)[http::field::etag], etag) << "each file its own tag";
}

TEST(WebAssets, OnlyGetAndHeadAreAnswered) {
  Request head{http::verb::head, "/chat", 11};
  auto headed = web_asset("/chat", head);
  ASSERT_TRUE(headed.has_value());
  EXPECT_EQ(headed->result_int(), 200u);
  EXPECT_TRUE(headed->body().empty());

  Request post{http::verb::post, "/chat", 11};
  auto refused = web_asset("/chat", post);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->result_int(), 405u);
  EXPECT_EQ((*refused)[http::field::allow], "GET, HEAD");
  EXPECT_NE(refused->body().find("method_not_allowed"), std::string::npos);
}

}  // namespace
