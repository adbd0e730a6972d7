// Notification delivery: executions whose errors branch posts the spec's Slack payload
// (with errorLogs()) to a local webhook sink over real HTTP on loopback. The sink answers
// every fifth request 500, so 20% of attempts fail and are retried with the default
// policy (3 attempts, 1 s then 2 s of backoff, on executor timers). Figures: deliveries
// per second from the first submit until every execution has ended, the HTTP requests
// per second that took, and the accounting (delivered + failed with the reason must be
// every execution: lost must be 0). The peer posts the same payloads straight from a
// few threads (a new connection per request, as the engine's client does), with no
// engine and no failures: the ceiling of this machine's loopback HTTP.
//
// Figures only: nothing is asserted, but lost != 0 or a sink mismatch aborts the run.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "runwatch/engine.h"
#include "runwatch/model/rate_limiter.h"

namespace {

using Clock = std::chrono::steady_clock;

// Answers 500 to every fifth request and 200 to the others; remembers the
// Idempotency-Key of every request it answered 200.
class FlakySink {
 public:
  FlakySink() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      if (requests_.fetch_add(1) % 5 == 4) {
        res.status = 500;
        res.set_content("try again", "text/plain");
        return;
      }
      {
        std::lock_guard lock(mutex_);
        delivered_.insert(req.get_header_value("Idempotency-Key"));
      }
      res.set_content("ok", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FlakySink() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int port() const { return port_; }
  int64_t requests() const { return requests_.load(); }
  bool delivered(const std::string& key) const {
    std::lock_guard lock(mutex_);
    return delivered_.count(key) > 0;
  }
  size_t delivered_count() const {
    std::lock_guard lock(mutex_);
    return delivered_.size();
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int64_t> requests_{0};
  mutable std::mutex mutex_;
  std::unordered_set<std::string> delivered_;
};

std::string alert_flow(const std::string& url) {
  return R"(id: on_failure
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: "disk full on {{ execution.id }}"
errors:
  - id: slack
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    url: ")" + url + R"("
    payload: |
      {
        "channel": "#alerts",
        "text": "Failure alert for flow {{ flow.namespace }}.{{ flow.id }} with ID {{ execution.id }}. Here is a bit more context about why the execution failed: {{ errorLogs() }}"
      }
)";
}

[[noreturn]] void abort_run(const std::string& why) {
  std::fprintf(stderr, "bench_notifications: %s\n", why.c_str());
  std::abort();
}

// Every execution's slack task either delivered (the sink answered it 200) or FAILED
// with the sink's answer as the reason; returns {delivered, failed}.
std::pair<int64_t, int64_t> account(const runwatch::Engine& engine, const FlakySink& sink) {
  int64_t delivered = 0, failed = 0;
  for (const auto& e : engine.executions()) {
    const runwatch::TaskRun* slack = nullptr;
    for (const auto& run : e->task_runs)
      if (run.task_id == "slack") slack = &run;
    if (!slack) abort_run("execution " + e->id + " has no slack task run");
    const std::string key = e->id + ":" + slack->id;
    if (slack->state.current() == runwatch::State::SUCCESS) {
      if (!sink.delivered(key)) abort_run("execution " + e->id + " says delivered, the sink never answered it 200");
      ++delivered;
      continue;
    }
    std::string reason;
    for (const auto& log : e->logs)
      if (log.task_id == "slack" && log.level == runwatch::LogLevel::ERROR) reason = log.message;
    if (slack->state.current() != runwatch::State::FAILED || reason.empty())
      abort_run("execution " + e->id + ": slack task " + std::string(runwatch::to_string(slack->state.current())) +
                " without a reason");
    // Three 500s in a row is the expected reason; any other (a refused connection when
    // the sink's accept queue overflows) is counted too, and shown.
    if (reason != "Slack webhook answered 500 after 3 attempts: try again")
      std::fprintf(stderr, "execution %s: %s\n", e->id.c_str(), reason.c_str());
    ++failed;
  }
  return {delivered, failed};
}

void BM_Notifications_FlakySink(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  const bool rate_limited = state.range(2) != 0;
  int64_t delivered = 0, failed = 0, requests = 0, lost = 0;
  double seconds = 0;
  for (auto _ : state) {
    FlakySink sink;
    runwatch::EngineOptions options;
    options.worker_threads = threads;
    // A limit that never binds: what reserving a slot costs each delivery.
    if (rate_limited) options.notification_rate_limit = {.notifications = 10'000, .period = std::chrono::seconds(1)};
    auto engine = std::make_unique<runwatch::Engine>(options);
    engine->add_flow(alert_flow(sink.url()));
    auto start = Clock::now();
    for (int i = 0; i < batch; ++i) engine->submit("company.team", "on_failure");
    engine->wait_idle();
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    state.SetIterationTime(elapsed);
    seconds += elapsed;
    auto [ok, ko] = account(*engine, sink);
    if (static_cast<size_t>(ok) != sink.delivered_count()) abort_run("the sink delivered more than the engine reports");
    delivered += ok;
    failed += ko;
    lost += batch - ok - ko;
    requests += sink.requests();
    engine.reset();
  }
  state.counters["delivered_per_s"] = static_cast<double>(delivered) / seconds;
  state.counters["requests_per_s"] = static_cast<double>(requests) / seconds;
  state.counters["failed_with_reason"] = static_cast<double>(failed);
  state.counters["lost"] = static_cast<double>(lost);
}
BENCHMARK(BM_Notifications_FlakySink)
    ->ArgNames({"threads", "batch", "rate_limited"})
    ->ArgsProduct({{8, 16}, {20000}, {0}})
    ->Args({8, 20000, 1})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// The peer: `threads` plain threads post `batch` payloads of the same size, a new
// connection each, to a sink that never fails.
void BM_Peer_PlainPosts(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  const std::string body(320, 'x');
  double seconds = 0;
  int64_t posted = 0;
  for (auto _ : state) {
    httplib::Server server;
    server.Post("/hook", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    int port = server.bind_to_any_port("127.0.0.1");
    std::thread listener([&] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::yield();
    std::atomic<int> next{0}, ok{0};
    auto start = Clock::now();
    std::vector<std::thread> posters;
    for (int t = 0; t < threads; ++t)
      posters.emplace_back([&] {
        while (next.fetch_add(1) < batch) {
          httplib::Client client("127.0.0.1", port);
          if (auto res = client.Post("/hook", body, "application/json"); res && res->status == 200) ++ok;
        }
      });
    for (auto& p : posters) p.join();
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    state.SetIterationTime(elapsed);
    seconds += elapsed;
    posted += ok.load();
    server.stop();
    listener.join();
  }
  state.counters["posts_per_s"] = static_cast<double>(posted) / seconds;
}
BENCHMARK(BM_Peer_PlainPosts)
    ->ArgNames({"threads", "batch"})
    ->ArgsProduct({{8}, {20000}})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// One slot reserved among `receivers` receivers that each sent once (one a nanosecond:
// each reserve replaces the receiver's last slot): the cost should not grow with how many
// receivers there are.
void BM_RateLimiter_Reserve(benchmark::State& state) {
  const int receivers = static_cast<int>(state.range(0));
  runwatch::RateLimiter limiter({.notifications = 1, .period = std::chrono::nanoseconds(1)});
  std::vector<std::string> names;
  for (int i = 0; i < receivers; ++i) names.push_back("https://hooks.example:443/services/T/B/" + std::to_string(i));
  const runwatch::TimePoint now = runwatch::TimePoint(std::chrono::seconds(1'700'000'000));
  for (const auto& name : names) limiter.reserve(name, now);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(limiter.reserve(names[i], now));
    if (++i == names.size()) i = 0;
  }
}
BENCHMARK(BM_RateLimiter_Reserve)->ArgName("receivers")->Arg(1000)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();
