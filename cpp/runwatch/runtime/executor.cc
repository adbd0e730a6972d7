#include "runwatch/runtime/executor.h"

#include <algorithm>

#include "runwatch/model/error.h"
#include "runwatch/model/thread_name.h"
#include "runwatch/runtime/ids.h"
#include "runwatch/runtime/inputs.h"
#include "runwatch/runtime/retry.h"
#include "runwatch/runtime/secret_inputs.h"

namespace runwatch {
namespace {

// The key of a task run among its execution's: (task, parent run, iteration, loop value).
// Task ids are identifiers (no newline), and the value, which may hold anything, comes last.
std::string run_key(std::string_view task_id, std::string_view parent_id, std::optional<int> iteration,
                    const std::optional<std::string>& value) {
  std::string key;
  key.reserve(task_id.size() + parent_id.size() + (value ? value->size() : 0) + 16);
  key.append(task_id).append(1, '\n').append(parent_id).append(1, '\n');
  if (iteration) key.append(std::to_string(*iteration));
  key.append(1, '\n');
  if (value) key.append(1, 'v').append(*value);
  return key;
}

// Sets a label, replacing the value of one with the same key.
void set_label(std::vector<Label>& labels, const Label& label) {
  auto same = std::find_if(labels.begin(), labels.end(), [&](const Label& l) { return l.key == label.key; });
  if (same != labels.end())
    same->value = label.value;
  else
    labels.push_back(label);
}

}  // namespace

struct Executor::Live {
  std::shared_ptr<const Flow> flow;
  Execution exec;
  std::unordered_map<std::string, const TaskDef*> tasks;         // task id -> definition
  std::unordered_map<std::string, size_t> runs;                  // run_key -> index in exec.task_runs
  std::unordered_map<std::string, size_t> by_id;                 // task run id -> index in exec.task_runs
  std::unordered_map<std::string, std::shared_ptr<Cancellation>> running;  // task run id -> its signal
  std::unordered_map<std::string, Value> decided;  // flowable task run id -> what it decided when it started
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
  int paused = 0;           // task runs PAUSED
  // The state its tasks, errors and finally ended in, once known: afterExecution runs
  // with it as `execution.state`.
  std::optional<State> final_state;
  // The `outputs` variable, built again only after a task run's outputs changed: a loop's
  // thousand task runs would otherwise rebuild it for every one they dispatch.
  mutable Value outputs;
  mutable bool outputs_stale = true;
  std::unordered_map<std::string, TimePoint> wakes;  // flowable task run id -> its pending wake
  // Flowable task run id -> the executions it waits for that ended since it last resolved.
  std::unordered_map<std::string, std::vector<std::string>> ended_children;
  // Flowable task run id -> the directory its descendants work in (WorkingDirectory's).
  std::unordered_map<std::string, std::filesystem::path> work_directories;

  TaskRun* find(const std::string& task_id, const Group& group) {
    auto it = runs.find(run_key(task_id, group.parent_id, group.iteration, group.value));
    return it == runs.end() ? nullptr : &exec.task_runs[it->second];
  }
  TaskRun* run_by_id(const std::string& task_run_id) {
    auto it = by_id.find(task_run_id);
    return it == by_id.end() ? nullptr : &exec.task_runs[it->second];
  }
  TaskRun& run_at(const std::string& task_run_id) { return exec.task_runs[by_id.at(task_run_id)]; }
  void index(size_t i) {
    const TaskRun& run = exec.task_runs[i];
    runs[run_key(run.task_id, run.parent_task_run_id, run.iteration, run.value)] = i;
    by_id[run.id] = i;
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
      storage_(workers.storage),
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

void Executor::resume_paused(const std::string& execution_id, std::map<std::string, Value> outputs_by_run) {
  post(ResumePausedMessage{execution_id, std::move(outputs_by_run)});
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
    for (size_t i = 0; i < parents_to_advance_.size(); ++i)  // advancing one may end another
      if (auto parent = live_.find(parents_to_advance_[i]); parent != live_.end()) advance(*parent->second);
    parents_to_advance_.clear();
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
  for (size_t i = 0; i < live->exec.task_runs.size(); ++i) {
    live->index(i);
    if (live->exec.task_runs[i].state.current() == State::PAUSED) ++live->paused;
  }
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

void Executor::handle(StartMessage& m) { begin(adopt(std::move(m.flow), std::move(m.execution))); }

void Executor::begin(Live& live) {
  if (live.exec.schedule_date && *live.exec.schedule_date > clock_.now())
    schedule(live, *live.exec.schedule_date, Timer{Timer::Kind::Start, live.exec.id, "", 0});
  else if (admit(live))
    start_running(live);
}

void Executor::start_running(Live& live) {
  transition(live, State::RUNNING);
  metrics_.execution_started(live.exec.ns, live.exec.flow_id);
  schedule_slas(live);
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
  TaskRun* run = live.run_by_id(m.identity.task_run_id);
  // A result for an attempt that already ended (timed out, killed) changes nothing more.
  if (!run || run->state.current() != State::RUNNING || run->attempts.size() != static_cast<size_t>(m.identity.attempt))
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
  live.outputs_stale = live.outputs_stale || !outputs.empty();
  for (auto& label : result.labels) {
    label.key = mask_secrets(std::move(label.key), live.secrets);
    label.value = mask_secrets(std::move(label.value), live.secrets);
    set_label(live.exec.labels, label);
  }
  run->attempts.back().state.transition(result.state, clock_.now());
  if (result.state == State::FAILED) {
    attempt_failed(live, task, *run, result.retry_in);
  } else {
    State state = result.state;
    // Only a run that was retried looks its policy up: a success walks no parents.
    if (state == State::SUCCESS && run->attempts.size() > 1)
      if (const RetryPolicy* policy = retry_policy(live, task, *run); policy && policy->warning_on_retry)
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
  log(live, LogLevel::WARN, "Execution killed");
  stop_execution(live, State::KILLED, State::KILLED, "Execution killed");
}

void Executor::stop_execution(Live& live, State runs_state, State state, const std::string& reason) {
  for (auto& [id, cancellation] : live.running) cancellation->cancel(reason);
  live.running.clear();
  end_task_runs(live, runs_state);
  finish(live, state);
}

void Executor::schedule_slas(Live& live) {
  for (size_t i = 0; i < live.flow->slas.size(); ++i) {
    const SlaDef& sla = live.flow->slas[i];
    if (sla.type == SlaDef::Type::MaxDuration)
      schedule(live, live.exec.state.start_date() + sla.duration, Timer{Timer::Kind::Sla, live.exec.id, "", i});
  }
}

std::optional<State> Executor::violate(Live& live, const SlaDef& sla, const std::string& why) {
  for (const auto& label : sla.labels) set_label(live.exec.labels, label);
  log(live, LogLevel::ERROR, "SLA '" + sla.id + "' violated: " + why);
  switch (sla.behavior) {
    case SlaDef::Behavior::Fail:
      return State::FAILED;
    case SlaDef::Behavior::Cancel:
      return State::CANCELLED;
    case SlaDef::Behavior::None:
      return std::nullopt;
  }
  return std::nullopt;
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
  schedule_slas(live);
  if (inputs_unreadable(live)) return;
  auto now = clock_.now();
  // By index: neither a new attempt nor a flowable's decision adds a task run.
  for (size_t i = 0; i < live.exec.task_runs.size(); ++i) {
    TaskRun& run = live.exec.task_runs[i];
    auto def = live.tasks.find(run.task_id);
    if (is_terminal(run.state.current()) || def == live.tasks.end()) continue;
    const TaskDef& task = *def->second;
    if (run.attempts.empty()) {
      start_flowable(live, task, std::string(run.id));
      continue;
    }
    if (!is_terminal(run.attempts.back().state.current())) run.attempts.back().state.transition(State::FAILED, now);
    dispatch_attempt(live, task, run);
  }
  advance(live);
}

void Executor::handle(ResumePausedMessage& m) {
  auto it = live_.find(m.execution_id);
  if (it == live_.end() || it->second->exec.state.current() != State::PAUSED) return;
  Live& live = *it->second;
  for (auto& [run_id, outputs] : m.outputs_by_run) {
    TaskRun* run = live.run_by_id(run_id);
    if (!run || run->state.current() != State::PAUSED) continue;
    for (auto out = outputs.begin(); out != outputs.end(); ++out) run->outputs[out.key()] = std::move(out.value());
    live.outputs_stale = true;
    unpause(live, *run, State::RUNNING);
  }
  log(live, LogLevel::INFO, "Execution resumed");
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
  if (timer.kind == Timer::Kind::Sla) {
    const SlaDef& sla = live.flow->slas.at(timer.attempt);
    if (auto end = violate(live, sla, "the execution ran longer than " + format_duration(sla.duration)))
      stop_execution(live, State::KILLED, *end, "SLA '" + sla.id + "' violated");
    return;
  }
  if (timer.kind == Timer::Kind::Start) {
    begin(live);
    return;
  }
  TaskRun* run = live.run_by_id(timer.task_run_id);
  if (!run || run->attempts.size() != timer.attempt) return;
  const TaskDef& task = *live.tasks.at(run->task_id);
  if (timer.kind == Timer::Kind::Retry) {
    if (run->state.current() != State::RETRYING) return;
    dispatch_attempt(live, task, *run);
    return;
  }
  if (timer.kind == Timer::Kind::Wake) {
    live.wakes.erase(run->id);
    advance(live);
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
  auto result = walk(live, live.flow->tasks, Group{"", "tasks"}, false, 0);
  if (!result) return;
  if (*result == State::FAILED && !live.flow->errors.empty()) {
    auto errors = walk(live, live.flow->errors, Group{"", "errors"}, false, 0);
    if (!errors) return;
  }
  if (!live.flow->finally_tasks.empty() && !walk(live, live.flow->finally_tasks, Group{"", "finally"}, false, 0))
    return;
  if (!live.final_state) live.final_state = end_state(live, *result);
  if (!live.flow->after_execution.empty() &&
      !walk(live, live.flow->after_execution, Group{"", "afterExecution"}, false, 0))
    return;
  finish(live, *live.final_state);
}

std::optional<State> Executor::walk(Live& live, std::span<const TaskDef> tasks, const Group& group, bool parallel,
                                    int concurrent) {
  ChildStates children;
  for (const auto& task : tasks) {
    if (task.disabled) continue;
    TaskRun* run = live.find(task.id, group);
    if (!run) {
      if (children.stopped()) break;
      if (parallel && concurrent > 0 && children.active() >= concurrent) continue;
      run = &live.exec.task_runs[create_task_run(live, task, group)];
    } else if (!is_terminal(run->state.current()) && run->attempts.empty()) {
      // A flowable task: its children may have moved on.
      std::string id = run->id;
      resolve_flowable(live, task, id);
      run = &live.run_at(id);  // children may have been added: the vector may have moved
    }
    children.add(run->state.current());
    if (!parallel && (children.active() > 0 || children.stopped())) break;
  }
  return children.state();
}

size_t Executor::create_task_run(Live& live, const TaskDef& task, const Group& group) {
  TaskRun created;
  created.id = new_id();
  created.task_id = task.id;
  created.parent_task_run_id = group.parent_id;
  created.branch = std::string(group.branch);
  created.value = group.value;
  created.iteration = group.iteration;
  created.state = StateHistory(State::CREATED, clock_.now());
  const size_t index = live.exec.task_runs.size();
  const std::string id = created.id;
  live.exec.task_runs.push_back(std::move(created));
  live.index(index);
  mark_dirty(live);
  metrics_.task_run_created(live.exec.ns, live.exec.flow_id);
  // By index from here: recursion below may grow task_runs.
  try {
    if (!task.run_if.empty() && !should_run(live, task, live.exec.task_runs[index])) {
      live.exec.task_runs[index].state.transition(State::SKIPPED, clock_.now());
      return index;
    }
  } catch (const std::exception& e) {
    fail_unstarted(live, task, live.exec.task_runs[index], "runIf: " + std::string(e.what()));
    return index;
  }
  auto type = plugins_.task(task.type);
  if (!type || !type->flowable()) {
    dispatch_attempt(live, task, live.exec.task_runs[index]);
    return index;
  }
  live.exec.task_runs[index].state.transition(State::RUNNING, clock_.now());
  start_flowable(live, task, id);
  if (!is_terminal(live.exec.task_runs[index].state.current())) resolve_flowable(live, task, id);
  return index;
}

bool Executor::should_run(Live& live, const TaskDef& task, const TaskRun& run) {
  return truthy(render(live, task, run, Value(task.run_if)));
}

Value Executor::render(Live& live, const TaskDef& task, const TaskRun& run, const Value& value) {
  return render_with(live, variables(live, task, run), value);
}

Value Executor::render_with(Live& live, Value variables, const Value& value) {
  RunContext ctx(TaskIdentity{}, std::move(variables), clock_, nullptr, &board_, &secrets_);
  ctx.set_kv_store(kv_store_);
  ctx.set_storage(storage_);
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

class Executor::Children final : public FlowableContext {
 public:
  Children(Executor& executor, Live& live, const TaskDef& task, std::string run_id)
      : executor_(executor), live_(live), task_(task), run_id_(std::move(run_id)) {}
  const TaskDef& task() const override { return task_; }
  const TaskRun& run() const override { return live_.run_at(run_id_); }
  Value& outputs() override {
    executor_.mark_dirty(live_);
    live_.outputs_stale = true;
    return live_.run_at(run_id_).outputs;
  }
  Value render(const Value& value, const Value& overrides) override {
    Value variables = executor_.variables(live_, task_, run());
    for (auto it = overrides.begin(); it != overrides.end(); ++it) variables[it.key()] = it.value();
    return executor_.render_with(live_, std::move(variables), value);
  }
  Value& decided() override { return live_.decided[run_id_]; }
  std::optional<State> run_children(std::span<const TaskDef> tasks, const ChildGroup& group) override {
    return executor_.walk(live_, tasks, group_of(group), group.parallel, group.concurrent);
  }
  bool started(std::span<const TaskDef> tasks, const ChildGroup& group) const override {
    Group g = group_of(group);
    return std::any_of(tasks.begin(), tasks.end(), [&](const TaskDef& t) { return live_.find(t.id, g) != nullptr; });
  }
  std::optional<State> state_of(const TaskDef& task, const ChildGroup& group) const override {
    const TaskRun* found = live_.find(task.id, group_of(group));
    return found ? std::optional(found->state.current()) : std::nullopt;
  }
  const Value* sibling_outputs(std::string_view task_id) const override {
    const TaskRun& self = run();
    for (const auto& other : live_.exec.task_runs)
      if (other.task_id == task_id && other.parent_task_run_id == self.parent_task_run_id && other.value == self.value)
        return &other.outputs;
    return nullptr;
  }
  TimePoint now() const override { return executor_.clock_.now(); }
  void pause(std::optional<TimePoint> wake) override {
    executor_.pause(live_, live_.run_at(run_id_));
    if (wake) wake_at(*wake);
  }
  void wake_at(TimePoint when) override { executor_.wake_at(live_, run_id_, when); }
  void unpause() override { executor_.unpause(live_, live_.run_at(run_id_), State::RUNNING); }
  std::string start_subflow(const SubflowRequest& request) override {
    if (!executor_.launcher_) throw TaskFailure("Subflows cannot start here: no engine launches executions");
    const Execution& exec = live_.exec;
    std::vector<Label> labels;
    if (request.inherit_labels) labels = exec.labels;
    for (const auto& label : request.labels) set_label(labels, label);
    SubflowRequest launch = request;
    launch.labels = std::move(labels);
    // Kestra's trigger variables of a subflow's execution: who started it.
    Value trigger = {{"id", task_.id},
                     {"type", task_.type},
                     {"executionId", exec.id},
                     {"namespace", exec.ns},
                     {"flowId", exec.flow_id},
                     {"flowRevision", exec.flow_revision},
                     {"parentTaskRunId", run_id_}};
    return executor_.launcher_->launch(launch, std::move(trigger));
  }
  const Execution* execution(const std::string& id) override {
    if (auto it = executor_.live_.find(id); it != executor_.live_.end()) return &it->second->exec;
    held_ = executor_.board_.find(id);
    return held_.get();
  }
  void wait_for_execution(const std::string& id) override {
    executor_.waiting_parents_[id] = {live_.exec.id, run_id_};
    live_.ended_children.try_emplace(run_id_);
  }
  std::optional<std::vector<std::string>> ended_executions() override {
    auto it = live_.ended_children.find(run_id_);
    if (it == live_.ended_children.end()) return std::nullopt;
    return std::exchange(it->second, {});
  }
  std::filesystem::path working_directory() override {
    auto [it, made] = live_.work_directories.try_emplace(run_id_, work_directory_of(live_.exec.id) / run_id_);
    if (made) std::filesystem::create_directories(it->second);
    return it->second;
  }
  const storage::LocalStorage& storage() const override {
    if (!executor_.storage_) throw TaskFailure("No internal storage is configured");
    return *executor_.storage_;
  }
  TaskIdentity identity() const override {
    const Execution& exec = live_.exec;
    return {exec.id, exec.ns, exec.flow_id, exec.flow_revision, task_.id, task_.type, run_id_, 1};
  }
  void log(LogLevel level, const std::string& message) override {
    executor_.log(live_, level, message, &live_.run_at(run_id_));
  }
  void resume_execution(const std::string& id, const Value& inputs) override {
    if (!executor_.launcher_) throw TaskFailure("Executions cannot be resumed here: no engine runs them");
    executor_.launcher_->resume(id, inputs);
  }

 private:
  Group group_of(const ChildGroup& group) const {
    return Group{run_id_, group.branch, group.value ? group.value : run().value, group.iteration};
  }
  Executor& executor_;
  Live& live_;
  const TaskDef& task_;
  const std::string run_id_;
  std::shared_ptr<const Execution> held_;  // an ended execution read from the board
};

std::shared_ptr<const FlowableTaskType> Executor::flowable_type(const TaskDef& task) const {
  return std::dynamic_pointer_cast<const FlowableTaskType>(plugins_.task(task.type));
}

void Executor::start_flowable(Live& live, const TaskDef& task, const std::string& run_id) {
  auto type = flowable_type(task);
  if (!type) {
    fail_unstarted(live, task, live.run_at(run_id), "No flowable task type '" + task.type + "' is registered");
    return;
  }
  Children children(*this, live, task, run_id);
  try {
    type->start(children);
  } catch (const std::exception& e) {
    fail_unstarted(live, task, live.run_at(run_id), e.what());
  }
}

void Executor::resolve_flowable(Live& live, const TaskDef& task, const std::string& run_id) {
  auto type = flowable_type(task);
  if (!type) return;  // start_flowable failed its run
  Children children(*this, live, task, run_id);
  std::optional<State> result;
  try {
    result = type->resolve(children);
  } catch (const std::exception& e) {
    fail_unstarted(live, task, live.run_at(run_id), e.what());
    return;
  }
  if (!result) return;
  if (*result == State::FAILED && task.branch("errors")) {
    Group errors_group{run_id, "errors", live.run_at(run_id).value, std::nullopt};
    auto errors = walk(live, branch_tasks(task, "errors"), errors_group, false, 0);
    if (!errors) return;
  }
  complete(live, task, live.run_at(run_id), type->end_state(*result));
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
  ready_jobs_.back().working_directory = shared_directory(live, run);
  ready_jobs_.back().log_lines = live.exec.logs.size();
}

std::string Executor::shared_directory(Live& live, const TaskRun& run) {
  if (live.work_directories.empty()) return {};
  for (const TaskRun* parent = live.run_by_id(run.parent_task_run_id); parent;
       parent = live.run_by_id(parent->parent_task_run_id))
    if (auto it = live.work_directories.find(parent->id); it != live.work_directories.end()) return it->second.string();
  return {};
}

std::filesystem::path Executor::work_directory_of(const std::string& execution_id) {
  return std::filesystem::temp_directory_path() / "runwatch-wd" / execution_id;
}

void Executor::attempt_failed(Live& live, const TaskDef& task, TaskRun& run, std::optional<Duration> retry_in) {
  if (live.exec.state.current() == State::RUNNING) {
    auto now = clock_.now();
    const RetryPolicy* policy = retry_policy(live, task, run);
    if (!retry_in && policy && policy->behavior == RetryPolicy::Behavior::CreateNewExecution) {
      auto first_created = live.exec.original_created.value_or(live.exec.state.start_date());
      if (auto next = next_retry_date(*policy, live.exec.attempt_number, first_created, now)) {
        retry_as_new_execution(live, run, *next);
        return;
      }
      complete(live, task, run, State::FAILED);
      return;
    }
    std::optional<TimePoint> next;
    if (retry_in) next = now + *retry_in;
    else if (policy)
      next =
          next_retry_date(*policy, static_cast<int>(run.attempts.size()), run.attempts.front().state.start_date(), now);
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

const RetryPolicy* Executor::retry_policy(Live& live, const TaskDef& task, const TaskRun& run) const {
  if (task.retry) return &*task.retry;
  for (const TaskRun* parent = live.run_by_id(run.parent_task_run_id); parent;
       parent = live.run_by_id(parent->parent_task_run_id))
    if (const TaskDef& def = *live.tasks.at(parent->task_id); def.retry) return &*def.retry;
  return live.flow && live.flow->retry ? &*live.flow->retry : nullptr;
}

void Executor::retry_as_new_execution(Live& live, TaskRun& run, TimePoint when) {
  auto now = clock_.now();
  Execution next;
  next.id = new_id();
  next.ns = live.exec.ns;
  next.flow_id = live.exec.flow_id;
  next.flow_revision = live.exec.flow_revision;
  next.state = StateHistory(State::CREATED, now);
  next.inputs = live.exec.inputs;
  next.labels = live.exec.labels;
  next.trigger = live.exec.trigger;
  next.attempt_number = live.exec.attempt_number + 1;
  next.original_id = live.exec.original_id.empty() ? live.exec.id : live.exec.original_id;
  next.original_created = live.exec.original_created.value_or(live.exec.state.start_date());
  next.schedule_date = when;
  log(live, LogLevel::WARN,
      "Retried as execution " + next.id + " (attempt " + std::to_string(next.attempt_number) + "), starting at " +
          format_instant(when),
      &run);
  for (TaskRun* r = &run; r; r = live.run_by_id(r->parent_task_run_id)) r->state.transition(State::RETRIED, now);
  // A Subflow waiting for this execution waits for the next attempt instead.
  if (auto waiting = waiting_parents_.find(live.exec.id); waiting != waiting_parents_.end()) {
    auto [parent_id, subflow_run_id] = waiting->second;
    waiting_parents_.erase(waiting);
    waiting_parents_[next.id] = {parent_id, subflow_run_id};
    if (auto parent = live_.find(parent_id); parent != live_.end())
      if (TaskRun* subflow = parent->second->run_by_id(subflow_run_id)) {
        subflow->outputs["executionId"] = next.id;
        parent->second->outputs_stale = true;
        mark_dirty(*parent->second);
      }
  }
  stop_execution(live, State::KILLED, State::RETRIED, "Retried as a new execution");
  Live& replacement = adopt(live.flow, std::move(next));
  mark_dirty(replacement);
  begin(replacement);
}

void Executor::complete(Live& live, const TaskDef& task, TaskRun& run, State state) {
  if (state == State::FAILED && task.allow_failure) state = State::WARNING;
  if (state == State::WARNING && task.allow_warning) state = State::SUCCESS;
  log_->trace("Task run {} ({}) of execution {} is {}", run.id, task.id, live.exec.id, to_string(state));
  if (run.state.current() == State::PAUSED)
    unpause(live, run, state);
  else
    run.state.transition(state, clock_.now());
  live.wakes.erase(run.id);
  metrics_.task_run_ended(live.exec.ns, live.exec.flow_id, state, clock_.now() - run.state.start_date());
  live.decided.erase(run.id);
  mark_dirty(live);
}

void Executor::pause(Live& live, TaskRun& run) {
  run.state.transition(State::PAUSED, clock_.now());
  ++live.paused;
  mark_dirty(live);
  if (live.exec.state.current() == State::RUNNING) transition(live, State::PAUSED);
}

void Executor::unpause(Live& live, TaskRun& run, State state) {
  run.state.transition(state, clock_.now());
  mark_dirty(live);
  if (--live.paused == 0 && live.exec.state.current() == State::PAUSED) transition(live, State::RUNNING);
}

void Executor::wake_at(Live& live, const std::string& run_id, TimePoint when) {
  auto [it, added] = live.wakes.try_emplace(run_id, when);
  if (!added && it->second == when) return;
  it->second = when;
  schedule(live, when, Timer{Timer::Kind::Wake, live.exec.id, run_id, 0});
}

void Executor::finish(Live& live, State state) {
  cancel_timers(live);
  if (!live.work_directories.empty()) {
    std::error_code ignored;  // a directory left behind is not worth failing the execution for
    std::filesystem::remove_all(work_directory_of(live.exec.id), ignored);
    live.work_directories.clear();
  }
  if (auto parent = waiting_parents_.find(live.exec.id); parent != waiting_parents_.end()) {
    const auto& [parent_id, parent_run_id] = parent->second;
    if (auto waiting = live_.find(parent_id); waiting != live_.end())
      waiting->second->ended_children[parent_run_id].push_back(live.exec.id);
    parents_to_advance_.push_back(parent_id);
    waiting_parents_.erase(parent);
  }
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

Value Executor::execution_variables(const Live& live) const {
  const auto& exec = live.exec;
  const auto& flow = *live.flow;
  Value v = object_of_size(13);
  Value& f = v["flow"] = object_of_size(3);
  f["id"] = flow.id;
  f["namespace"] = flow.ns;
  f["revision"] = flow.revision;
  Value& e = v["execution"] = object_of_size(4);
  e["id"] = exec.id;
  e["startDate"] = format_instant(exec.state.start_date());
  e["originalId"] = exec.original_id.empty() ? exec.id : exec.original_id;
  e["state"] = to_string(live.final_state.value_or(exec.state.current()));
  v["inputs"] = live.secret_inputs.empty() ? exec.inputs : live.inputs_in_clear;
  if (live.outputs_stale) {
    live.outputs = exec.outputs();
    live.outputs_stale = false;
  }
  v["outputs"] = live.outputs;
  Value& labels = v["labels"] = object_of_size(exec.labels.size());
  for (const auto& l : exec.labels) labels[l.key] = l.value;
  v["vars"] = flow.variables;
  for (const auto& [name, value] : globals_.items()) v[name] = value;
  if (!exec.trigger.is_null()) v["trigger"] = exec.trigger;
  return v;
}

Value Executor::variables(const Live& live, const TaskDef& task, const TaskRun& run) const {
  Value v = execution_variables(live);
  Value& t = v["task"] = object_of_size(2);
  t["id"] = task.id;
  t["type"] = task.type;
  Value& tr = v["taskrun"] = object_of_size(6);
  tr["id"] = run.id;
  tr["startDate"] = format_instant(run.state.start_date());
  // Kestra counts the attempts before the one running: 0 on the first.
  tr["attemptsCount"] = std::count_if(run.attempts.begin(), run.attempts.end(),
                                      [](const Attempt& a) { return is_terminal(a.state.current()); });
  tr["parentId"] = run.parent_task_run_id.empty() ? Value() : Value(run.parent_task_run_id);
  if (run.value) tr["value"] = *run.value;
  if (run.iteration) tr["iteration"] = *run.iteration;
  if (Value enclosing = parents(live, run); !enclosing.empty()) {
    v["parent"] = enclosing[0];
    v["parents"] = std::move(enclosing);
  }
  return v;
}

State Executor::end_state(Live& live, State state) {
  if ((state == State::SUCCESS || state == State::WARNING) && !live.flow->outputs.empty() && !render_flow_outputs(live))
    state = State::FAILED;
  for (const auto& sla : live.flow->slas) {
    if (sla.type != SlaDef::Type::ExecutionAssertion) continue;
    bool holds = false;
    std::string why = "its assertion is false";
    try {
      holds = truthy(render_with(live, execution_variables(live), Value(sla.assertion)));
    } catch (const std::exception& e) {
      why = "its assertion cannot be rendered: " + std::string(e.what());
    }
    if (holds) continue;
    if (auto end = violate(live, sla, mask_secrets(why, live.secrets)); end && state != State::FAILED) state = *end;
  }
  return state;
}

bool Executor::render_flow_outputs(Live& live) {
  Value rendered = Value::object();
  try {
    Value variables = execution_variables(live);
    for (const auto& output : live.flow->outputs)
      rendered[output.id] = render_with(live, variables, output.properties.value("value", Value()));
    live.exec.flow_outputs = mask_secrets(resolve_inputs(live.flow->outputs, rendered, nullptr).values, live.secrets);
    return true;
  } catch (const std::exception& e) {
    log(live, LogLevel::ERROR,
        mask_secrets("Failed to render the flow's outputs: " + std::string(e.what()), live.secrets));
    return false;
  }
}

// Kestra's `parents`: the enclosing flowable runs, nearest first (`parent` is the first),
// each with its loop value, so a nested task reads its iteration's `parent.taskrun.value`.
Value Executor::parents(const Live& live, const TaskRun& run) {
  Value out = Value::array();
  for (auto it = live.by_id.find(run.parent_task_run_id); it != live.by_id.end();) {
    const TaskRun& parent = live.exec.task_runs[it->second];
    out.push_back({{"taskrun", {{"id", parent.id}, {"value", parent.value ? Value(*parent.value) : Value()}}}});
    it = parent.parent_task_run_id.empty() ? live.by_id.end() : live.by_id.find(parent.parent_task_run_id);
  }
  return out;
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
