#include "gateway/console_service.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <algorithm>
#include <deque>

#include "gateway/log.hpp"

namespace intake::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
// Announcements waiting for one page; past this, one "read everything" replaces them.
constexpr std::size_t kMaxQueued = 64;

std::string queue_frame(const std::string* conversation) {
  return nlohmann::json{{"type", "queue"},
                        {"conversation", conversation ? nlohmann::json(*conversation) : nlohmann::json(nullptr)}}
      .dump();
}

}  // namespace

struct ConsoleService::Page {
  explicit Page(const asio::any_io_executor& strand) : executor(strand), wake(strand), finished(strand) {}
  asio::any_io_executor executor;  // the page's strand: every member is touched only there
  asio::steady_timer wake;         // cancelled to wake the push loop
  asio::steady_timer finished;     // cancelled when the push loop has ended
  std::deque<std::string> queued;  // frames for the page, oldest first
  bool closed = false;
  bool going_away = false;
  bool push_ended = false;
};

ConsoleService::ConsoleService(StaffAuth& auth, std::string public_base_url)
    : auth_(auth), public_base_url_(std::move(public_base_url)) {
  while (!public_base_url_.empty() && public_base_url_.back() == '/') public_base_url_.pop_back();
}

// A browser always sends Origin with a WebSocket upgrade; another site's page would be
// refused here even if the cookie were sent (it is not: SameSite=Strict).
bool ConsoleService::same_site(const Request& upgrade) const {
  auto origin = upgrade.find(http::field::origin);
  if (origin == upgrade.end()) return false;
  const std::string_view value = origin->value();
  if (!public_base_url_.empty() && value == public_base_url_) return true;
  auto host = upgrade.find(http::field::host);
  return host != upgrade.end() && value == "https://" + std::string(host->value());
}

asio::awaitable<void> ConsoleService::serve(WebSocket& ws, const Request& upgrade, RequestLog& log) {
  ws.text(true);
  if (!same_site(upgrade)) {
    log.fields["refused"] = "origin";
    auto [ec] = co_await ws.async_close(websocket::close_reason(websocket::close_code::policy_error, "another site"), nothrow);
    (void)ec;
    co_return;
  }
  auto who = co_await auth_.identify(upgrade, log);
  if (std::holds_alternative<Response>(who)) {
    log.fields["refused"] = "session";
    auto [ec] = co_await ws.async_close(websocket::close_reason(websocket::close_code::policy_error, "sign in"), nothrow);
    (void)ec;
    co_return;
  }
  const StaffMember member = std::get<Caller>(who).member;
  log.fields["staff"] = member.id;

  auto page = std::make_shared<Page>(co_await asio::this_coro::executor);
  add(page);
  page->queued.push_back(
      nlohmann::json{{"type", "hello"}, {"staff", {{"id", member.id}, {"name", member.name}, {"role", to_string(member.role)}}}}
          .dump());
  asio::co_spawn(page->executor, push_loop(page, ws), [page](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::error("console_push_failed", {{"error", ex.what()}});
      }
    }
    page->push_ended = true;
    page->finished.cancel();
  });

  // The page says nothing the server needs; reading notices when it goes.
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, nothrow);
    (void)n;
    if (ec) break;
    buffer.consume(buffer.size());
  }
  page->closed = true;
  page->wake.cancel();
  while (!page->push_ended) {
    page->finished.expires_at(asio::steady_timer::time_point::max());
    auto [wait_ec] = co_await page->finished.async_wait(nothrow);
    (void)wait_ec;
  }
  remove(page);
}

asio::awaitable<void> ConsoleService::push_loop(std::shared_ptr<Page> page, WebSocket& ws) {
  while (!page->closed) {
    if (page->going_away) {
      auto [ec] = co_await ws.async_close(websocket::close_code::going_away, nothrow);
      (void)ec;
      break;
    }
    if (page->queued.empty()) {
      page->wake.expires_at(asio::steady_timer::time_point::max());
      auto [ec] = co_await page->wake.async_wait(nothrow);
      (void)ec;
      continue;
    }
    const std::string frame = std::move(page->queued.front());
    page->queued.pop_front();
    auto [ec, n] = co_await ws.async_write(asio::buffer(frame), nothrow);
    (void)n;
    if (ec) break;  // the read loop sees the broken connection too
  }
}

void ConsoleService::announce(const std::string& conversation_id) { tell(queue_frame(&conversation_id)); }

void ConsoleService::announce_all() { tell(queue_frame(nullptr)); }

void ConsoleService::tell(const std::string& frame) {
  std::vector<std::shared_ptr<Page>> live;
  {
    std::lock_guard lock(mutex_);
    for (const auto& weak : pages_)
      if (auto page = weak.lock()) live.push_back(std::move(page));
  }
  for (const auto& page : live)
    asio::post(page->executor, [page, frame] {
      if (page->queued.size() >= kMaxQueued) {
        page->queued.clear();
        page->queued.push_back(queue_frame(nullptr));
      } else if (std::find(page->queued.begin(), page->queued.end(), frame) == page->queued.end()) {
        page->queued.push_back(frame);
      }
      page->wake.cancel();
    });
}

std::size_t ConsoleService::open_pages() {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& weak : pages_)
    if (!weak.expired()) ++n;
  return n;
}

void ConsoleService::shutdown() {
  std::vector<std::shared_ptr<Page>> live;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;  // pages added from now on are sent away at once (add())
    for (const auto& weak : pages_)
      if (auto page = weak.lock()) live.push_back(std::move(page));
  }
  for (const auto& page : live)
    asio::post(page->executor, [page] {
      page->going_away = true;
      page->wake.cancel();
    });
}

void ConsoleService::add(const std::shared_ptr<Page>& page) {
  std::lock_guard lock(mutex_);
  std::erase_if(pages_, [](const std::weak_ptr<Page>& p) { return p.expired(); });
  pages_.push_back(page);
  if (stopping_) page->going_away = true;
}

void ConsoleService::remove(const std::shared_ptr<Page>& page) {
  std::lock_guard lock(mutex_);
  std::erase_if(pages_, [&page](const std::weak_ptr<Page>& p) { return p.expired() || p.lock() == page; });
}

}  // namespace intake::gateway
