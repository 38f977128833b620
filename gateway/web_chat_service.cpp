#include "gateway/web_chat_service.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <deque>

#include "gateway/clock.hpp"
#include "gateway/log.hpp"
#include "gateway/random.hpp"
#include "gateway/resume_on_caller.hpp"
#include "intake/channels/adapter.hpp"
#include "intake/channels/web_chat.hpp"
#include "intake/store/pg.hpp"

namespace intake::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace web_chat = channels::web_chat;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
// Messages per "messages" frame; a longer history follows in further frames.
constexpr int kHistoryPage = 200;
// After the history could not be read, how long until the next try.
constexpr auto kHistoryRetry = std::chrono::seconds(3);

std::string new_customer_id() {
  auto id = random_hex(16);
  if (!id) throw std::runtime_error("no random bytes for a customer id");
  return "w-" + *id;
}

store::ConversationKey conversation_of(const std::string& customer) { return {"chat", "web", customer}; }

}  // namespace

struct WebChatService::Connection {
  explicit Connection(const asio::any_io_executor& strand) : executor(strand), wake(strand), finished(strand) {}
  asio::any_io_executor executor;  // the connection's strand: every member is touched only there
  asio::steady_timer wake;         // cancelled to wake the push loop
  asio::steady_timer finished;     // cancelled when the push loop has ended
  std::string customer;            // empty until the hello
  std::int64_t last_seq = 0;       // the newest message the page has been sent
  bool pending = false;            // something may be new: fetch
  bool closed = false;             // the page has gone
  bool going_away = false;         // the service is shutting down
  bool push_ended = false;
  std::deque<std::string> outgoing;
  bool writing = false;
  WebSocket* socket = nullptr;     // while serve() runs
};

namespace {

// Frames leave in the order they were given, one write at a time, whichever loop gives them.
asio::awaitable<void> send(auto& conn, WebSocket& ws, std::string frame) {
  conn.outgoing.push_back(std::move(frame));
  if (conn.writing) co_return;  // the loop writing now sends it too
  conn.writing = true;
  while (!conn.outgoing.empty()) {
    const std::string next = std::move(conn.outgoing.front());
    conn.outgoing.pop_front();
    auto [ec, n] = co_await ws.async_write(asio::buffer(next), nothrow);
    (void)n;
    if (ec) {
      conn.outgoing.clear();  // the connection is broken; the read loop sees it too
      break;
    }
  }
  conn.writing = false;
}

}  // namespace

WebChatService::WebChatService(Options options, App& app, store::HistoryReader& history)
    : options_(std::move(options)), app_(app), history_(history) {}

asio::awaitable<void> WebChatService::serve(WebSocket& ws, RequestLog& log) {
  auto conn = std::make_shared<Connection>(co_await asio::this_coro::executor);
  ws.text(true);
  conn->socket = &ws;
  struct Forget {  // the socket goes when serve() returns, whichever way
    Connection& c;
    ~Forget() { c.socket = nullptr; }
  } forget{*conn};
  add(conn);
  if (conn->going_away) {
    remove(conn);
    auto [ec] = co_await ws.async_close(websocket::close_code::going_away, nothrow);
    (void)ec;
    co_return;
  }
  beast::flat_buffer buffer;

  // The hello: who the page is and what it has shown.
  auto [hello_ec, hello_bytes] = co_await ws.async_read(buffer, nothrow);
  (void)hello_bytes;
  if (hello_ec) {
    remove(conn);
    co_return;
  }
  auto first = web_chat::parse_client_frame(beast::buffers_to_string(buffer.data()));
  buffer.consume(buffer.size());
  if (!first || !std::holds_alternative<web_chat::Hello>(*first)) {
    // Built before co_await: GCC 12 evaluates both arms of a conditional inside one.
    std::string refusal = first ? web_chat::error_frame("expected_hello", "the first frame must be a hello")
                                : web_chat::error_frame(first.error().code, first.error().message);
    co_await send(*conn, ws, std::move(refusal));
    auto [close_ec] = co_await ws.async_close(websocket::close_code::policy_error, nothrow);
    (void)close_ec;
    remove(conn);
    co_return;
  }
  const auto& hello = std::get<web_chat::Hello>(*first);
  std::optional<std::string> known = hello.token ? web_chat::verify_token(*hello.token, options_.secret) : std::nullopt;
  if (hello.token && !known) log.fields["token_refused"] = true;  // another key, or forged: a new conversation
  remove(conn);
  conn->customer = known ? *known : new_customer_id();
  conn->last_seq = known ? hello.after : 0;
  conn->pending = true;
  add(conn);
  log.fields["customer"] = conn->customer;
  log.fields["returning"] = known.has_value();
  co_await send(*conn, ws, web_chat::welcome_frame(web_chat::issue_token(conn->customer, options_.secret), conn->customer));

  asio::co_spawn(conn->executor, push_loop(conn, ws), [conn](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::error("web_chat_push_failed", {{"customer", conn->customer}, {"error", ex.what()}});
      }
    }
    conn->push_ended = true;
    conn->finished.cancel();
  });

  int messages = 0;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, nothrow);
    (void)n;
    if (ec) break;  // closed by the page or by us, timed out, or reset
    const std::string frame = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    if (!ws.got_text()) {
      co_await send(*conn, ws, web_chat::error_frame(channels::errc::invalid_json, "frames are JSON text"));
      continue;
    }
    co_await on_message(*conn, ws, frame, log);
    ++messages;
  }
  log.fields["frames"] = messages;

  conn->closed = true;
  conn->wake.cancel();
  while (!conn->push_ended) {
    conn->finished.expires_at(asio::steady_timer::time_point::max());
    auto [wait_ec] = co_await conn->finished.async_wait(nothrow);
    (void)wait_ec;
  }
  remove(conn);
}

asio::awaitable<void> WebChatService::on_message(Connection& conn, WebSocket& ws, const std::string& frame,
                                                 RequestLog& log) {
  auto parsed = web_chat::parse_client_frame(frame);
  if (!parsed) {
    co_await send(conn, ws, web_chat::error_frame(parsed.error().code, parsed.error().message));
    co_return;
  }
  const auto* message = std::get_if<web_chat::ChatMessage>(&*parsed);
  if (message == nullptr) {
    co_await send(conn, ws, web_chat::error_frame("unexpected_hello", "this connection has already said hello"));
    co_return;
  }
  RequestLog entry;
  entry.request_id = log.request_id.empty() || log.request_id == "-" ? conn.customer + ":" + message->id : log.request_id;
  auto outcome = co_await app_.file(web_chat::to_inbound(conn.customer, *message, now()), entry);
  nlohmann::json line = {{"request_id", entry.request_id}, {"message", message->id}};
  for (auto& [k, v] : entry.fields.items()) line[k] = v;
  log::info("web_chat_message", std::move(line));
  if (!outcome) {
    // The page keeps the message and sends it again; its id makes that harmless.
    std::string refusal =
        outcome.error().code == store::db_errc::unavailable
            ? web_chat::error_frame("unavailable", "the message could not be recorded yet; it will be sent again",
                                    message->id)
            : web_chat::error_frame(outcome.error().code, outcome.error().message, message->id);
    co_await send(conn, ws, std::move(refusal));
    co_return;
  }
  co_await send(conn, ws, web_chat::ack_frame(message->id, outcome->ack, options_.offset));
  publish(conn.customer);
}

asio::awaitable<void> WebChatService::push_loop(std::shared_ptr<Connection> conn, WebSocket& ws) {
  while (!conn->closed) {
    if (conn->going_away) {
      auto [ec] = co_await ws.async_close(websocket::close_code::going_away, nothrow);
      (void)ec;
      break;
    }
    if (!conn->pending) {
      conn->wake.expires_at(asio::steady_timer::time_point::max());
      auto [ec] = co_await conn->wake.async_wait(nothrow);
      (void)ec;
      continue;
    }
    conn->pending = false;
    const std::int64_t after = conn->last_seq;
    // A named lambda, not a temporary inside co_await: GCC 12 destroys such temporaries
    // twice when their captures own memory.
    auto fetch = [&history = history_, who = conversation_of(conn->customer), after](store::HistoryDone done) {
      history.read(who, after, kHistoryPage, std::move(done));
    };
    auto read = co_await resume_on_caller<Result<std::vector<store::HistoryEntry>>>(std::move(fetch), asio::use_awaitable);
    if (!read) {
      log::warn("web_chat_history_failed", {{"customer", conn->customer}, {"error", read.error().message}});
      conn->wake.expires_after(kHistoryRetry);
      auto [ec] = co_await conn->wake.async_wait(nothrow);
      if (!ec) conn->pending = true;
      continue;
    }
    std::vector<web_chat::Entry> entries;
    const std::string own_prefix = conn->customer + ":";
    for (store::HistoryEntry& h : *read) {
      if (h.seq <= conn->last_seq) continue;  // a wake-up that overlapped this one sent it
      web_chat::Entry e{h.seq, std::move(h.author), std::move(h.text), h.at, {}};
      if (h.external_id.starts_with(own_prefix)) e.id = h.external_id.substr(own_prefix.size());
      entries.push_back(std::move(e));
    }
    if (read->size() == static_cast<std::size_t>(kHistoryPage)) conn->pending = true;  // there is more
    if (entries.empty()) continue;
    conn->last_seq = entries.back().seq;
    co_await send(*conn, ws, web_chat::messages_frame(entries, options_.offset));
  }
}

std::vector<std::shared_ptr<WebChatService::Connection>> WebChatService::live_pages(const std::string* customer) {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Connection>> pages;
  auto take = [&pages](const auto& entry) {
    if (auto c = entry.second.lock()) pages.push_back(std::move(c));
  };
  if (customer == nullptr) {
    for (const auto& entry : by_customer_) take(entry);
  } else {
    auto [begin, end] = by_customer_.equal_range(*customer);
    for (auto it = begin; it != end; ++it) take(*it);
  }
  return pages;
}

void WebChatService::publish(const std::string& customer_id) { wake(live_pages(&customer_id)); }

void WebChatService::publish_all() { wake(live_pages(nullptr)); }

void WebChatService::wake(const std::vector<std::shared_ptr<Connection>>& pages) {
  for (const auto& c : pages)
    asio::post(c->executor, [c] {
      c->pending = true;
      c->wake.cancel();
    });
}

std::size_t WebChatService::open_pages() {
  std::lock_guard lock(mutex_);
  return by_customer_.size();
}

void WebChatService::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;  // pages added from now on are sent away at once (add())
  }
  for (auto& c : live_pages(nullptr))
    asio::post(c->executor, [c] {
      c->going_away = true;
      c->wake.cancel();
      // Still waiting for the hello: nothing to say goodbye to.
      if (c->customer.empty() && c->socket != nullptr) beast::get_lowest_layer(*c->socket).cancel();
    });
}

void WebChatService::add(const std::shared_ptr<Connection>& conn) {
  std::lock_guard lock(mutex_);
  by_customer_.emplace(conn->customer, conn);
  if (stopping_) conn->going_away = true;
}

void WebChatService::remove(const std::shared_ptr<Connection>& conn) {
  std::lock_guard lock(mutex_);
  auto [begin, end] = by_customer_.equal_range(conn->customer);
  for (auto it = begin; it != end; ++it)
    if (it->second.lock() == conn) {
      by_customer_.erase(it);
      return;
    }
}

}  // namespace intake::gateway
