#include "runwatch/runtime/executor.h"

#include <algorithm>

#include "runwatch/model/error.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/thread_name.h"
#include "runwatch/runtime/ids.h"
#include "runwatch/runtime/retry.h"
#include "runwatch/runtime/secret_inputs.h"

namespace runwatch {
namespace {

constexpr std::string_view kSequential = "io.kestra.plugin.core.flow.Sequential";
constexpr std::string_view kParallel = "io.kestra.plugin.core.flow.Parallel";
constexpr std::string_view kIf = "io.kestra.plugin.core.flow.If";
constexpr std::string_view kSwitch = "io.kestra.plugin.core.flow.Switch";
constexpr std::string_view kAllowFailure = "io.kestra.plugin.core.flow.AllowFailure";

// Kestra's truthiness for If: false, 0, null, the empty string and "false" are false.
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

const std::vector<TaskDef>& branch_tasks(const TaskDef& task, std::string_view property, std::string_view key = {}) {
  static const std::vector<TaskDef> none;
  const auto* b = task.branch(property, key);
  return b ? b->tasks : none;
}

}  // namespace

struct Executor::Live {
  std::shared_ptr<const Flow> flow;
  Execution exec;
  std::unordered_map<std::string, const TaskDef*> tasks;         // task id -> definition
  std::unordered_map<std::string, size_t> runs;                  // task id -> index in exec.task_runs
  std::unordered_map<std::string, std::shared_ptr<Cancellation>> running;  // task run id -> its signal
  std::unordered_map<std::string, const TaskBranch*> chosen;     // If/Switch task run id -> its branch
  std::unordered_map<std::string, TimerKey> timeouts;            // task run id -> its running attempt's timeout
  std::vector<TimerKey> timers;                                  // every timer scheduled for it
  std::vector<std::string> secrets;                              // values to mask: revealed by its renders
  // With SECRET inputs: the inputs its task runs see (decrypted, never recorded), the
  // decrypted texts, or why they could not be decrypted.
  Value inputs_in_clear;
  std::vector<std::string> secret_inputs;
  std::string secret_inputs_error;
  bool dirty = false;
  bool holds_slot = false;  // counted in its flow's concurrency limit

  TaskRun* run_of(const std::string& task_id) {
    auto it = runs.find(task_id);
    return it == runs.end() ? nullptr : &exec.task_runs[it->second];
  }
  TaskRun* run_by_id(const std::string& task_run_id) {
    for (auto& tr : exec.task_runs)
      if (tr.id == task_run_id) return &tr;
    return nullptr;
  }
};

Executor::Executor(const Clock& clock, const PluginRegistry& plugins, const SecretStore& secrets,
                   const crypto::SecretCipher* secret_inputs, Value globals, ExecutionBoard& board,
                   WorkerSettings workers, TransitionListener on_transition, const metrics::Catalog* metrics)
    : clock_(clock),
      plugins_(plugins),
      secrets_(secrets),
      secret_inputs_(secret_inputs),
      globals_(std::move(globals)),
      board_(board),
      on_transition_(std::move(on_transition)),
      metrics_(metrics),
      kv_store_(workers.kv_store),
      workers_(
          workers, clock, &board, &secrets, [this](WorkerResult r) { post(std::move(r)); }, metrics) {
  thread_ = std::thread([this] { loop(); });
}

Executor::~Executor() { stop(); }

void Executor::post(Message message) {
  {
    std::lock_guard lock(mutex_);
    inbox_.push_back(std::move(message));
  }
  cv_.notify_one();
}

void Executor::start(std::shared_ptr<const Flow> flow, Execution execution) {
  post(StartMessage{std::move(flow), std::move(execution)});
}

void Executor::kill(const std::string& execution_id) { post(KillMessage{execution_id}); }

void Executor::end(std::shared_ptr<const Flow> flow, Execution execution, std::string reason) {
  post(EndMessage{std::move(flow), std::move(execution), std::move(reason)});
}

void Executor::resume(std::shared_ptr<const Flow> flow, Execution execution) {
  post(ResumeMessage{std::move(flow), std::move(execution)});
}

void Executor::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
  }
  post(ShutdownMessage{});
  if (thread_.joinable()) thread_.join();
  workers_.stop();
}

bool Executor::stopped() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

Executor::Heartbeat Executor::heartbeat() const {
  std::lock_guard lock(mutex_);
  return {!stopped_, inbox_.size(), last_batch_};
}

bool Executor::idle_locked(int parked_sleepers) const {
  if (processing_ || !inbox_.empty()) return false;
  if (jobs_in_flight_.load() > parked_sleepers) return false;
  if (!next_deadline_) return true;
  return clock_.is_manual() && clock_.now() < *next_deadline_;
}

bool Executor::wait_idle(std::optional<std::chrono::steady_clock::duration> timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout.value_or(std::chrono::hours(24 * 365));
  for (;;) {
    // Counted before taking our lock: a manual clock calls into this executor (on_advance)
    // while holding its own, so taking them in the other order could deadlock.
    int parked = clock_.parked_sleepers();
    std::unique_lock lock(mutex_);
    if (idle_locked(parked)) return true;
    if (stopped_ || std::chrono::steady_clock::now() >= deadline) return false;
    // Workers that park on a manual clock do not report it, so look again every millisecond.
    idle_cv_.wait_for(lock, std::chrono::milliseconds(1));
  }
}

void Executor::loop() {
  set_thread_name("executor");
  auto advanced = clock_.on_advance([this] {
    std::lock_guard lock(mutex_);
    cv_.notify_all();
  });
  std::deque<Message> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      processing_ = false;
      next_deadline_ = timers_.empty() ? std::nullopt : std::optional(timers_.begin()->first.first);
      idle_cv_.notify_all();
      while (inbox_.empty()) {
        if (next_deadline_ && clock_.now() >= *next_deadline_) break;
        if (next_deadline_) clock_.wait_until(lock, cv_, *next_deadline_);
        else cv_.wait(lock);
      }
      batch.swap(inbox_);
      processing_ = true;
      last_batch_ = std::chrono::steady_clock::now();
    }
    for (auto& message : batch) {
      std::visit([this](auto& m) { handle(m); }, message);
      if (std::holds_alternative<ShutdownMessage>(message)) {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        processing_ = false;
        idle_cv_.notify_all();
        return;
      }
    }
    batch.clear();
    fire_due_timers();
    publish_dirty();
    // After publishing: a task that reads its own execution (SlackExecution) finds its run.
    for (auto& job : ready_jobs_) workers_.submit(std::move(job));
    ready_jobs_.clear();
  }
}

Executor::Live& Executor::adopt(std::shared_ptr<const Flow> flow, Execution execution) {
  auto live = std::make_unique<Live>();
  live->flow = std::move(flow);
  live->exec = std::move(execution);
  if (live->flow) for_each_task(*live->flow, [&](const TaskDef& t) { live->tasks.emplace(t.id, &t); });
  for (size_t i = 0; i < live->exec.task_runs.size(); ++i) live->runs[live->exec.task_runs[i].task_id] = i;
  if (live->flow && has_secret_inputs(*live->flow)) {
    try {
      live->inputs_in_clear = live->exec.inputs;
      live->secret_inputs = open_secret_inputs(*live->flow, live->inputs_in_clear, secret_inputs_);
      reveal(*live, live->secret_inputs);
    } catch (const InputError& e) {
      live->inputs_in_clear = nullptr;
      live->secret_inputs_error = e.what();
    }
  }
  auto& ref = *live;
  live_.emplace(ref.exec.id, std::move(live));
  return ref;
}

void Executor::handle(StartMessage& m) {
  auto& ref = adopt(std::move(m.flow), std::move(m.execution));
  if (admit(ref)) start_running(ref);
}

void Executor::start_running(Live& live) {
  transition(live, State::RUNNING);
  metrics_.execution_started(live.exec.ns, live.exec.flow_id);
  if (inputs_unreadable(live)) return;
  advance(live);
}

bool Executor::admit(Live& live) {
  if (!live.flow || !live.flow->concurrency) return true;
  const ConcurrencyLimit& limit = *live.flow->concurrency;
  FlowSlots& slots = slots_[live.flow->key()];
  if (slots.running < limit.limit) {
    ++slots.running;
    live.holds_slot = true;
    return true;
  }
  const std::string reached = "the flow's concurrency limit (" + std::to_string(limit.limit) + ") is reached";
  switch (limit.behavior) {
    case ConcurrencyLimit::Behavior::Queue:
      slots.queued.push_back(live.exec.id);
      transition(live, State::QUEUED);
      log(live, LogLevel::INFO, "Execution queued: " + reached);
      break;
    case ConcurrencyLimit::Behavior::Cancel:
      log(live, LogLevel::INFO, "Execution cancelled: " + reached);
      finish(live, State::CANCELLED);
      break;
    case ConcurrencyLimit::Behavior::Fail:
      log(live, LogLevel::ERROR, "Flow is FAILED due to concurrency limit exceeded");
      finish(live, State::FAILED);
      break;
  }
  return false;
}

void Executor::release_slot(Live& live) {
  live.holds_slot = false;
  FlowSlots& slots = slots_[live.flow->key()];
  --slots.running;
  while (!slots.queued.empty() && slots.running < live.flow->concurrency->limit) {
    auto it = live_.find(slots.queued.front());
    slots.queued.pop_front();
    if (it == live_.end() || it->second->exec.state.current() != State::QUEUED) continue;
    ++slots.running;
    it->second->holds_slot = true;
    start_running(*it->second);
  }
}

bool Executor::inputs_unreadable(Live& live) {
  if (live.secret_inputs_error.empty()) return false;
  log(live, LogLevel::ERROR, live.secret_inputs_error);
  end_task_runs(live, State::FAILED);
  finish(live, State::FAILED);
  return true;
}

void Executor::handle(WorkerResult& m) {
  --jobs_in_flight_;
  auto it = live_.find(m.identity.execution_id);
  if (it == live_.end()) return;
  Live& live = *it->second;
  metrics_.worker_result(live.exec.ns, live.exec.flow_id, m.result.state);
  reveal(live, m.revealed_secrets);
  const TaskDef* def = live.tasks.count(m.identity.task_id) ? live.tasks.at(m.identity.task_id) : nullptr;
  auto min_level = def && !def->log_level.empty() ? parse_log_level(def->log_level) : std::nullopt;
  for (auto& entry : m.logs) {
    if (min_level && entry.level < *min_level) continue;
    entry.message = mask_secrets(std::move(entry.message), live.secrets);
    live.exec.logs.push_back(std::move(entry));
  }
  mark_dirty(live);
  TaskRun* run = live.run_of(m.identity.task_id);
  // A result for an attempt that already ended (timed out, killed) changes nothing more.
  if (!run || run->id != m.identity.task_run_id || run->state.current() != State::RUNNING ||
      run->attempts.size() != static_cast<size_t>(m.identity.attempt))
    return;
  live.running.erase(run->id);
  if (auto t = live.timeouts.find(run->id); t != live.timeouts.end()) {
    timers_.erase(t->second);
    live.timeouts.erase(t);
  }
  const TaskDef& task = *live.tasks.at(run->task_id);
  auto& result = m.result;
  Value outputs = mask_secrets(result.outputs, live.secrets);
  for (auto it2 = outputs.begin(); it2 != outputs.end(); ++it2) run->outputs[it2.key()] = it2.value();
  for (auto& label : result.labels) {
    label.key = mask_secrets(std::move(label.key), live.secrets);
    label.value = mask_secrets(std::move(label.value), live.secrets);
    auto& labels = live.exec.labels;
    auto same = std::find_if(labels.begin(), labels.end(), [&](const Label& l) { return l.key == label.key; });
    if (same != labels.end()) same->value = label.value;
    else labels.push_back(label);
  }
  run->attempts.back().state.transition(result.state, clock_.now());
  if (result.state == State::FAILED) {
    attempt_failed(live, task, *run, result.retry_in);
  } else {
    State state = result.state;
    if (state == State::SUCCESS && task.retry && task.retry->warning_on_retry && run->attempts.size() > 1)
      state = State::WARNING;
    complete(live, task, *run, state);
  }
  advance(live);
}

void Executor::handle(KillMessage& m) {
  auto it = live_.find(m.execution_id);
  if (it == live_.end()) return;
  Live& live = *it->second;
  transition(live, State::KILLING);
  for (auto& [id, cancellation] : live.running) cancellation->cancel("Execution killed");
  live.running.clear();
  end_task_runs(live, State::KILLED);
  log(live, LogLevel::WARN, "Execution killed");
  finish(live, State::KILLED);
}

void Executor::handle(EndMessage& m) {
  auto& ref = adopt(std::move(m.flow), std::move(m.execution));
  end_task_runs(ref, State::FAILED);
  log(ref, LogLevel::ERROR, std::move(m.reason));
  finish(ref, State::FAILED);
}

void Executor::handle(ResumeMessage& m) {
  auto& live = adopt(std::move(m.flow), std::move(m.execution));
  // It ran (or was admitted) before the restart: it keeps its slot.
  if (live.flow && live.flow->concurrency) {
    ++slots_[live.flow->key()].running;
    live.holds_slot = true;
  }
  if (live.exec.state.current() == State::CREATED) {
    transition(live, State::RUNNING);
    metrics_.execution_started(live.exec.ns, live.exec.flow_id);
  }
  log(live, LogLevel::WARN, "Resumed after an engine restart");
  if (inputs_unreadable(live)) return;
  auto now = clock_.now();
  // By index: a new attempt adds no task run, but choose_branch may render.
  for (size_t i = 0; i < live.exec.task_runs.size(); ++i) {
    TaskRun& run = live.exec.task_runs[i];
    auto def = live.tasks.find(run.task_id);
    if (is_terminal(run.state.current()) || def == live.tasks.end()) continue;
    const TaskDef& task = *def->second;
    if (run.attempts.empty()) {
      try {
        choose_branch(live, task, run);
      } catch (const std::exception& e) {
        fail_unstarted(live, task, run, e.what());
      }
      continue;
    }
    if (!is_terminal(run.attempts.back().state.current())) run.attempts.back().state.transition(State::FAILED, now);
    dispatch_attempt(live, task, run);
  }
  advance(live);
}

void Executor::end_task_runs(Live& live, State state) {
  auto now = clock_.now();
  for (auto& run : live.exec.task_runs) {
    if (is_terminal(run.state.current())) continue;
    if (!run.attempts.empty() && !is_terminal(run.attempts.back().state.current()))
      run.attempts.back().state.transition(state, now);
    run.state.transition(state, now);
  }
  mark_dirty(live);
}

void Executor::handle(ShutdownMessage&) {
  for (auto& [id, live] : live_)
    for (auto& [run_id, cancellation] : live->running) cancellation->cancel("Engine stopped");
}

void Executor::schedule(Live& live, TimePoint deadline, Timer timer) {
  TimerKey key{deadline, next_timer_seq_++};
  if (timer.kind == Timer::Kind::Timeout) live.timeouts[timer.task_run_id] = key;
  timers_.emplace(key, std::move(timer));
  live.timers.push_back(key);
}

void Executor::cancel_timers(Live& live) {
  for (const auto& key : live.timers) timers_.erase(key);
  live.timers.clear();
  live.timeouts.clear();
}

void Executor::fire_due_timers() {
  auto now = clock_.now();
  while (!timers_.empty() && timers_.begin()->first.first <= now) {
    Timer timer = std::move(timers_.begin()->second);
    timers_.erase(timers_.begin());
    fire(timer);
  }
}

void Executor::fire(const Timer& timer) {
  auto it = live_.find(timer.execution_id);
  if (it == live_.end()) return;
  Live& live = *it->second;
  TaskRun* run = live.run_by_id(timer.task_run_id);
  if (!run || run->attempts.size() != timer.attempt) return;
  const TaskDef& task = *live.tasks.at(run->task_id);
  if (timer.kind == Timer::Kind::Retry) {
    if (run->state.current() != State::RETRYING) return;
    dispatch_attempt(live, task, *run);
    return;
  }
  if (run->state.current() != State::RUNNING) return;
  live.timeouts.erase(run->id);
  metrics_.task_timed_out(task.type, live.exec.ns, live.exec.flow_id);
  std::string reason = "Timeout after " + format_duration(*task.timeout);
  if (auto c = live.running.find(run->id); c != live.running.end()) {
    c->second->cancel(reason);
    live.running.erase(c);
  }
  log(live, LogLevel::ERROR, reason, run);
  run->attempts.back().state.transition(State::FAILED, clock_.now());
  attempt_failed(live, task, *run, std::nullopt);
  advance(live);
}

void Executor::mark_dirty(Live& live) {
  if (live.dirty) return;
  live.dirty = true;
  dirty_.push_back(&live);
}

void Executor::publish_dirty() {
  for (Live* live : dirty_) {
    live->dirty = false;
    if (!is_terminal(live->exec.state.current())) {
      board_.publish(std::make_shared<const Execution>(live->exec));
      continue;
    }
    auto it = live_.find(live->exec.id);
    board_.publish(std::make_shared<const Execution>(std::move(live->exec)));  // its last state: no copy
    live_.erase(it);
  }
  dirty_.clear();
}

void Executor::advance(Live& live) {
  State current = live.exec.state.current();
  if (is_terminal(current) || current == State::KILLING) return;
  auto result = walk(live, live.flow->tasks, "", "tasks", false, 0);
  if (!result) return;
  if (*result == State::FAILED && !live.flow->errors.empty()) {
    auto errors = walk(live, live.flow->errors, "", "errors", false, 0);
    if (!errors) return;
  }
  finish(live, *result);
}

std::optional<State> Executor::walk(Live& live, const std::vector<TaskDef>& tasks, const std::string& parent_id,
                                    const std::string& branch, bool parallel, int concurrent) {
  bool warning = false, failed = false, killed = false;
  int active = 0;
  for (const auto& task : tasks) {
    if (task.disabled) continue;
    TaskRun* run = live.run_of(task.id);
    if (!run) {
      if (failed || killed) break;
      if (parallel && concurrent > 0 && active >= concurrent) continue;
      run = &create_task_run(live, task, parent_id, branch);
    } else if (!is_terminal(run->state.current()) && !run->attempts.empty()) {
      // A runnable task still running or waiting for its retry.
    } else if (!is_terminal(run->state.current())) {
      resolve_flowable(live, task, *run);
      run = live.run_of(task.id);  // children may have been added: the vector may have moved
    }
    State state = run->state.current();
    if (!is_terminal(state)) {
      ++active;
      if (!parallel) return std::nullopt;
      continue;
    }
    failed = failed || state == State::FAILED;
    killed = killed || state == State::KILLED;
    warning = warning || state == State::WARNING;
    if (!parallel && (failed || killed)) break;
  }
  if (active > 0) return std::nullopt;
  if (killed) return State::KILLED;
  if (failed) return State::FAILED;
  return warning ? State::WARNING : State::SUCCESS;
}

TaskRun& Executor::create_task_run(Live& live, const TaskDef& task, const std::string& parent_id,
                                   const std::string& branch) {
  TaskRun run;
  run.id = new_id();
  run.task_id = task.id;
  run.parent_task_run_id = parent_id;
  run.branch = branch;
  run.state = StateHistory(State::CREATED, clock_.now());
  live.runs[task.id] = live.exec.task_runs.size();
  live.exec.task_runs.push_back(std::move(run));
  mark_dirty(live);
  metrics_.task_run_created(live.exec.ns, live.exec.flow_id);
  // Taken again after the push: recursion below may grow task_runs.
  auto index = live.runs[task.id];
  try {
    if (!task.run_if.empty() && !should_run(live, task, live.exec.task_runs[index])) {
      live.exec.task_runs[index].state.transition(State::SKIPPED, clock_.now());
      return live.exec.task_runs[index];
    }
  } catch (const std::exception& e) {
    fail_unstarted(live, task, live.exec.task_runs[index], "runIf: " + std::string(e.what()));
    return live.exec.task_runs[index];
  }
  auto type = plugins_.task(task.type);
  if (type && type->flowable()) {
    live.exec.task_runs[index].state.transition(State::RUNNING, clock_.now());
    try {
      choose_branch(live, task, live.exec.task_runs[index]);
    } catch (const std::exception& e) {
      fail_unstarted(live, task, live.exec.task_runs[index], e.what());
      return live.exec.task_runs[index];
    }
    resolve_flowable(live, task, live.exec.task_runs[index]);
  } else {
    dispatch_attempt(live, task, live.exec.task_runs[index]);
  }
  return live.exec.task_runs[live.runs[task.id]];
}

bool Executor::should_run(Live& live, const TaskDef& task, const TaskRun& run) {
  return truthy(render(live, task, run, Value(task.run_if)));
}

Value Executor::render(Live& live, const TaskDef& task, const TaskRun& run, const Value& value) {
  RunContext ctx(TaskIdentity{}, variables(live, task, run), clock_, nullptr, &board_, &secrets_);
  ctx.set_kv_store(kv_store_);
  ctx.set_error_logs(error_logs(live.exec));
  ctx.add_secret_values(live.secret_inputs);
  Value rendered = ctx.render(value);
  reveal(live, ctx.revealed_secrets());
  return mask_secrets(rendered, live.secrets);
}

// Longest first: a value computed from a secret often holds a shorter one (a slice of
// it), which must not be masked first and leave the rest of the longer one readable.
void Executor::reveal(Live& live, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty() || std::find(live.secrets.begin(), live.secrets.end(), secret) != live.secrets.end()) continue;
    auto longer = [](const std::string& a, const std::string& b) { return a.size() > b.size(); };
    live.secrets.insert(std::upper_bound(live.secrets.begin(), live.secrets.end(), secret, longer), secret);
  }
}

Value Executor::error_logs(const Execution& execution) {
  constexpr size_t kMaxErrorLogs = 25;
  std::vector<const LogEntry*> errors;
  for (const auto& entry : execution.logs)
    if (entry.level == LogLevel::ERROR) errors.push_back(&entry);
  size_t first = errors.size() > kMaxErrorLogs ? errors.size() - kMaxErrorLogs : 0;
  Value out = Value::array();
  for (size_t i = first; i < errors.size(); ++i) {
    const auto& e = *errors[i];
    out.push_back({{"namespace", execution.ns},
                   {"flowId", execution.flow_id},
                   {"executionId", execution.id},
                   {"taskId", e.task_id},
                   {"taskRunId", e.task_run_id},
                   {"attemptNumber", e.attempt},
                   {"timestamp", format_instant(e.timestamp)},
                   {"level", to_string(e.level)},
                   {"message", e.message}});
  }
  return out;
}

void Executor::fail_unstarted(Live& live, const TaskDef& task, TaskRun& run, const std::string& reason) {
  log(live, LogLevel::ERROR, mask_secrets(reason, live.secrets), &run);
  complete(live, task, run, State::FAILED);
}

void Executor::choose_branch(Live& live, const TaskDef& task, TaskRun& run) {
  if (task.type != kIf && task.type != kSwitch) return;
  if (task.type == kIf) {
    bool condition = truthy(render(live, task, run, task.properties.value("condition", Value())));
    live.chosen[run.id] = task.branch(condition ? "then" : "else");
    return;
  }
  Value rendered = render(live, task, run, task.properties.value("value", Value("")));
  std::string value = rendered.is_string() ? rendered.get<std::string>() : dump_json(rendered);
  const TaskBranch* chosen = task.branch("cases", value);
  run.outputs["value"] = value;
  run.outputs["defaults"] = chosen == nullptr;
  live.chosen[run.id] = chosen ? chosen : task.branch("defaults");
}

void Executor::resolve_flowable(Live& live, const TaskDef& task, TaskRun& run) {
  // `run` may move while children are created: keep its id, not the reference.
  const std::string run_id = run.id;
  auto run_ref = [&]() -> TaskRun& { return live.exec.task_runs[live.runs.at(task.id)]; };
  std::optional<State> result;
  if (task.type == kIf || task.type == kSwitch) {
    const TaskBranch* chosen = live.chosen[run_id];
    result = chosen ? walk(live, chosen->tasks, run_id, chosen->property, false, 0) : std::optional(State::SUCCESS);
  } else if (task.type == kParallel) {
    int concurrent = task.properties.value("concurrent", 0);
    result = walk(live, branch_tasks(task, "tasks"), run_id, "tasks", true, concurrent);
  } else {
    result = walk(live, branch_tasks(task, "tasks"), run_id, "tasks", false, 0);
  }
  if (!result) return;
  if (*result == State::FAILED && task.branch("errors")) {
    auto errors = walk(live, branch_tasks(task, "errors"), run_id, "errors", false, 0);
    if (!errors) return;
  }
  State state = *result;
  if (task.type == kAllowFailure && state == State::FAILED) state = State::WARNING;
  complete(live, task, run_ref(), state);
}

void Executor::dispatch_attempt(Live& live, const TaskDef& task, TaskRun& run) {
  auto now = clock_.now();
  run.attempts.push_back(Attempt{StateHistory(State::RUNNING, now)});
  run.state.transition(State::RUNNING, now);
  mark_dirty(live);
  auto type = plugins_.task(task.type);
  if (!type) {
    log(live, LogLevel::ERROR, "No task type '" + task.type + "' is registered", &run);
    run.attempts.back().state.transition(State::FAILED, now);
    complete(live, task, run, State::FAILED);
    return;
  }
  auto cancellation = std::make_shared<Cancellation>();
  live.running[run.id] = cancellation;
  TaskIdentity identity{live.exec.id,  live.exec.ns, live.exec.flow_id,
                        live.exec.flow_revision, task.id, task.type, run.id, static_cast<int>(run.attempts.size())};
  if (task.timeout) schedule(live, now + *task.timeout, Timer{Timer::Kind::Timeout, live.exec.id, run.id, run.attempts.size()});
  ++jobs_in_flight_;
  ready_jobs_.push_back(WorkerJob{std::move(identity), std::move(type), task.properties, variables(live, task, run),
                                  error_logs(live.exec), std::move(cancellation), live.secret_inputs});
}

void Executor::attempt_failed(Live& live, const TaskDef& task, TaskRun& run, std::optional<Duration> retry_in) {
  if (live.exec.state.current() == State::RUNNING) {
    auto now = clock_.now();
    std::optional<TimePoint> next;
    if (retry_in) next = now + *retry_in;
    else if (task.retry) next = next_retry_date(*task.retry, static_cast<int>(run.attempts.size()),
                                                run.attempts.front().state.start_date(), now);
    if (next) {
      log_->trace("Task run {} ({}) of execution {} is RETRYING at {}", run.id, task.id, live.exec.id,
                  format_instant(*next));
      run.state.transition(State::RETRYING, now);
      schedule(live, *next, Timer{Timer::Kind::Retry, live.exec.id, run.id, run.attempts.size()});
      mark_dirty(live);
      return;
    }
  }
  complete(live, task, run, State::FAILED);
}

void Executor::complete(Live& live, const TaskDef& task, TaskRun& run, State state) {
  if (state == State::FAILED && task.allow_failure) state = State::WARNING;
  if (state == State::WARNING && task.allow_warning) state = State::SUCCESS;
  log_->trace("Task run {} ({}) of execution {} is {}", run.id, task.id, live.exec.id, to_string(state));
  run.state.transition(state, clock_.now());
  metrics_.task_run_ended(live.exec.ns, live.exec.flow_id, state, clock_.now() - run.state.start_date());
  live.chosen.erase(run.id);
  mark_dirty(live);
}

void Executor::finish(Live& live, State state) {
  cancel_timers(live);
  transition(live, state);
  metrics_.execution_ended(live.exec.ns, live.exec.flow_id, state, clock_.now() - live.exec.state.start_date());
  if (live.holds_slot) release_slot(live);
}

void Executor::transition(Live& live, State state) {
  log_->debug("Execution {} of {}.{} is {}", live.exec.id, live.exec.ns, live.exec.flow_id, to_string(state));
  live.exec.state.transition(state, clock_.now());
  mark_dirty(live);
  if (on_transition_) on_transition_(live.exec);
}

namespace {
// ordered_json keeps members in a vector of pair<const string, json>: growing it copies
// every member (const keys cannot move), so each object is sized before it is filled.
Value object_of_size(size_t n) {
  Value v = Value::object();
  v.get_ref<Value::object_t&>().reserve(n);
  return v;
}
}  // namespace

Value Executor::variables(const Live& live, const TaskDef& task, const TaskRun& run) const {
  const auto& exec = live.exec;
  const auto& flow = *live.flow;
  Value v = object_of_size(11);
  Value& f = v["flow"] = object_of_size(3);
  f["id"] = flow.id;
  f["namespace"] = flow.ns;
  f["revision"] = flow.revision;
  Value& e = v["execution"] = object_of_size(4);
  e["id"] = exec.id;
  e["startDate"] = format_instant(exec.state.start_date());
  e["originalId"] = exec.id;
  e["state"] = to_string(exec.state.current());
  Value& t = v["task"] = object_of_size(2);
  t["id"] = task.id;
  t["type"] = task.type;
  Value& tr = v["taskrun"] = object_of_size(4);
  tr["id"] = run.id;
  tr["startDate"] = format_instant(run.state.start_date());
  tr["attemptsCount"] = run.attempts.size();
  tr["parentId"] = run.parent_task_run_id.empty() ? Value() : Value(run.parent_task_run_id);
  v["inputs"] = live.secret_inputs.empty() ? exec.inputs : live.inputs_in_clear;
  v["outputs"] = exec.outputs();
  Value& labels = v["labels"] = object_of_size(exec.labels.size());
  for (const auto& l : exec.labels) labels[l.key] = l.value;
  v["vars"] = flow.variables;
  for (const auto& [name, value] : globals_.items()) v[name] = value;
  if (!exec.trigger.is_null()) v["trigger"] = exec.trigger;
  return v;
}

void Executor::log(Live& live, LogLevel level, std::string message, const TaskRun* run) {
  LogEntry entry{clock_.now(), level, "", "", 0, std::move(message)};
  if (run) {
    entry.task_id = run->task_id;
    entry.task_run_id = run->id;
    entry.attempt = static_cast<int>(run->attempts.size());
  }
  live.exec.logs.push_back(std::move(entry));
  mark_dirty(live);
}

}  // namespace runwatch
