#include "gateway/web_assets.hpp"

#include <boost/beast/http/field.hpp>
#include <map>

#include "intake/fnv1a.hpp"
#include "intake/hex.hpp"

namespace intake::embedded {
const std::vector<std::pair<std::string, std::string>>& web_assets();
const std::vector<std::pair<std::string, std::string>>& web_vendor_assets();  // gateway/web-vendor
}

namespace intake::gateway {
namespace {

namespace http = boost::beast::http;

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// The pages, by path; every other file is an asset under /assets/.
constexpr std::pair<std::string_view, std::string_view> kPages[] = {{"/chat", "chat.html"}, {"/console", "console.html"}};
constexpr std::string_view kAssetPrefix = "/assets/";

struct Asset {
  std::string_view body;
  std::string_view content_type;
  std::string etag;
};

std::string_view content_type_of(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

const std::map<std::string, Asset, std::less<>>& assets() {
  static const auto table = [] {
    std::map<std::string, Asset, std::less<>> t;
    // Views into the embedded tables, which live as long as the program.
    std::vector<const std::pair<std::string, std::string>*> files;
    for (const auto& file : embedded::web_assets()) files.push_back(&file);
    for (const auto& file : embedded::web_vendor_assets()) files.push_back(&file);
    for (const auto* file : files) {
      const auto& [name, body] = *file;
      const std::uint64_t h = fnv1a64(body);
      std::string digest;
      for (int shift = 56; shift >= 0; shift -= 8) digest += static_cast<char>((h >> shift) & 0xff);
      t.emplace(name, Asset{body, content_type_of(name), "\"" + lower_hex(digest) + "\""});
    }
    return t;
  }();
  return table;
}

const Asset* find_asset(std::string_view path) {
  std::string_view name;
  for (const auto& [page, file] : kPages)
    if (path == page) name = file;
  if (name.empty() && path.starts_with(kAssetPrefix)) {
    name = path.substr(kAssetPrefix.size());
    if (name.ends_with(".html")) return nullptr;  // pages only at their own path
  }
  if (name.empty()) return nullptr;
  auto it = assets().find(name);
  return it == assets().end() ? nullptr : &it->second;
}

}  // namespace

std::optional<Response> web_asset(std::string_view path, const Request& request) {
  const Asset* asset = find_asset(path);
  if (asset == nullptr) return std::nullopt;
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    Response res = error_response(405, "method_not_allowed", "use GET");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  const bool unchanged = request[http::field::if_none_match] == asset->etag;
  Response res{unchanged ? http::status::not_modified : http::status::ok, 11};
  res.set(http::field::content_type, asset->content_type);
  res.set(http::field::etag, asset->etag);
  res.set(http::field::cache_control, "no-cache");  // revalidate: a new build changes the files
  res.set("Content-Security-Policy", kContentSecurityPolicy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  if (!unchanged && request.method() == http::verb::get) res.body() = std::string(asset->body);
  return res;
}

}  // namespace intake::gateway
