// The management server over real HTTP on loopback: /health and its indicators, /worker
// while a task runs, /scheduler on the manual clock, /loggers changing levels at run
// time, /metrics in Micronaut's shape, /info, /env, basic auth, and JSON errors for unknown paths, wrong methods and
// bad bodies.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include <set>

#include "engine_fixture.h"
#include "runwatch/crypto/base64.h"
#include "runwatch/logging/loggers.h"
#include "runwatch/server/management_server.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;

constexpr const char* kHelloFlow = R"(
id: hello
namespace: company.team
tasks:
  - id: hi
    type: io.kestra.plugin.core.log.Log
    message: hi
)";

class ServerManagement : public testing::EngineTest {
 protected:
  std::unique_ptr<ManagementServer> server;
  std::unique_ptr<httplib::Client> client;

  void serve(ManagementOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server = std::make_unique<ManagementServer>(std::move(options), engine.management_sources());
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
  }
  void TearDown() override {
    if (server) server->stop();
    Loggers::global().configure(kExecutorLogger, std::nullopt);
    Loggers::global().configure("io.kestra.core.runners", std::nullopt);
  }
  // GET path: the status and the body as JSON (null when it is not JSON).
  std::pair<int, Value> get(const std::string& path, const httplib::Headers& headers = {}) {
    auto res = client->Get(path.c_str(), headers);
    if (!res) throw std::runtime_error("no answer for " + path);
    return {res->status, Value::parse(res->body, nullptr, false)};
  }
  std::pair<int, Value> post(const std::string& path, const std::string& body) {
    auto res = client->Post(path.c_str(), body, "application/json");
    if (!res) throw std::runtime_error("no answer for " + path);
    return {res->status, res->body.empty() ? Value() : Value::parse(res->body, nullptr, false)};
  }
};

TEST_F(ServerManagement, HealthIsUpWithEveryIndicator) {
  serve();
  auto [status, body] = get("/health");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body["name"], "runwatch");
  EXPECT_EQ(body["status"], "UP");
  std::vector<std::string> names;
  for (auto it = body["details"].begin(); it != body["details"].end(); ++it) {
    names.push_back(it.key());
    EXPECT_EQ(it.value()["status"], "UP") << it.key();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"repository", "executor", "worker", "scheduler", "diskSpace"}));
  EXPECT_EQ(body["details"]["repository"]["details"]["database"], "memory");
  EXPECT_EQ(body["details"]["worker"]["details"]["threads"], 4);
  const Value& disk = body["details"]["diskSpace"]["details"];
  EXPECT_GT(disk["total"].get<int64_t>(), 0);
  EXPECT_EQ(disk["threshold"], 10 * 1024 * 1024);
  EXPECT_EQ(get("/health/liveness"), (std::pair<int, Value>{200, {{"name", "runwatch"}, {"status", "UP"}}}));
  EXPECT_EQ(get("/health/readiness").first, 200);
}

TEST_F(ServerManagement, HealthIsDownBelowTheDiskThresholdAndWhenTheEngineStopped) {
  ManagementOptions options;
  options.disk_space_threshold = std::int64_t(1) << 60;
  serve(options);
  auto [status, body] = get("/health");
  EXPECT_EQ(status, 503);
  EXPECT_EQ(body["status"], "DOWN");
  EXPECT_EQ(body["details"]["diskSpace"]["status"], "DOWN");
  EXPECT_EQ(body["details"]["executor"]["status"], "UP");
  EXPECT_EQ(get("/health/readiness").first, 200);  // readiness does not look at the disk

  engine.stop();
  std::tie(status, body) = get("/health/readiness");
  EXPECT_EQ(status, 503);
  EXPECT_EQ(body["details"]["executor"]["status"], "DOWN");
  EXPECT_EQ(body["details"]["executor"]["details"]["reason"], "stopped");
  EXPECT_EQ(body["details"]["worker"]["status"], "DOWN");
  EXPECT_EQ(body["details"]["scheduler"]["status"], "DOWN");
  EXPECT_EQ(get("/health/liveness").first, 200);  // the process still answers
}

TEST_F(ServerManagement, WorkerShowsASleepTaskWhileItRuns) {
  add(R"(
id: slow
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1M
)");
  serve();
  auto e = start("slow");
  auto [status, body] = get("/worker");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body["count"], 1);
  const Value& run = body["taskRuns"][0];
  EXPECT_EQ(run["executionId"], e->id);
  EXPECT_EQ(run["namespace"], "company.team");
  EXPECT_EQ(run["flowId"], "slow");
  EXPECT_EQ(run["taskId"], "nap");
  EXPECT_EQ(run["type"], "io.kestra.plugin.core.flow.Sleep");
  EXPECT_EQ(run["attempt"], 1);
  EXPECT_EQ(run["startDate"], format_instant(testing::test_epoch()));
  advance(1min);
  EXPECT_EQ(get("/worker").second, (Value{{"count", 0}, {"taskRuns", Value::array()}}));
}

TEST_F(ServerManagement, SchedulerShowsTheNextDateOfEachScheduleTrigger) {
  add(R"(
id: nightly
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: every-day
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 2 * * *"
)");
  serve();
  auto [status, body] = get("/scheduler");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body["count"], 1);
  const Value& trigger = body["triggers"][0];
  EXPECT_EQ(trigger["namespace"], "company.team");
  EXPECT_EQ(trigger["flowId"], "nightly");
  EXPECT_EQ(trigger["triggerId"], "every-day");
  EXPECT_EQ(trigger["nextDate"], "2023-11-15T02:00:00Z");  // the epoch is 2023-11-14T22:13:20Z
  EXPECT_TRUE(trigger["lastDate"].is_null());
}

TEST_F(ServerManagement, LoggersChangeAtRunTimeAndTraceLinesThenAppear) {
  add(kHelloFlow);
  serve();
  auto captured = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
  captured->set_pattern("%l %n %v");
  Loggers::global().sink().add_sink(captured);
  auto traced = [&] {
    size_t n = 0;
    for (const auto& line : captured->last_formatted())
      if (line.rfind("trace io.kestra.core.runners.", 0) == 0) ++n;
    return n;
  };
  start("hello");
  EXPECT_EQ(traced(), 0u);

  // The spec's command, on the runners' package.
  auto [status, body] = post("/loggers/io.kestra.core.runners", R"({ "configuredLevel": "TRACE" })");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(get("/loggers/io.kestra.core.runners").second,
            (Value{{"configuredLevel", "TRACE"}, {"effectiveLevel", "TRACE"}}));
  EXPECT_EQ(get("/loggers/" + std::string(kWorkerLogger)).second,
            (Value{{"configuredLevel", nullptr}, {"effectiveLevel", "TRACE"}}));
  start("hello");
  EXPECT_GT(traced(), 0u);

  auto [list_status, list] = get("/loggers");
  EXPECT_EQ(list_status, 200);
  EXPECT_EQ(list["levels"], Value({"OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"}));
  EXPECT_EQ(list["loggers"]["ROOT"]["configuredLevel"], "INFO");
  EXPECT_EQ(list["loggers"][kExecutorLogger]["effectiveLevel"], "TRACE");

  EXPECT_EQ(post("/loggers/io.kestra.core.runners", R"({"configuredLevel": null})").first, 200);
  EXPECT_EQ(get("/loggers/" + std::string(kExecutorLogger)).second["effectiveLevel"], "INFO");
  Loggers::global().sink().remove_sink(captured);
}

TEST_F(ServerManagement, BadLoggerRequestsAreRefusedWithAJsonMessage) {
  serve();
  EXPECT_EQ(post("/loggers/io.kestra", R"({"configuredLevel": "LOUD"})"),
            (std::pair<int, Value>{400, {{"message", "Unknown log level 'LOUD': expected one of OFF, ERROR, WARN, "
                                                     "INFO, DEBUG, TRACE"},
                                         {"status", 400}}}));
  auto [status, body] = post("/loggers/io.kestra", "{not json");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body["message"].get<std::string>().rfind("Malformed JSON body: ", 0), 0u);
  EXPECT_EQ(post("/loggers/io.kestra", R"({"level": "INFO"})").second["message"],
            "The body must be a JSON object with configuredLevel (a level, or null)");
  EXPECT_EQ(post("/loggers/io.kestra", R"({"configuredLevel": 3})").second["message"],
            "configuredLevel must be a level name or null");
  EXPECT_EQ(get("/loggers/a%20b").first, 400);
  EXPECT_EQ(get("/loggers/..%2F..%2Fetc").first, 404);  // not one segment: no such endpoint
  EXPECT_EQ(Loggers::global().levels("io.kestra").configured, std::nullopt);
}

TEST_F(ServerManagement, UnknownPathsAndWrongMethodsAreJsonErrors) {
  serve();
  EXPECT_EQ(get("/nothing/here"), (std::pair<int, Value>{404, {{"message", "Not found: /nothing/here"}, {"status", 404}}}));
  auto res = client->Delete("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "GET");
  EXPECT_EQ(Value::parse(res->body)["message"], "Method DELETE not allowed on /health (allowed: GET)");
}

TEST_F(ServerManagement, ThreadDumpListsTheEnginesThreadsByName) {
  serve();
  auto [status, body] = get("/threaddump");
  EXPECT_EQ(status, 200);
  std::multiset<std::string> names;
  for (const auto& thread : body) names.insert(thread["threadName"].get<std::string>());
  EXPECT_EQ(names.count("executor"), 1u);
  EXPECT_EQ(names.count("scheduler"), 1u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(names.count("worker-" + std::to_string(i)), 1u) << i;
  EXPECT_GE(names.count("mgmt-http-0"), 1u);
  for (const auto& thread : body)
    if (thread["threadName"] == "executor") {
      EXPECT_EQ(thread["stackTraceUnavailable"], nullptr);
      EXPECT_FALSE(thread["stackTrace"].empty());
    }
}

TEST_F(ServerManagement, PrometheusServesTheExpositionGzippedWhenAsked) {
  add(kHelloFlow);
  serve();
  start("hello");
  auto res = client->Get("/prometheus");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(res->body.find("kestra_executor_execution_started_count_total{flow_id=\"hello\",namespace_id=\"company.team\",state=\"RUNNING\"} 1"),
            std::string::npos)
      << res->body.substr(0, 2000);
  client->set_decompress(false);
  auto gzipped = client->Get("/prometheus", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(gzipped);
  EXPECT_EQ(gzipped->get_header_value("Content-Encoding"), "gzip");
  EXPECT_LT(gzipped->body.size(), res->body.size());
}

TEST_F(ServerManagement, MetricsInMicronautsShapeWithTagFilters) {
  add(kHelloFlow);
  add(R"(
id: broken
namespace: company.team
tasks:
  - id: boom
    type: io.kestra.plugin.core.execution.Fail
)");
  serve();
  start("hello");
  start("hello");
  start("broken");
  auto [status, names] = get("/metrics");
  EXPECT_EQ(status, 200);
  std::set<std::string> listed(names["names"].begin(), names["names"].end());
  for (const char* name : {"kestra.executor.execution.end.count", "kestra.executor.execution.duration",
                           "kestra.worker.job.thread", "process.cpu.seconds"})
    EXPECT_EQ(listed.count(name), 1u) << name;
  EXPECT_TRUE(std::is_sorted(names["names"].begin(), names["names"].end()));

  const Value ended = {
      {"name", "kestra.executor.execution.end.count"},
      {"baseUnit", nullptr},
      {"measurements", {{{"statistic", "COUNT"}, {"value", 3.0}}}},
      {"availableTags",
       {{{"tag", "flow_id"}, {"values", {"broken", "hello"}}},
        {{"tag", "namespace_id"}, {"values", {"company.team"}}},
        {{"tag", "state"}, {"values", {"CANCELLED", "FAILED", "KILLED", "SUCCESS", "WARNING"}}}}}};  // at zero too
  EXPECT_EQ(get("/metrics/kestra.executor.execution.end.count"), (std::pair<int, Value>{200, ended}));
  EXPECT_EQ(get("/metrics/kestra_executor_execution_end_count_total"), (std::pair<int, Value>{200, ended}));
  EXPECT_EQ(get("/metrics/kestra.executor.execution.end.count?tag=state:FAILED&tag=namespace_id:company.team"),
            (std::pair<int, Value>{200,
                                   {{"name", "kestra.executor.execution.end.count"},
                                    {"baseUnit", nullptr},
                                    {"measurements", {{{"statistic", "COUNT"}, {"value", 1.0}}}},
                                    {"availableTags", {{{"tag", "flow_id"}, {"values", {"broken", "hello"}}}}}}}));
  auto [timer_status, timer] = get("/metrics/kestra.executor.execution.duration?tag=flow_id:hello");
  EXPECT_EQ(timer_status, 200);
  EXPECT_EQ(timer["baseUnit"], "seconds");
  // The manual clock stood still: two executions of no duration.
  EXPECT_EQ(timer["measurements"], (Value{{{"statistic", "COUNT"}, {"value", 2.0}},
                                          {{"statistic", "TOTAL_TIME"}, {"value", 0.0}}}));
  EXPECT_EQ(get("/metrics/kestra.worker.job.thread").second["measurements"],
            (Value{{{"statistic", "VALUE"}, {"value", 4.0}}}));

  EXPECT_EQ(get("/metrics/no.such.metric"),
            (std::pair<int, Value>{404, {{"message", "No metric named 'no.such.metric'"}, {"status", 404}}}));
  EXPECT_EQ(get("/metrics/kestra.executor.execution.end.count?tag=state:RUNNING").first, 404);
  EXPECT_EQ(get("/metrics/kestra.executor.execution.end.count?tag=state"),
            (std::pair<int, Value>{400, {{"message", "tag 'state' is not of the form key:value"}, {"status", 400}}}));
}

TEST_F(ServerManagement, AHugeBodyIsRefusedWith413) {
  serve();
  auto [status, body] = post("/loggers/io.kestra", std::string(100 * 1024, ' '));
  EXPECT_EQ(status, 413);
  EXPECT_EQ(body, (Value{{"message", "The request body is larger than the limit of 65536 bytes"}, {"status", 413}}));
  EXPECT_EQ(Loggers::global().levels("io.kestra").configured, std::nullopt);
}

TEST_F(ServerManagement, ASlowClientDoesNotBlockOthers) {
  serve();
  // Half a request, then nothing: it holds one connection while others are answered.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(server->port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string partial = "GET /health HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(::send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(get("/health/liveness").first, 200);
  ::close(fd);
}

TEST_F(ServerManagement, InfoAndEnvWithSecretsMasked) {
  ManagementOptions options;
  options.env = load_config("endpoints:\n  all:\n    basic-auth:\n      username: ops\n      password: hunter2\n",
                            "application.yml", {})
                    .effective;
  serve(options);
  auto [status, info] = get("/info");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(info["app"]["version"], RUNWATCH_VERSION);
  EXPECT_GE(info["uptimeSeconds"].get<double>(), 0.0);
  auto env = get("/env").second;
  const Value& properties = env["propertySources"][0]["properties"];
  EXPECT_EQ(properties["endpoints.all.basic-auth.username"], "ops");
  EXPECT_EQ(properties["endpoints.all.basic-auth.password"], "******");
  EXPECT_EQ(env.dump().find("hunter2"), std::string::npos);
}

TEST_F(ServerManagement, BasicAuthGuardsEveryEndpointButLiveness) {
  ManagementOptions options;
  options.basic_auth = BasicAuth{"ops", "s3cret"};
  serve(options);
  auto res = client->Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Basic realm=\"runwatch\"");
  EXPECT_EQ(get("/loggers").first, 401);
  EXPECT_EQ(get("/nothing").first, 401);  // no hint of what exists
  auto basic = [](const std::string& credentials) {
    return httplib::Headers{{"Authorization", "Basic " + crypto::base64_encode(credentials)}};
  };
  EXPECT_EQ(get("/health", basic("ops:s3cret")).first, 200);
  EXPECT_EQ(get("/health", basic("ops:wrong")).first, 401);
  EXPECT_EQ(get("/health", {{"Authorization", "Basic !!!"}}).first, 401);
  EXPECT_EQ(get("/health/liveness").first, 200);

  server->stop();
  options.liveness_anonymous = false;
  serve(options);
  EXPECT_EQ(get("/health/liveness").first, 401);
}

TEST_F(ServerManagement, APortInUseIsAClearError) {
  serve();
  ManagementOptions options;
  options.host = "127.0.0.1";
  options.port = server->port();
  try {
    ManagementServer second(options, engine.management_sources());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "The management server cannot listen on 127.0.0.1:" + std::to_string(server->port()) +
                                         ": the port is in use or not allowed");
  }
}

}  // namespace
}  // namespace runwatch
