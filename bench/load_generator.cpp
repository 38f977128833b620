// intake-load: drives a running intake-gateway with signed generic chat webhooks over
// HTTPS keep-alive connections and reports throughput and latency. See bench/README.md.
//
// One coroutine per connection; each sends a request, waits for the whole response and
// sends the next one, so the offered concurrency equals --connections. The run is always
// bounded by a message count and by a time limit, and only loopback addresses are allowed.
#include <openssl/evp.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

// Hard ceilings: whatever the flags say, a run cannot exceed these.
constexpr std::uint64_t kMaxMessages = 5'000'000;
constexpr double kMaxSeconds = 600;
constexpr double kDefaultTimeLimit = 300;  // when only --messages is given
constexpr int kMaxConnections = 1024;
constexpr int kMaxThreads = 16;
constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr int kMaxConsecutiveConnectFailures = 3;
constexpr std::size_t kDistinctErrors = 20;  // kept per connection
constexpr std::size_t kPrintedErrors = 5;

constexpr const char* kUsage = R"(usage: intake-load --url https://127.0.0.1:PORT [flags]

Sends signed generic chat webhooks (POST /webhooks/chat/generic) to a running
intake-gateway over HTTPS keep-alive connections and reports messages/s and latency.
Only loopback addresses are accepted.

flags:
  --url URL          https://127.0.0.1:PORT, optionally with a path
                     (default path /webhooks/chat/generic)
  --connections N    concurrent keep-alive connections (default 32)
  --messages M       total messages to send (default 20000 unless --seconds is given)
  --seconds S        stop after S seconds (with --messages: whichever comes first)
  --senders K        distinct sender ids (default: one per message; fewer means
                     follow-up messages from the same customers)
  --secret KEY       HMAC key (default: environment INTAKE_CHAT_GENERIC_SECRET)
  --threads T        I/O threads (default 1)
  --json             also print the result as one JSON object on the last line
  --help             this text

The exit code is 0 when every message was answered 200, 1 otherwise, 2 on bad usage.
)";

// ---------------------------------------------------------------------------------------
// Message content

// Written for this benchmark: typical after-sales messages (fertilizer, adhesives,
// installation, service attitude, deliveries, pre-sales questions, escalations).
constexpr const char* kTexts[] = {
    "你们家的复合肥刚拆袋就结块了，硬得跟石头一样，撒都撒不开，这批货到底怎么回事？",
    "上个月买的尿素全部受潮结成一大坨，地里正等着追肥，能不能尽快给我换一批？",
    "买的瓷砖胶根本粘不住，贴上去第二天就掉了好几块，工人说是胶的问题。",
    "结构胶按说明书的比例调好了，放了二十四小时还是一掰就开，是不是过期了？",
    "约好今天上午九点上门安装热水器，一直等到下午三点人都没来，师傅电话也打不通。",
    "安装师傅已经第三次爽约了，我请了两天假在家等，这个误工谁来负责？",
    "刚才打你们的客服热线，接电话的人态度特别差，没说两句就把我电话挂了。",
    "客服说话很冲，问他问题还嫌我烦，让我自己看说明书，这就是你们的服务？",
    "快递送到的时候箱子都压扁了，里面两瓶胶水漏了一地，没法用了。",
    "包裹外包装破了个大洞，少了一袋肥料，快递员不让先验货再签收。",
    "请问这个水溶肥一亩地大概用多少？兑水比例是多少？",
    "想问一下这款密封胶的批发价，一次拿五十箱有没有优惠？",
    "叶面肥可以和杀虫剂混在一起喷吗？多少天喷一次比较合适？",
    "你们门店地址在哪里？周末可以过去自提吗？",
    "质量问题反映了半个月都没人处理，再不解决我就打12315投诉你们。",
    "用了你们的除草剂，旁边一亩多玉米全死了，我已经咨询了律师，准备起诉。",
    "修了三次都没修好，今天再不给答复我就向12315举报，并且找律师走法律程序。",
    "你們的肥料結塊嚴重，根本沒辦法用，請盡快安排退貨退款。",
    "師傅約好今天來安裝，到現在都沒出現，客服電話也一直佔線，到底怎麼回事？",
    "請問這款膠水耐高溫嗎？用在廚房檯面上會不會脫膠？",
    "上次换的新货收到了，挺好用的，谢谢你们处理得这么快。",
    "发票什么时候能开出来？公司报销比较急，麻烦催一下。",
};
constexpr std::size_t kTextCount = std::size(kTexts);

constexpr const char* kNames[] = {"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强",
                                  "周丽", "吴军", "徐婷", "孙浩", "马超", "朱红", "胡斌", "郭燕"};

std::string hex_encode(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

std::string sign(std::string_view key, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t mac_size = 0;
  const unsigned char* result =
      EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, sizeof mac, &mac_size);
  if (result == nullptr) {
    std::fprintf(stderr, "intake-load: HMAC-SHA256 failed\n");
    std::abort();
  }
  return "sha256=" + hex_encode(mac, mac_size);
}

// Current time in China Standard Time, e.g. 2026-11-22T09:30:00+08:00.
std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
  return buf;
}

std::string random_run_id() {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08llx%04x", static_cast<unsigned long long>(std::time(nullptr)) & 0xffffffffULL,
                rd() & 0xffffU);
  return buf;
}

struct Payload {
  std::string body;
  std::string signature;
};

Payload make_payload(const std::string& run_id, std::uint64_t index, std::uint64_t senders, const std::string& secret) {
  const std::uint64_t sender = index % senders;
  // Spread texts over senders so a customer's follow-ups are not all the same sentence.
  const std::size_t text = static_cast<std::size_t>((index * 7 + index / senders) % kTextCount);
  std::string message = kTexts[text];
  if (index % 3 == 0) message += "（订单号 " + std::to_string(8'100'000'000ULL + index % 900'000'000ULL) + "）";
  nlohmann::json body = {
      {"message_id", "bench-" + run_id + "-m" + std::to_string(index)},
      {"sender", {{"id", "bench-" + run_id + "-c" + std::to_string(sender)}, {"name", kNames[sender % std::size(kNames)]}}},
      {"text", std::move(message)},
      {"sent_at", now_rfc3339()},
  };
  Payload p;
  p.body = body.dump();
  p.signature = sign(secret, p.body);
  return p;
}

// ---------------------------------------------------------------------------------------
// Options

struct Options {
  std::string host;
  std::string port;
  std::string target = "/webhooks/chat/generic";
  asio::ip::address address;
  int connections = 32;
  std::optional<std::uint64_t> messages;
  std::optional<double> seconds;
  std::optional<std::uint64_t> senders;
  std::string secret;
  int threads = 1;
  bool json = false;
};

std::optional<std::uint64_t> parse_count(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::optional<double> parse_seconds(const std::string& s) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || v <= 0) return std::nullopt;
  return v;
}

// Accepts https://HOST:PORT[/path] where HOST is a loopback IP literal.
bool parse_url(const std::string& url, Options& o, std::string& error) {
  constexpr std::string_view kScheme = "https://";
  if (url.compare(0, kScheme.size(), kScheme) != 0) {
    error = "--url must start with https://";
    return false;
  }
  std::string rest = url.substr(kScheme.size());
  std::string authority = rest.substr(0, rest.find('/'));
  if (auto slash = rest.find('/'); slash != std::string::npos && rest.size() > slash + 1) o.target = rest.substr(slash);
  std::string host, port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos || close + 1 >= authority.size() || authority[close + 1] != ':') {
      error = "--url: expected [IPv6]:PORT";
      return false;
    }
    host = authority.substr(1, close - 1);
    port = authority.substr(close + 2);
  } else {
    const auto colon = authority.rfind(':');
    if (colon == std::string::npos) {
      error = "--url must name a port, e.g. https://127.0.0.1:8443";
      return false;
    }
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  boost::system::error_code ec;
  o.address = asio::ip::make_address(host, ec);
  if (ec || !o.address.is_loopback()) {
    error = "--url: the host must be a loopback address such as 127.0.0.1 (got \"" + host + "\")";
    return false;
  }
  auto p = parse_count(port);
  if (!p || *p == 0 || *p > 65535) {
    error = "--url: bad port \"" + port + "\"";
    return false;
  }
  o.host = o.address.is_v6() ? "[" + host + "]:" + port : host + ":" + port;
  o.port = port;
  return true;
}

std::optional<Options> parse_options(int argc, char** argv, bool& help) {
  Options o;
  bool have_url = false;
  std::optional<std::string> secret;
  auto fail = [](const std::string& message) -> std::optional<Options> {
    std::fprintf(stderr, "intake-load: %s\n\n%s", message.c_str(), kUsage);
    return std::nullopt;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      return std::nullopt;
    }
    if (arg == "--json") {
      o.json = true;
      continue;
    }
    if (i + 1 >= argc) return fail(arg + " needs a value");
    const std::string value = argv[++i];
    if (arg == "--url") {
      std::string error;
      if (!parse_url(value, o, error)) return fail(error);
      have_url = true;
    } else if (arg == "--connections") {
      auto v = parse_count(value);
      if (!v || *v == 0 || *v > static_cast<std::uint64_t>(kMaxConnections))
        return fail("--connections must be 1.." + std::to_string(kMaxConnections));
      o.connections = static_cast<int>(*v);
    } else if (arg == "--messages") {
      auto v = parse_count(value);
      if (!v || *v == 0 || *v > kMaxMessages) return fail("--messages must be 1.." + std::to_string(kMaxMessages));
      o.messages = *v;
    } else if (arg == "--seconds") {
      auto v = parse_seconds(value);
      if (!v || *v > kMaxSeconds) return fail("--seconds must be > 0 and at most " + std::to_string(static_cast<int>(kMaxSeconds)));
      o.seconds = *v;
    } else if (arg == "--senders") {
      auto v = parse_count(value);
      if (!v || *v == 0) return fail("--senders must be a positive integer");
      o.senders = *v;
    } else if (arg == "--secret") {
      secret = value;
    } else if (arg == "--threads") {
      auto v = parse_count(value);
      if (!v || *v == 0 || *v > static_cast<std::uint64_t>(kMaxThreads))
        return fail("--threads must be 1.." + std::to_string(kMaxThreads));
      o.threads = static_cast<int>(*v);
    } else {
      return fail("unknown flag " + arg);
    }
  }
  if (!have_url) return fail("--url is required");
  if (!secret) {
    if (const char* env = std::getenv("INTAKE_CHAT_GENERIC_SECRET"); env != nullptr && *env != '\0') secret = env;
  }
  if (!secret || secret->empty()) return fail("no signing key: pass --secret or set INTAKE_CHAT_GENERIC_SECRET");
  o.secret = *secret;
  return o;
}

// ---------------------------------------------------------------------------------------
// The run

struct Shared {
  std::string run_id;
  std::uint64_t max_messages = 0;
  std::uint64_t senders = 0;
  Clock::time_point deadline;
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> interrupted{false};
  std::atomic<bool> hit_time_limit{false};

  // The index of the next message to send, or nothing when the run is over.
  std::optional<std::uint64_t> claim() {
    if (interrupted.load(std::memory_order_relaxed)) return std::nullopt;
    if (Clock::now() >= deadline) {
      hit_time_limit.store(true, std::memory_order_relaxed);
      return std::nullopt;
    }
    const std::uint64_t i = next.fetch_add(1, std::memory_order_relaxed);
    if (i >= max_messages) return std::nullopt;
    return i;
  }
};

// Per connection, merged at the end: nothing here is shared between coroutines.
struct Stats {
  std::vector<double> latency_us;  // of answered requests, any status
  std::map<unsigned, std::uint64_t> statuses;
  std::uint64_t transport_errors = 0;  // lost requests: connect, TLS, write, read, timeout
  std::uint64_t connect_failures = 0;
  std::map<std::string, std::uint64_t> errors;  // distinct error descriptions, counted
  std::optional<Clock::time_point> first_send, last_receive;

  void note(const std::string& what) {
    if (auto it = errors.find(what); it != errors.end())
      ++it->second;
    else if (errors.size() < kDistinctErrors)
      errors.emplace(what, 1);
  }
};

asio::awaitable<void> run_connection(const Options& o, Shared& shared, ssl::context& tls, Stats& stats) {
  auto executor = co_await asio::this_coro::executor;
  const tcp::endpoint endpoint(o.address, static_cast<std::uint16_t>(std::stoi(o.port)));
  int consecutive_failures = 0;
  bool finished = false;

  while (!finished) {
    beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
    auto& tcp_layer = beast::get_lowest_layer(stream);
    tcp_layer.expires_after(kConnectTimeout);
    auto [connect_ec] = co_await tcp_layer.async_connect(endpoint, nothrow);
    boost::system::error_code step_ec = connect_ec;
    if (!step_ec) {
      tcp_layer.socket().set_option(tcp::no_delay(true), step_ec);
      auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::client, nothrow);
      step_ec = handshake_ec;
    }
    if (step_ec) {
      ++stats.connect_failures;
      stats.note("connect/handshake: " + step_ec.message());
      if (++consecutive_failures >= kMaxConsecutiveConnectFailures) break;
      asio::steady_timer pause(executor, std::chrono::milliseconds(200));
      co_await pause.async_wait(nothrow);
      continue;
    }
    consecutive_failures = 0;

    beast::flat_buffer buffer;
    bool reconnect = false;
    while (!reconnect) {
      // A request lost to a broken connection is counted, not retried: a retry would be
      // a duplicate delivery and change what is measured.
      const std::optional<std::uint64_t> index = shared.claim();
      if (!index) {
        finished = true;
        break;
      }
      const Payload payload = make_payload(shared.run_id, *index, shared.senders, o.secret);
      http::request<http::string_body> request{http::verb::post, o.target, 11};
      request.set(http::field::host, o.host);
      request.set(http::field::user_agent, "intake-load");
      request.set(http::field::content_type, "application/json");
      request.set("X-Intake-Signature", payload.signature);
      request.keep_alive(true);
      request.body() = payload.body;
      request.prepare_payload();

      const auto sent = Clock::now();
      if (!stats.first_send) stats.first_send = sent;
      tcp_layer.expires_after(kRequestTimeout);
      auto [write_ec, written] = co_await http::async_write(stream, request, nothrow);
      (void)written;
      if (write_ec) {
        ++stats.transport_errors;
        stats.note("write: " + write_ec.message());
        reconnect = true;
        break;
      }
      http::response_parser<http::string_body> parser;
      parser.body_limit(1 << 20);
      auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, nothrow);
      (void)read;
      if (read_ec) {
        ++stats.transport_errors;
        stats.note("read: " + read_ec.message());
        reconnect = true;
        break;
      }
      const auto received = Clock::now();
      stats.last_receive = received;
      stats.latency_us.push_back(std::chrono::duration<double, std::micro>(received - sent).count());
      const auto& response = parser.get();
      const unsigned status = response.result_int();
      ++stats.statuses[status];
      if (status != 200) {
        std::string body = response.body().substr(0, 300);
        stats.note("HTTP " + std::to_string(status) + ": " + body);
      }
      if (!response.keep_alive()) reconnect = true;
    }

    // Close politely, but never wait long.
    tcp_layer.expires_after(std::chrono::seconds(2));
    auto [shutdown_ec] = co_await stream.async_shutdown(nothrow);
    (void)shutdown_ec;
    boost::system::error_code ignored;
    tcp_layer.socket().close(ignored);
  }
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(p * static_cast<double>(sorted.size()));
  const std::size_t index = static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(sorted.size()))) - 1;
  return sorted[index];
}

int run(const Options& o) {
  Shared shared;
  shared.run_id = random_run_id();
  const bool count_bounded = o.messages.has_value() || !o.seconds.has_value();
  shared.max_messages = o.messages.value_or(o.seconds ? kMaxMessages : 20000);
  shared.senders = std::min(o.senders.value_or(shared.max_messages), shared.max_messages);
  const double time_limit = o.seconds.value_or(kDefaultTimeLimit);
  const auto started = Clock::now();
  shared.deadline = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(time_limit));

  ssl::context tls(ssl::context::tls_client);
  tls.set_verify_mode(ssl::verify_none);  // the gateway's certificate is self-signed

  asio::io_context io(o.threads);
  std::vector<Stats> stats(static_cast<std::size_t>(o.connections));
  std::atomic<int> live{o.connections};
  std::mutex failure_mutex;
  std::vector<std::string> failures;

  // Signals and the watchdog live on their own strand; the last connection to finish
  // cancels both there so that io.run() returns.
  auto control = asio::make_strand(io);
  asio::signal_set signals(control, SIGINT, SIGTERM);
  asio::steady_timer watchdog(control);
  bool watchdog_fired = false;
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) shared.interrupted.store(true);
  });
  // Every request has its own timeout; this is the last resort if something still hangs.
  watchdog.expires_at(shared.deadline + kRequestTimeout + std::chrono::seconds(15));
  watchdog.async_wait([&](const boost::system::error_code& ec) {
    if (ec) return;
    watchdog_fired = true;
    io.stop();
  });

  for (int c = 0; c < o.connections; ++c) {
    asio::co_spawn(asio::make_strand(io), run_connection(o, shared, tls, stats[static_cast<std::size_t>(c)]),
                   [&](std::exception_ptr e) {
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         std::lock_guard lock(failure_mutex);
                         failures.push_back(ex.what());
                       }
                     }
                     if (live.fetch_sub(1) == 1) {
                       asio::post(control, [&] {
                         boost::system::error_code ignored;
                         signals.cancel(ignored);
                         watchdog.cancel();
                       });
                     }
                   });
  }

  std::vector<std::thread> pool;
  for (int t = 1; t < o.threads; ++t) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();

  // Merge.
  std::vector<double> latency;
  std::map<unsigned, std::uint64_t> statuses;
  std::uint64_t transport_errors = 0, connect_failures = 0;
  std::map<std::string, std::uint64_t> errors;
  std::optional<Clock::time_point> first, last;
  for (const Stats& s : stats) {
    latency.insert(latency.end(), s.latency_us.begin(), s.latency_us.end());
    for (auto [code, n] : s.statuses) statuses[code] += n;
    transport_errors += s.transport_errors;
    connect_failures += s.connect_failures;
    for (const auto& [what, n] : s.errors) errors[what] += n;
    if (s.first_send && (!first || *s.first_send < *first)) first = s.first_send;
    if (s.last_receive && (!last || *s.last_receive > *last)) last = s.last_receive;
  }
  for (const auto& f : failures) ++errors["connection coroutine failed: " + f];
  std::vector<std::pair<std::string, std::uint64_t>> common(errors.begin(), errors.end());
  std::stable_sort(common.begin(), common.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::sort(latency.begin(), latency.end());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto tv_seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  const double cpu_seconds = tv_seconds(usage.ru_utime) + tv_seconds(usage.ru_stime);

  const std::uint64_t answered = latency.size();
  const std::uint64_t ok = statuses.count(200) ? statuses[200] : 0;
  const std::uint64_t non_200 = answered - ok;
  const double seconds = (first && last) ? std::chrono::duration<double>(*last - *first).count() : 0.0;
  const double rate = seconds > 0 ? static_cast<double>(answered) / seconds : 0.0;
  double mean = 0;
  for (double v : latency) mean += v;
  if (!latency.empty()) mean /= static_cast<double>(latency.size());
  const double p50 = percentile(latency, 0.50) / 1000, p99 = percentile(latency, 0.99) / 1000,
               p999 = percentile(latency, 0.999) / 1000, max = latency.empty() ? 0 : latency.back() / 1000;
  // In count mode the safety time limit should never be what ends the run.
  const bool incomplete = (count_bounded && !o.seconds && answered + transport_errors < shared.max_messages) ||
                          shared.interrupted.load() || watchdog_fired || !failures.empty() ||
                          (answered == 0);
  const bool success = non_200 == 0 && transport_errors == 0 && connect_failures == 0 && !incomplete;

  std::printf("intake-load: run %s against https://%s%s\n", shared.run_id.c_str(), o.host.c_str(), o.target.c_str());
  std::printf("  connections   %d (threads %d), senders %llu\n", o.connections, o.threads,
              static_cast<unsigned long long>(shared.senders));
  std::printf("  messages      %llu answered (%llu x 200, %llu non-200), %llu lost to transport errors\n",
              static_cast<unsigned long long>(answered), static_cast<unsigned long long>(ok),
              static_cast<unsigned long long>(non_200), static_cast<unsigned long long>(transport_errors));
  std::printf("  duration      %.3f s (first send to last response)\n", seconds);
  std::printf("  throughput    %.1f messages/s\n", rate);
  std::printf("  latency       p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms  mean %.2f ms\n", p50, p99, p999,
              max, mean / 1000);
  std::printf("  cpu           %.2f s used by intake-load\n", cpu_seconds);
  if (statuses.size() > 1 || (statuses.size() == 1 && !statuses.count(200))) {
    std::printf("  statuses     ");
    for (auto [code, n] : statuses) std::printf(" %u:%llu", code, static_cast<unsigned long long>(n));
    std::printf("\n");
  }
  if (connect_failures) std::printf("  connect/TLS failures: %llu\n", static_cast<unsigned long long>(connect_failures));
  if (shared.interrupted.load()) std::printf("  interrupted by a signal\n");
  if (watchdog_fired) std::printf("  stopped by the watchdog: requests were still open after the time limit\n");
  if (count_bounded && !o.seconds && shared.hit_time_limit.load())
    std::printf("  stopped by the %.0f s safety time limit before all messages were sent\n", time_limit);
  for (std::size_t i = 0; i < common.size() && i < kPrintedErrors; ++i)
    std::printf("  error x%-6llu %s\n", static_cast<unsigned long long>(common[i].second), common[i].first.c_str());
  if (common.size() > kPrintedErrors) std::printf("  ... and %zu other kinds of error\n", common.size() - kPrintedErrors);
  std::printf("  result        %s\n", success ? "OK" : "FAILED");

  if (o.json) {
    nlohmann::json status_json = nlohmann::json::object();
    for (auto [code, n] : statuses) status_json[std::to_string(code)] = n;
    nlohmann::json error_json = nlohmann::json::object();
    for (const auto& [what, n] : errors) error_json[what] = n;
    nlohmann::json out = {
        {"run_id", shared.run_id},
        {"connections", o.connections},
        {"threads", o.threads},
        {"senders", shared.senders},
        {"messages", answered},
        {"ok", ok},
        {"non_200", non_200},
        {"transport_errors", transport_errors},
        {"connect_failures", connect_failures},
        {"seconds", seconds},
        {"messages_per_second", rate},
        {"latency_ms", {{"p50", p50}, {"p99", p99}, {"p999", p999}, {"max", max}, {"mean", mean / 1000}}},
        {"statuses", status_json},
        {"cpu_seconds", cpu_seconds},
        {"errors", error_json},
        {"success", success},
    };
    std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
  std::fflush(stdout);
  return success ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  bool help = false;
  auto options = parse_options(argc, argv, help);
  if (help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!options) return 2;
  try {
    return run(*options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "intake-load: %s\n", e.what());
    return 1;
  }
}
