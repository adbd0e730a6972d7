#pragma once
// Running notification tasks as a worker would (properties defaulted and rendered),
// against a local webhook server and a fake store of executions.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "net_test_server.h"
#include "runwatch/tasks/builtin.h"
#include "runwatch/tasks/registry.h"

namespace runwatch::testing {

inline TimePoint notify_epoch() { return TimePoint(std::chrono::seconds(1'700'000'000)); }

struct RunSpec {
  std::string task_id;
  State state;
  std::string parent_task_id;  // empty at the top level
  std::string branch = "tasks";
};

// An execution of company.team.etl started at notify_epoch(); ended `took` later when
// `final_state` is terminal. Task run ids are "tr-<task id>".
inline std::shared_ptr<const Execution> make_execution(const std::string& id, State final_state,
                                                       const std::vector<RunSpec>& runs, Duration took) {
  auto e = std::make_shared<Execution>();
  e->id = id;
  e->ns = "company.team";
  e->flow_id = "etl";
  e->state = StateHistory(State::CREATED, notify_epoch());
  e->state.transition(State::RUNNING, notify_epoch());
  if (final_state != State::RUNNING) e->state.transition(final_state, notify_epoch() + took);
  for (const auto& spec : runs) {
    TaskRun run;
    run.id = "tr-" + spec.task_id;
    run.task_id = spec.task_id;
    run.parent_task_run_id = spec.parent_task_id.empty() ? "" : "tr-" + spec.parent_task_id;
    run.branch = spec.branch;
    run.state = StateHistory(State::CREATED, notify_epoch());
    run.state.transition(State::RUNNING, notify_epoch());
    if (spec.state != State::RUNNING) run.state.transition(spec.state, notify_epoch() + took);
    e->task_runs.push_back(std::move(run));
  }
  return e;
}

// Executions by id; wait_terminal waits (real time) until `finish` is called or the
// timeout passes.
class FakeExecutions final : public ExecutionReader {
 public:
  void add(std::shared_ptr<const Execution> e) {
    {
      std::lock_guard lock(mutex_);
      executions_[e->id] = std::move(e);
    }
    cv_.notify_all();
  }
  std::shared_ptr<const Execution> find(const std::string& id) const override {
    std::lock_guard lock(mutex_);
    auto it = executions_.find(id);
    return it == executions_.end() ? nullptr : it->second;
  }
  std::shared_ptr<const Execution> wait_terminal(const std::string& id, Duration timeout) const override {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] {
      auto it = executions_.find(id);
      return it == executions_.end() || is_terminal(it->second->state.current());
    });
    ++waits_;
    auto it = executions_.find(id);
    return it == executions_.end() ? nullptr : it->second;
  }
  int waits() const {
    std::lock_guard lock(mutex_);
    return waits_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  mutable int waits_ = 0;
  std::map<std::string, std::shared_ptr<const Execution>> executions_;
};

class NotifyTest : public ::testing::Test {
 protected:
  ManualClock clock{notify_epoch() + std::chrono::seconds(10)};
  LocalServer server;
  Recorder recorder;
  FakeExecutions executions;
  std::shared_ptr<Cancellation> cancellation = std::make_shared<Cancellation>();
  std::vector<LogEntry> logs;
  PluginRegistry registry;
  // The next `failures` requests are answered with failure_status and failure_body.
  std::atomic<int> failures{0};
  int failure_status = 500;
  std::string failure_body = "internal error";
  int success_status = 200;
  std::string success_body = "ok";

  NotifyTest() { register_notification_tasks(registry); }

  void SetUp() override {
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      recorder.add(req);
      if (failures > 0) {
        --failures;
        res.status = failure_status;
        res.set_content(failure_body, "text/plain");
        return;
      }
      res.status = success_status;
      res.set_content(success_body, "text/plain");
    };
    server.server().Post(".*", handler);
    server.server().Get(".*", handler);
    server.server().Delete(".*", handler);
    server.start();
  }

  static TaskIdentity identity(const std::string& execution_id = "exec-1", const std::string& task_run_id = "tr-notify") {
    return TaskIdentity{execution_id, "company.monitoring", "alerts", 1, "notify", "", task_run_id, 1};
  }
  static TaskIdentity attempt_of(int attempt) {
    TaskIdentity who = identity();
    who.attempt = attempt;
    return who;
  }

  // Runs a task type with its schema's defaults filled in and every property rendered.
  TaskResult run(const std::string& type_name, Value properties, TaskIdentity who = identity(),
                 Value variables = Value::object()) {
    auto type = registry.task(type_name);
    if (!type) throw std::logic_error("no task type " + type_name);
    for (const auto& spec : type->schema().properties)
      if (!spec.default_value.is_null() && !properties.contains(spec.name)) properties[spec.name] = spec.default_value;
    if (!variables.contains("execution")) variables["execution"] = {{"id", who.execution_id}};
    RunContext ctx(who, std::move(variables), clock, cancellation, &executions);
    struct KeepLogs {
      RunContext& ctx;
      std::vector<LogEntry>& logs;
      ~KeepLogs() { logs = ctx.take_logs(); }
    } keep{ctx, logs};
    return type->run(ctx, ctx.render_properties(properties, type->schema()));
  }

  // The message of the task's failure (fails the test when it succeeds).
  std::string failure(const std::string& type_name, Value properties, TaskIdentity who = identity(),
                      Value variables = Value::object()) {
    try {
      run(type_name, std::move(properties), who, std::move(variables));
    } catch (const std::exception& e) {
      return e.what();
    }
    ADD_FAILURE() << type_name << " did not fail";
    return "";
  }

  // The JSON body of the only request received.
  Value posted() {
    auto got = recorder.received();
    EXPECT_EQ(got.size(), 1u);
    if (got.empty()) return nullptr;
    return Value::parse(got.back().body);
  }

  std::vector<std::string> messages(LogLevel level) const {
    std::vector<std::string> out;
    for (const auto& l : logs)
      if (l.level == level) out.push_back(l.message);
    return out;
  }
};

inline const std::string kHeadlineArrow = "\xE2\x9E\x9B";
inline const std::string kFailedLink = "https://kestra.example.com/ui/main/executions/company.team/etl/exec-failed";

// With two executions of company.team.etl that ran extract then load for 1.5 s:
// exec-failed (load failed) and exec-ok.
class NotifyTwoExecutionsTest : public NotifyTest {
 protected:
  void SetUp() override {
    using namespace std::chrono_literals;
    NotifyTest::SetUp();
    executions.add(make_execution("exec-failed", State::FAILED,
                                  {{"extract", State::SUCCESS, ""}, {"load", State::FAILED, ""}}, 1500ms));
    executions.add(make_execution("exec-ok", State::SUCCESS,
                                  {{"extract", State::SUCCESS, ""}, {"load", State::SUCCESS, ""}}, 1500ms));
  }
  // Variables under which the execution links to kFailedLink.
  static Value with_link() { return {{"kestra", {{"url", "https://kestra.example.com/"}}}}; }
  Received last() const {
    auto got = recorder.received();
    if (got.empty()) throw std::logic_error("nothing was received");
    return got.back();
  }
};

}  // namespace runwatch::testing
