// The flowable task types: each decides its children through FlowableContext.
#include "runwatch/tasks/flowable.h"

#include <algorithm>
#include <map>
#include <set>

#include "runwatch/model/json_text.h"
#include "runwatch/model/time.h"
#include "runwatch/tasks/builtin.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/for_each_item.h"
#include "runwatch/tasks/registry.h"

namespace runwatch {

std::span<const TaskDef> branch_tasks(const TaskDef& task, std::string_view property, std::string_view key) {
  const auto* b = task.branch(property, key);
  return b ? std::span<const TaskDef>(b->tasks) : std::span<const TaskDef>();
}

PropertySpec tasks_property(std::string name, bool required, std::string description) {
  return {.name = std::move(name),
          .type = PropertyType::Tasks,
          .required = required,
          .description = std::move(description)};
}

TypeSchema flowable_schema(std::string short_name, std::string description, std::vector<PropertySpec> properties) {
  TypeSchema schema;
  schema.name = "io.kestra.plugin.core.flow." + short_name;
  schema.aliases = {"io.kestra.core.tasks.flows." + short_name};
  schema.description = std::move(description);
  schema.properties = std::move(properties);
  schema.properties.push_back(tasks_property("errors", false, "Tasks run when one of the tasks fails."));
  return schema;
}

namespace {

// A loop's task runs all live in its execution's one document: past this many values a
// loop belongs in ForEachItem or a Subflow per value, and is refused saying so.
constexpr size_t kMaxLoopValues = 10'000;

class Sequential final : public FlowableTaskType {
 public:
  Sequential()
      : FlowableTaskType(flowable_schema("Sequential", "Runs tasks one after the other.",
                                         {tasks_property("tasks", true, "The tasks to run in order.")})) {}
  std::optional<State> resolve(FlowableContext& ctx) const override {
    return ctx.run_children(branch_tasks(ctx.task(), "tasks"), {});
  }
};

class AllowFailure final : public FlowableTaskType {
 public:
  AllowFailure()
      : FlowableTaskType(flowable_schema("AllowFailure",
                                         "Runs tasks; their failure makes this task WARNING instead of FAILED.",
                                         {tasks_property("tasks", true, "The tasks to run in order.")})) {}
  std::optional<State> resolve(FlowableContext& ctx) const override {
    return ctx.run_children(branch_tasks(ctx.task(), "tasks"), {});
  }
  State end_state(State children) const override { return children == State::FAILED ? State::WARNING : children; }
};

class Parallel final : public FlowableTaskType {
 public:
  Parallel()
      : FlowableTaskType(flowable_schema("Parallel", "Runs tasks at the same time.",
                                         {tasks_property("tasks", true, "The tasks to run in parallel."),
                                          {.name = "concurrent",
                                           .type = PropertyType::Integer,
                                           .description = "How many tasks run at once; 0 means all.",
                                           .default_value = 0}})) {}
  std::optional<State> resolve(FlowableContext& ctx) const override {
    int concurrent = ctx.task().properties.value("concurrent", 0);
    return ctx.run_children(branch_tasks(ctx.task(), "tasks"), {.parallel = true, .concurrent = concurrent});
  }
};

// If and Switch pick one branch when their run starts; `decided` names it.
std::optional<State> run_decided_branch(FlowableContext& ctx) {
  const Value& decided = ctx.decided();
  std::string property = decided.value("property", "");
  std::string key = decided.value("key", "");
  if (!ctx.task().branch(property, key)) return State::SUCCESS;
  return ctx.run_children(branch_tasks(ctx.task(), property, key),
                          {.branch = ctx.task().branch(property, key)->property});
}

class If final : public FlowableTaskType {
 public:
  If()
      : FlowableTaskType(flowable_schema(
            "If", "Runs `then` when the condition is true, `else` otherwise.",
            {{.name = "condition",
              .type = PropertyType::Any,
              .required = true,
              .description = "The condition; false, 0, null and the empty string are false, anything else true."},
             tasks_property("then", true, "The tasks run when the condition is true."),
             tasks_property("else", false, "The tasks run when the condition is false.")})) {}
  void start(FlowableContext& ctx) const override {
    bool condition = truthy(ctx.render(ctx.task().properties.value("condition", Value())));
    ctx.decided() = {{"property", condition ? "then" : "else"}};
  }
  std::optional<State> resolve(FlowableContext& ctx) const override { return run_decided_branch(ctx); }
};

TypeSchema switch_schema() {
  auto schema =
      flowable_schema("Switch", "Runs the tasks of the case that matches the value, or the defaults.",
                      {{.name = "value",
                        .type = PropertyType::String,
                        .required = true,
                        .description = "The value to match against the case keys."},
                       {.name = "cases", .type = PropertyType::TaskMap, .description = "Task lists by case value."},
                       tasks_property("defaults", false, "The tasks run when no case matches.")});
  schema.requires_any = {"cases", "defaults"};
  return schema;
}

class Switch final : public FlowableTaskType {
 public:
  Switch() : FlowableTaskType(switch_schema()) {}
  void start(FlowableContext& ctx) const override {
    Value rendered = ctx.render(ctx.task().properties.value("value", Value("")));
    std::string value = rendered.is_string() ? rendered.get<std::string>() : dump_json(rendered);
    bool matched = ctx.task().branch("cases", value) != nullptr;
    ctx.outputs()["value"] = value;
    ctx.outputs()["defaults"] = !matched;
    ctx.decided() = matched ? Value{{"property", "cases"}, {"key", value}} : Value{{"property", "defaults"}};
  }
  std::optional<State> resolve(FlowableContext& ctx) const override { return run_decided_branch(ctx); }
};

// Kestra's loop values: a list, or a text that renders to a JSON list; distinct, no
// null; a value that is not a string is its JSON text.
Value loop_values(FlowableContext& ctx, std::string_view property) {
  Value given = ctx.render(ctx.task().properties.value(std::string(property), Value()));
  if (given.is_string()) {
    try {
      given = parse_json(given.get<std::string>());
    } catch (const std::exception& e) {
      throw TaskFailure("'" + std::string(property) + "' must be a list or a JSON array: " + e.what());
    }
  }
  if (!given.is_array())
    throw TaskFailure("'" + std::string(property) + "' must be a list or a JSON array, not " +
                      std::string(given.type_name()));
  Value values = Value::array();
  std::set<std::string> seen;
  for (const auto& item : given) {
    if (item.is_null()) throw TaskFailure("'" + std::string(property) + "' holds a null value");
    std::string text = item.is_string() ? item.get<std::string>() : dump_json(item);
    if (seen.insert(text).second) values.push_back(std::move(text));
  }
  if (values.size() > kMaxLoopValues)
    throw TaskFailure("'" + std::string(property) + "' holds " + std::to_string(values.size()) +
                      " values, more than the " + std::to_string(kMaxLoopValues) +
                      " a loop may run in one execution: use ForEachItem or a Subflow per value");
  return values;
}

// Runs `tasks` once per value, at most `limit` iterations at a time (0: all), starting
// them in the order of the values and none after one has failed.
std::optional<State> run_iterations(FlowableContext& ctx, int limit, bool tasks_in_parallel) {
  auto tasks = branch_tasks(ctx.task(), "tasks");
  const Value& values = ctx.decided();
  ChildStates outcome;
  for (size_t i = 0; i < values.size(); ++i) {
    ChildGroup group{
        .value = values[i].get<std::string>(), .iteration = static_cast<int>(i), .parallel = tasks_in_parallel};
    if (!ctx.started(tasks, group) && (outcome.stopped() || (limit > 0 && outcome.active() >= limit))) break;
    outcome.add(ctx.run_children(tasks, group));
  }
  return outcome.state();
}

class Loop final : public FlowableTaskType {
 public:
  struct Shape {
    std::string values_property;
    std::string limit_property;
    int default_limit;
    bool tasks_in_parallel;
  };
  Loop(TypeSchema schema, Shape shape) : FlowableTaskType(std::move(schema)), shape_(std::move(shape)) {}
  void start(FlowableContext& ctx) const override { ctx.decided() = loop_values(ctx, shape_.values_property); }
  std::optional<State> resolve(FlowableContext& ctx) const override {
    int limit = ctx.task().properties.value(shape_.limit_property, shape_.default_limit);
    return run_iterations(ctx, limit, shape_.tasks_in_parallel);
  }

 private:
  Shape shape_;
};

PropertySpec values_property(std::string name) {
  return {.name = std::move(name),
          .type = PropertyType::Any,
          .required = true,
          .description =
              "The values: a list, or a JSON array as text. Each runs the tasks once, as "
              "`{{ taskrun.value }}` (`{{ parent.taskrun.value }}` in nested tasks)."};
}

std::shared_ptr<Loop> for_each() {
  return std::make_shared<Loop>(
      flowable_schema("ForEach", "Runs the tasks once for each value, the tasks of a value one after the other.",
                      {values_property("values"),
                       {.name = "concurrencyLimit",
                        .type = PropertyType::Integer,
                        .description = "How many values run at once: 0 all of them, 1 one after the other.",
                        .default_value = 1},
                       tasks_property("tasks", true, "The tasks to run for each value.")}),
      Loop::Shape{"values", "concurrencyLimit", 1, false});
}

std::shared_ptr<Loop> each_sequential() {
  return std::make_shared<Loop>(
      flowable_schema("EachSequential",
                      "Runs the tasks for each value, one value after the other (ForEach's predecessor).",
                      {values_property("value"), tasks_property("tasks", true, "The tasks to run for each value.")}),
      Loop::Shape{"value", "", 1, false});
}

std::shared_ptr<Loop> each_parallel() {
  return std::make_shared<Loop>(
      flowable_schema("EachParallel",
                      "Runs the tasks for every value at once, the tasks of a value in parallel too (ForEach's "
                      "predecessor). runwatch counts `concurrent` in values, not in task runs.",
                      {values_property("value"),
                       {.name = "concurrent",
                        .type = PropertyType::Integer,
                        .description = "How many values run at once; 0 means all.",
                        .default_value = 0},
                       tasks_property("tasks", true, "The tasks to run for each value.")}),
      Loop::Shape{"value", "concurrent", 0, true});
}

// Dag: `tasks` is a list of {task, dependsOn}; the loader keeps the task definitions as
// the "tasks" branch and the dependencies, in the same order, as the property's value.
std::vector<PropertyProblem> dag_problems(const Value& values) {
  std::vector<PropertyProblem> problems;
  const Value& entries = values.contains("tasks") ? values.at("tasks") : Value::array();
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < entries.size(); ++i) index.emplace(entries[i].value("id", ""), i);
  for (size_t i = 0; i < entries.size(); ++i) {
    const Value& depends = entries[i].value("dependsOn", Value::array());
    for (size_t j = 0; j < depends.size(); ++j)
      if (!index.count(depends[j].get<std::string>()))
        problems.push_back({"tasks[" + std::to_string(i) + "].dependsOn[" + std::to_string(j) + "]",
                            "task '" + entries[i].value("id", "") + "' depends on '" + depends[j].get<std::string>() +
                                "', which is not a task of this Dag"});
  }
  if (!problems.empty()) return problems;
  // Depth-first search; a task met again while still on the path closes a cycle.
  enum class Mark { None, OnPath, Done };
  std::vector<Mark> marks(entries.size(), Mark::None);
  std::vector<std::string> path;
  std::function<bool(size_t)> visit = [&](size_t i) {
    if (marks[i] == Mark::Done) return false;
    path.push_back(entries[i].value("id", ""));
    if (marks[i] == Mark::OnPath) return true;
    marks[i] = Mark::OnPath;
    for (const auto& dependency : entries[i].value("dependsOn", Value::array()))
      if (visit(index.at(dependency.get<std::string>()))) return true;
    marks[i] = Mark::Done;
    path.pop_back();
    return false;
  };
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!visit(i)) continue;
    auto first = std::find(path.begin(), path.end(), path.back());
    std::string cycle;
    for (auto it = first; it != path.end(); ++it) cycle += (cycle.empty() ? "" : " -> ") + *it;
    problems.push_back(
        {"tasks[" + std::to_string(index.at(path.back())) + "].dependsOn", "the dependencies form a cycle: " + cycle});
    break;
  }
  return problems;
}

enum class PauseBehavior { Resume, Warn, Fail, Cancel };

PauseBehavior pause_behavior(const std::string& name) {
  if (name == "WARN") return PauseBehavior::Warn;
  if (name == "FAIL") return PauseBehavior::Fail;
  if (name == "CANCEL") return PauseBehavior::Cancel;
  return PauseBehavior::Resume;
}

std::optional<TimePoint> paused_at(const StateHistory& history) {
  for (const auto& t : history.history())
    if (t.state == State::PAUSED) return t.date;
  return std::nullopt;
}

// When the run went on after its pause.
std::optional<TimePoint> resumed_at(const StateHistory& history) {
  bool paused = false;
  for (const auto& t : history.history()) {
    if (paused && t.state == State::RUNNING) return t.date;
    paused = paused || t.state == State::PAUSED;
  }
  return std::nullopt;
}

std::optional<Duration> duration_property(const TaskDef& task, const char* name) {
  if (!task.properties.contains(name)) return std::nullopt;
  return parse_duration(task.properties.at(name).get<std::string>());
}

TypeSchema pause_schema() {
  auto schema = flowable_schema(
      "Pause",
      "Pauses the execution until it is resumed (API `POST /api/v1/executions/{id}/resume`, Python "
      "`Engine.resume`, the Resume task), or until `pauseDuration` has passed. A `timeout` fails it.",
      {{.name = "pauseDuration",
        .type = PropertyType::Duration,
        .description = "How long to pause; none: until resumed (or the timeout)."},
       {.name = "delay", .type = PropertyType::Duration, .description = "Deprecated name of `pauseDuration`."},
       {.name = "behavior",
        .type = PropertyType::String,
        .description = "What happens when `pauseDuration` ends: RESUME goes on, WARN ends this task WARNING, "
                       "FAIL fails it, CANCEL cancels the execution. A resume before always goes on.",
        .default_value = "RESUME",
        .allowed_values = {"RESUME", "WARN", "FAIL", "CANCEL"}},
       {.name = "onResume",
        .type = PropertyType::Inputs,
        .description = "Inputs given when resuming, checked as flow inputs are; the task's output `onResume`."},
       tasks_property("tasks", false, "Deprecated: tasks run after the pause.")});
  return schema;
}

// Kestra's Pause is flowable: its run pauses first, then (resumed) runs its deprecated
// `tasks`. Whether and when it paused and resumed is read from the run's own history,
// so a restart changes nothing.
class Pause final : public FlowableTaskType {
 public:
  Pause() : FlowableTaskType(pause_schema()) {}
  std::optional<State> resolve(FlowableContext& ctx) const override {
    const TaskDef& task = ctx.task();
    auto duration = duration_property(task, "pauseDuration");
    if (!duration) duration = duration_property(task, "delay");
    auto paused = paused_at(ctx.run().state);
    if (!paused) {
      ctx.pause(end_of_pause(ctx.now(), duration, task.timeout));
      return std::nullopt;
    }
    if (ctx.run().state.current() == State::PAUSED) {
      auto end = end_of_pause(*paused, duration, task.timeout);
      if (!end || ctx.now() < *end) {
        if (end) ctx.wake_at(*end);
        return std::nullopt;
      }
      if (task.timeout && (!duration || *task.timeout < *duration))
        throw TaskFailure("Timeout after " + format_duration(*task.timeout));
      switch (pause_behavior(task.properties.value("behavior", "RESUME"))) {
        case PauseBehavior::Fail:
          throw TaskFailure("Paused for " + format_duration(*duration) + " without being resumed (behavior FAIL)");
        case PauseBehavior::Cancel:
          return State::CANCELLED;
        default:
          ctx.unpause();
      }
    }
    // Resumed: by a resume (always goes on), or by the end of pauseDuration (its behavior).
    auto resumed = resumed_at(ctx.run().state);
    bool warn = duration && resumed && *resumed >= *paused + *duration &&
                pause_behavior(task.properties.value("behavior", "RESUME")) == PauseBehavior::Warn;
    auto children = ctx.run_children(branch_tasks(task, "tasks"), {});
    if (warn && children == State::SUCCESS) return State::WARNING;
    return children;
  }

 private:
  static std::optional<TimePoint> end_of_pause(TimePoint paused_at, std::optional<Duration> duration,
                                               std::optional<Duration> timeout) {
    std::optional<TimePoint> end;
    if (duration) end = paused_at + *duration;
    if (timeout && (!end || paused_at + *timeout < *end)) end = paused_at + *timeout;
    return end;
  }
};

TypeSchema subflow_schema() {
  TypeSchema schema;
  schema.name = "io.kestra.plugin.core.flow.Subflow";
  schema.starts_flow = true;
  schema.aliases = {"io.kestra.core.tasks.flows.Subflow", "io.kestra.core.tasks.flows.Flow"};
  schema.description =
      "Starts an execution of another flow (its `trigger` names this execution) and, with `wait`, ends as it "
      "ends; the outputs are its `executionId`, `state` and the subflow's flow `outputs`.";
  schema.properties = started_execution_properties(false);
  schema.properties.insert(
      schema.properties.end(),
      {
          {.name = "wait",
           .type = PropertyType::Boolean,
           .description = "Whether this task waits for the execution to end.",
           .default_value = true},
          {.name = "transmitFailed",
           .type = PropertyType::Boolean,
           .description = "With `wait`: whether a FAILED or KILLED execution fails this task (a WARNING one warns).",
           .default_value = true},
          {.name = "outputs",
           .type = PropertyType::Map,
           .description = "Deprecated: values rendered with the ended execution's task outputs as `outputs`."},
      });
  return schema;
}

class Subflow final : public FlowableTaskType {
 public:
  Subflow() : FlowableTaskType(subflow_schema()) {}
  std::optional<State> resolve(FlowableContext& ctx) const override {
    const TaskDef& task = ctx.task();
    const bool wait = rendered_flag(ctx, "wait", true);
    if (!ctx.run().outputs.contains("executionId")) {
      ctx.outputs()["executionId"] = ctx.start_subflow(subflow_request(ctx));
      if (!wait) return State::SUCCESS;
    }
    const std::string id = ctx.run().outputs["executionId"].get<std::string>();
    const Execution* child = ctx.execution(id);
    if (!child) throw TaskFailure("The subflow's execution '" + id + "' no longer exists");
    const State state = child->state.current();
    if (!is_terminal(state)) {
      ctx.wait_for_execution(id);
      return std::nullopt;
    }
    ctx.outputs()["state"] = std::string(to_string(state));
    Value outputs = child->flow_outputs;
    if (task.properties.contains("outputs"))
      outputs.update(ctx.render(task.properties["outputs"], {{"outputs", child->outputs()}}));
    if (!outputs.empty()) ctx.outputs()["outputs"] = std::move(outputs);
    if (!rendered_flag(ctx, "transmitFailed", true)) return State::SUCCESS;
    if (state == State::FAILED || state == State::KILLED || state == State::CANCELLED)
      throw TaskFailure("The subflow's execution '" + id + "' ended " + std::string(to_string(state)));
    return state == State::WARNING ? State::WARNING : State::SUCCESS;
  }
};

std::vector<PropertyProblem> check_frequency_problems(const Value& values) {
  std::vector<PropertyProblem> problems;
  if (!values.contains("checkFrequency")) return problems;
  const Value& frequency = values.at("checkFrequency");
  for (auto it = frequency.begin(); it != frequency.end(); ++it) {
    const std::string path = "checkFrequency." + it.key();
    if (it.key() == "maxIterations") {
      if (!it.value().is_number_integer() || it.value().get<long long>() < 1)
        problems.push_back({path, "'maxIterations' must be a positive integer"});
    } else if (it.key() == "maxDuration" || it.key() == "interval") {
      if (!(it.value().is_string() && parse_duration(it.value().get<std::string>())))
        problems.push_back({path, "'" + it.key() + "' must be an ISO-8601 duration such as PT1M"});
    } else {
      problems.push_back({path, "unknown property '" + it.key() +
                                    "': checkFrequency has maxIterations, "
                                    "maxDuration and interval"});
    }
  }
  return problems;
}

TypeSchema wait_for_schema() {
  auto schema = flowable_schema(
      "WaitFor",
      "Runs its tasks again, `checkFrequency.interval` after each time, while `condition` (checked after them) "
      "is true, at most `checkFrequency.maxIterations` times and for `checkFrequency.maxDuration`. Its output "
      "`iterationCount` counts the times.",
      {tasks_property("tasks", true, "The tasks to run each time."),
       {.name = "condition",
        .type = PropertyType::String,
        .required = true,
        .description = "Whether to run the tasks again; false, 0, null and the empty string stop."},
       {.name = "failOnMaxReached",
        .type = PropertyType::Boolean,
        .description = "Whether reaching maxIterations or maxDuration fails the task.",
        .default_value = false},
       {.name = "checkFrequency",
        .type = PropertyType::Map,
        .description = "`maxIterations` (100), `maxDuration` (PT1H), `interval` (PT1S)."}});
  schema.check = check_frequency_problems;
  return schema;
}

class WaitFor final : public FlowableTaskType {
 public:
  WaitFor() : FlowableTaskType(wait_for_schema()) {}
  std::optional<State> resolve(FlowableContext& ctx) const override {
    const TaskDef& task = ctx.task();
    auto tasks = branch_tasks(task, "tasks");
    const Value frequency = task.properties.value("checkFrequency", Value::object());
    const int max_iterations = frequency.value("maxIterations", 100);
    const Duration max_duration = duration_of(frequency, "maxDuration", std::chrono::hours(1));
    const Duration interval = duration_of(frequency, "interval", std::chrono::seconds(1));
    if (!ctx.run().outputs.contains("iterationCount")) ctx.outputs()["iterationCount"] = 1;
    for (;;) {
      const int count = ctx.run().outputs["iterationCount"].get<int>();
      auto state = ctx.run_children(tasks, {.iteration = count - 1});
      if (!state || *state == State::FAILED || *state == State::KILLED || *state == State::CANCELLED) return state;
      Value& decided = ctx.decided();
      if (!decided.is_object() || decided.value("iteration", -1) != count) {
        std::string reached;
        if (count >= max_iterations)
          reached = "Max iterations reached (" + std::to_string(max_iterations) + ")";
        else if (ctx.now() >= ctx.run().state.start_date() + max_duration)
          reached = "Max duration reached (" + format_duration(max_duration) + ")";
        if (!reached.empty()) {
          if (rendered_flag(ctx, "failOnMaxReached", false)) throw TaskFailure(reached);
          return state;
        }
        if (!truthy(ctx.render(task.properties.value("condition", Value())))) return state;
        auto next = ctx.now() + interval;
        decided = {{"iteration", count}, {"next", next.time_since_epoch().count()}};
      }
      TimePoint next{TimePoint::duration(decided["next"].get<TimePoint::rep>())};
      if (ctx.now() < next) {
        ctx.wake_at(next);
        return std::nullopt;
      }
      ctx.outputs()["iterationCount"] = count + 1;
    }
  }

 private:
  static Duration duration_of(const Value& frequency, const char* name, Duration fallback) {
    if (!frequency.contains(name)) return fallback;
    const Value& given = frequency.at(name);
    auto parsed = given.is_string() ? parse_duration(given.get<std::string>()) : std::nullopt;
    if (!parsed) throw TaskFailure("'checkFrequency." + std::string(name) + "' must be an ISO-8601 duration");
    return *parsed;
  }
};

TypeSchema dag_schema() {
  auto schema = flowable_schema("Dag", "Runs each task once the tasks it depends on have succeeded.",
                                {{.name = "tasks",
                                  .type = PropertyType::DagTasks,
                                  .required = true,
                                  .description = "The tasks, each as `task` with the ids it waits for in `dependsOn`."},
                                 {.name = "concurrent",
                                  .type = PropertyType::Integer,
                                  .description = "How many tasks run at once; 0 means all.",
                                  .default_value = 0}});
  schema.check = dag_problems;
  return schema;
}

class Dag final : public FlowableTaskType {
 public:
  Dag() : FlowableTaskType(dag_schema()) {}
  // A pass starts every task whose dependencies have all ended without failing. A task
  // may be listed before what it depends on, so when a pass leaves nothing running while
  // tasks still wait (their dependencies ended during the pass), it looks again.
  std::optional<State> resolve(FlowableContext& ctx) const override {
    auto tasks = branch_tasks(ctx.task(), "tasks");
    const Value& entries = ctx.task().properties.at("tasks");
    int concurrent = ctx.task().properties.value("concurrent", 0);
    for (;;) {
      ChildStates outcome;
      bool waiting = false, started = false;
      for (size_t i = 0; i < tasks.size(); ++i) {
        auto one = tasks.subspan(i, 1);
        if (!ctx.started(one, kGroup)) {
          bool ready = dependencies_ended(ctx, tasks, entries[i].value("dependsOn", Value::array()));
          if (!ready || outcome.stopped() || (concurrent > 0 && outcome.active() >= concurrent)) {
            waiting = true;
            continue;
          }
          started = true;
        }
        outcome.add(ctx.run_children(one, kGroup));
      }
      if (!waiting || !started || outcome.active() > 0 || outcome.stopped()) return outcome.state();
    }
  }

 private:
  static inline const ChildGroup kGroup{.parallel = true};
  static bool dependencies_ended(FlowableContext& ctx, std::span<const TaskDef> tasks, const Value& depends) {
    return std::all_of(depends.begin(), depends.end(), [&](const Value& dependency) {
      auto task = std::find_if(tasks.begin(), tasks.end(), [&](const TaskDef& t) { return t.id == dependency; });
      if (task->disabled) return true;
      auto state = ctx.state_of(*task, kGroup);
      return state && is_terminal(*state) && *state != State::FAILED && *state != State::KILLED;
    });
  }
};

}  // namespace

std::vector<Label> labels_of(const Value& given) {
  std::vector<Label> labels;
  auto text = [](const Value& v) { return v.is_string() ? v.get<std::string>() : dump_json(v); };
  if (given.is_object()) {
    for (auto it = given.begin(); it != given.end(); ++it) labels.push_back({it.key(), text(it.value())});
  } else if (given.is_array()) {
    for (const auto& item : given) {
      if (!item.is_object() || !item.contains("key") || !item.contains("value"))
        throw TaskFailure("'labels' must be a mapping or a list of {key, value}");
      labels.push_back({text(item["key"]), text(item["value"])});
    }
  } else if (!given.is_null()) {
    throw TaskFailure("'labels' must be a mapping or a list of {key, value}");
  }
  return labels;
}

bool rendered_flag(FlowableContext& ctx, const char* property, bool fallback) {
  return truthy(ctx.render(ctx.task().properties.value(property, Value(fallback))));
}

std::string rendered_text(FlowableContext& ctx, const char* property) {
  Value rendered = ctx.render(ctx.task().properties.value(property, Value("")));
  return rendered.is_string() ? rendered.get<std::string>() : dump_json(rendered);
}

std::vector<PropertySpec> started_execution_properties(bool each) {
  const std::string who = each ? "each execution" : "the execution";
  return {
      {.name = "namespace", .type = PropertyType::String, .required = true, .description = "The flow's namespace."},
      {.name = "flowId", .type = PropertyType::String, .required = true, .description = "The flow's id."},
      {.name = "revision",
       .type = PropertyType::Integer,
       .description = "The flow's revision to run; its latest by default. One that does not exist fails the task."},
      {.name = "inputs", .type = PropertyType::Map, .description = "The inputs of " + who + "."},
      {.name = "labels", .type = PropertyType::Any, .description = "The labels of " + who + ": a mapping or a list."},
      {.name = "inheritLabels",
       .type = PropertyType::Boolean,
       .description = "Whether " + who + " also gets this execution's labels.",
       .default_value = false},
      {.name = "scheduleDate",
       .type = PropertyType::String,
       .description =
           "When " + who + " starts: an ISO-8601 date-time with its zone, rendered; it is CREATED until then."},
  };
}

SubflowRequest subflow_request(FlowableContext& ctx, const Value& variables) {
  const TaskDef& task = ctx.task();
  SubflowRequest request{rendered_text(ctx, "namespace"), rendered_text(ctx, "flowId"),
                         ctx.render(task.properties.value("inputs", Value::object()), variables),
                         labels_of(ctx.render(task.properties.value("labels", Value()))),
                         rendered_flag(ctx, "inheritLabels", false)};
  if (const Value* given = find_property(task.properties, "revision")) {
    Value revision = ctx.render(*given);
    if (revision.is_string()) revision = parse_json_or_discarded(revision.get<std::string>());
    if (!revision.is_number_integer() || revision.get<std::int64_t>() < 1 || revision.get<std::int64_t>() > INT32_MAX)
      throw TaskFailure("revision must be a positive integer, not " + dump_json(*given));
    request.revision = revision.get<int>();
  }
  if (find_property(task.properties, "scheduleDate")) {
    const std::string date = rendered_text(ctx, "scheduleDate");
    request.schedule_date = parse_instant(date);
    if (!request.schedule_date)
      throw TaskFailure("scheduleDate '" + date + "' is not an ISO-8601 date-time with a zone");
  }
  return request;
}

bool truthy(const Value& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    return !(s.empty() || s == "false" || s == "0" || s == "-0" || s == "null");
  }
  return true;
}

void register_flowable_tasks(PluginRegistry& registry) {
  registry.add_task(std::make_shared<Sequential>());
  registry.add_task(std::make_shared<Parallel>());
  registry.add_task(std::make_shared<If>());
  registry.add_task(std::make_shared<Switch>());
  registry.add_task(std::make_shared<AllowFailure>());
  registry.add_task(for_each());
  registry.add_task(each_sequential());
  registry.add_task(each_parallel());
  registry.add_task(std::make_shared<Dag>());
  registry.add_task(std::make_shared<Pause>());
  registry.add_task(std::make_shared<Subflow>());
  registry.add_task(std::make_shared<WaitFor>());
  registry.add_task(make_resume_task());
  for (auto& task : make_for_each_item_tasks()) registry.add_task(std::move(task));
}

}  // namespace runwatch
