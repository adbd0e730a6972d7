#include "runwatch/engine.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <thread>

#include "runwatch/alert_history.h"
#include "runwatch/condition/alert_trigger.h"
#include "runwatch/expr/template_cache.h"
#include "runwatch/logging/loggers.h"
#include "runwatch/metrics/alert_metrics.h"
#include "runwatch/metrics/flow_series.h"
#include "runwatch/runtime/ids.h"
#include "runwatch/runtime/inputs.h"
#include "runwatch/store/memory_repository.h"
#include "runwatch/store/store_error.h"
#include "runwatch/validation.h"

namespace runwatch {
namespace {

int default_worker_threads() { return std::max(8, 4 * static_cast<int>(std::thread::hardware_concurrency())); }

Value env_vars(const std::string& prefix) {
  Value envs = Value::object();
  for (char** entry = environ; *entry; ++entry) {
    std::string_view text(*entry);
    auto equals = text.find('=');
    if (equals == std::string_view::npos || text.substr(0, prefix.size()) != prefix) continue;
    std::string name(text.substr(prefix.size(), equals - prefix.size()));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    envs[name] = std::string(text.substr(equals + 1));
  }
  return envs;
}

// The variables every template sees beside the execution's own.
Value global_variables(const EngineOptions& options) {
  Value kestra = Value::object();
  if (options.kestra_url) kestra["url"] = *options.kestra_url;
  if (options.environment) kestra["environment"] = *options.environment;
  return {{"envs", env_vars(options.env_vars_prefix)}, {"kestra", std::move(kestra)}};
}

std::optional<crypto::SecretCipher> secret_inputs_cipher(const EngineOptions& options, const store::Repository& repository) {
  if (options.encryption_secret_key) {
    try {
      return crypto::SecretCipher::from_configured_key(*options.encryption_secret_key);
    } catch (const crypto::CryptoError& e) {
      throw Error(std::string("kestra.encryption.secret-key: ").append(e.what()));
    }
  }
  if (!options.secret_inputs_need_key && repository.info().database == "memory") return crypto::SecretCipher::ephemeral();
  return std::nullopt;
}

std::vector<State> unfinished_states() {
  std::vector<State> out;
  for (State s : all_states())
    if (!is_terminal(s)) out.push_back(s);
  return out;
}

}  // namespace

Engine::Engine(EngineOptions options)
    : clock_(options.clock ? std::move(options.clock) : system_clock()),
      metrics_(*clock_, std::move(options.metrics)),
      flow_trigger_metrics_(metrics_.catalog()),
      precreate_series_(options.metrics.precreate_flow_series),
      secrets_(std::move(options.secrets)),
      plugin_defaults_(std::move(options.plugin_defaults)),
      repository_(options.repository ? std::move(options.repository) : std::make_shared<store::MemoryRepository>()),
      secret_inputs_(secret_inputs_cipher(options, *repository_)),
      indexer_(*repository_, metrics_.catalog()),
      flow_triggers_(std::make_unique<RepositoryWindowStore>(*repository_, indexer_)),
      schedule_state_(*repository_),
      alert_state_(*repository_, indexer_),
      silence_storage_(*repository_),
      silences_(*clock_, options.silence_retention, &silence_storage_),
      kv_backend_(*repository_),
      kv_(kv_backend_, *clock_),
      storage_(options.storage_path ? std::make_unique<storage::LocalStorage>(*options.storage_path)
                                    : storage::LocalStorage::temporary()),
      rate_limiter_(options.notification_rate_limit),
      board_(options.ended_executions_cached),
      logs_(board_),
      executor_(
          *clock_, PluginRegistry::global(), secrets_, secret_cipher(), global_variables(options), board_,
          WorkerSettings{options.worker_threads > 0 ? options.worker_threads : default_worker_threads(),
                         options.render_timeout, options.task_cache_directory, &kv_, storage_.get(), &logs_,
                         rate_limiter_.limit().enabled() ? &rate_limiter_ : nullptr},
          [this](const Execution& e) { on_transition(e); }, metrics_.catalog()),
      scheduler_(
          *clock_, secrets_,
          [this](const ScheduledExecution& e) { create(e.ns, e.flow_id, e.inputs, e.labels, e.trigger); },
          metrics_.catalog(), &schedule_state_),
      alerts_(
          *clock_, [this](const AlertDelivery& delivery) { deliver_alert(delivery); },
          [this](const std::string& id) { return board_.find(id); }, &alert_state_, &silences_, metrics_.catalog()) {
  executor_.set_launcher(this);
  apply_logger_levels(options.logger_levels);
  if (options.retention) purge_files(repository_->purge_executions(clock_->now() - *options.retention));
  restore_flows();
  // Only what is unfinished comes back to RAM; the board reads the rest from the repository.
  auto unfinished = repository_->find_executions({.states = unfinished_states()});
  for (const auto& recorded : unfinished) board_.publish(recorded);
  archive_ = std::make_unique<RepositoryArchive>(*repository_, indexer_,
                                                 [this](const Execution& e) { return deliveries_of(e); });
  board_.set_archive(archive_.get());
  std::vector<FlowChange> restored;
  for (auto& flow : flows_.all()) restored.push_back({nullptr, std::move(flow)});
  flows_changed(restored);  // only now: what a restored schedule starts must be recorded
  if (options.flows) load_flows(*options.flows);
  recovered_ = recover(unfinished, options.restart_interrupted_tasks);
  if (options.retention)
    retention_ = std::make_unique<PeriodicJob>(*clock_, kRetentionPurgeInterval,
                                               [this, keep = *options.retention](TimePoint at) { purge(at - keep); });
  // Last: a constructor that throws never leaves the metrics a hook on members gone.
  metrics_.set_refresh([this] {
    auto alerts = alerts_.counts();
    metrics::set_alert_counts(metrics_.catalog(), alerts.pending, alerts.firing, alerts.resolved);
    auto counts = silences_.counts();
    metrics::set_silence_counts(metrics_.catalog(), counts[SilenceState::Pending], counts[SilenceState::Active],
                                counts[SilenceState::Expired]);
  });
}

const TemplateChecker& Engine::templates() { return expr::TemplateCache::global(); }

Engine::~Engine() { stop(); }

std::shared_ptr<const Flow> Engine::add_flow(std::string_view yaml, std::string_view file) {
  std::vector<std::shared_ptr<Flow>> parsed;
  parsed.push_back(flow_from_text(yaml, file, plugin_defaults_));
  return install(std::move(parsed)).front();
}

FlowLoadResult Engine::check_flow(std::string_view yaml, std::string_view file) const {
  return runwatch::check_flow(yaml, file, plugin_defaults_);
}

std::vector<std::shared_ptr<const Flow>> Engine::load_flows(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw Error("No flow file or folder at '" + path.string() + "'");
  std::vector<std::shared_ptr<Flow>> loaded;
  std::vector<ValidationIssue> errors;
  std::map<std::string, std::string> file_of_flow;
  for (const auto& file : flow_files(path)) {
    auto result = check_flow_file(file, plugin_defaults_);
    for (auto& issue : result.issues)
      if (issue.severity == ValidationIssue::Severity::Error) errors.push_back(std::move(issue));
    if (!result.flow) continue;
    auto [first, inserted] = file_of_flow.emplace(result.flow->key(), result.flow->source_file);
    if (!inserted)
      errors.push_back({result.flow->source_file, "id", 0, 0,
                        "flow '" + result.flow->key() + "' is already defined in " + first->second});
    loaded.push_back(std::move(result.flow));
  }
  if (!errors.empty()) throw FlowValidationError(std::move(errors));
  return install(std::move(loaded));
}

std::vector<std::shared_ptr<const Flow>> Engine::install(std::vector<std::shared_ptr<Flow>> flows) {
  std::lock_guard lock(flow_changes_);
  std::vector<store::StoredFlow> revisions;
  for (auto& flow : flows) {
    auto current = flows_.find(flow->ns, flow->id);
    if (current && current->source == flow->source) {
      flow->revision = current->revision;
      continue;
    }
    flow->revision = flows_.next_revision(flow->ns, flow->id);
    revisions.push_back({flow->ns, flow->id, flow->revision, flow->source});
    log_notices(*flow);
  }
  repository_->save_flows(revisions);
  std::vector<std::shared_ptr<const Flow>> out;
  std::vector<FlowChange> changes;
  for (auto& flow : flows) {
    precreate_series(*flow);
    changes.push_back({flows_.find(flow->ns, flow->id), flow});
    flows_.put(flow);
    out.push_back(std::move(flow));
  }
  flows_changed(changes);
  return out;
}

void Engine::restore_flows() {
  for (const auto& stored : repository_->latest_flows()) {
    auto flow = stored.deleted ? nullptr : parse_stored_flow(stored);
    if (flow) precreate_series(*flow);
    if (flow) log_notices(*flow);
    if (flow) flows_.put(std::move(flow));
    else flows_.note_revision(stored.ns, stored.id, stored.revision);
  }
}

void Engine::precreate_series(const Flow& flow) {
  const metrics::Catalog* catalog = metrics_.catalog();
  if (!catalog || !precreate_series_) return;
  metrics::FlowSeriesPlan plan{.ns = flow.ns, .flow = flow.id};
  for_each_task(flow, [&](const TaskDef& task) {
    const TypeSchema* schema = PluginRegistry::global().find(PluginKind::Task, task.type);
    if (schema && schema->notifier &&
        std::find(plan.notifier_types.begin(), plan.notifier_types.end(), task.type) == plan.notifier_types.end())
      plan.notifier_types.push_back(task.type);
  });
  for (const auto& trigger : flow.triggers) {
    plan.has_flow_trigger |= trigger.type == metrics::kFlowTriggerType;
    plan.has_schedule |= trigger.type == metrics::kScheduleTriggerType;
  }
  metrics::precreate_flow_series(*catalog, plan);
}

void Engine::log_notices(const Flow& flow) {
  for_each_task(flow, [&](const TaskDef& task) {
    const TypeSchema* schema = PluginRegistry::global().find(PluginKind::Task, task.type);
    if (!schema || !schema->notices) return;
    for (const auto& notice : schema->notices(task.properties))
      logger(schema->name)->warn("Flow {}.{}, task {}: {}: {}", flow.ns, flow.id, task.id, notice.path, notice.message);
  });
}

std::shared_ptr<Flow> Engine::parse_stored_flow(const store::StoredFlow& stored) const {
  try {
    auto flow = flow_from_text(stored.source, {}, plugin_defaults_);
    flow->revision = stored.revision;
    return flow;
  } catch (const std::exception& e) {
    logger(kExecutorLogger)->error("The stored flow '{}.{}' revision {} no longer loads, so it does not run: {}",
                                   stored.ns, stored.id, stored.revision, e.what());
    return nullptr;
  }
}

std::shared_ptr<const Flow> Engine::flow(const std::string& ns, const std::string& id) const {
  return flows_.find(ns, id);
}

bool Engine::remove_flow(const std::string& ns, const std::string& id) {
  std::lock_guard lock(flow_changes_);
  auto current = flows_.find(ns, id);
  if (!current) return false;
  repository_->save_flows({{ns, id, flows_.next_revision(ns, id), current->source, true}});
  flows_changed({{flows_.remove(ns, id), nullptr}});
  return true;
}

Engine::Snapshot Engine::submit(const std::string& ns, const std::string& flow_id, const Value& inputs,
                                const std::vector<Label>& labels, Value trigger, FileInputs files) {
  auto [flow, execution] = prepare(ns, flow_id, inputs, labels, std::move(trigger), std::move(files));
  auto created = std::make_shared<const Execution>(execution);
  board_.publish(created);
  try {
    indexer_.wait_recorded(indexer_.last_ticket());
  } catch (const store::StoreError& e) {
    // The client is told it failed, so it must not run: what the store gets once it
    // recovers is this execution ended, never started.
    execution.state.transition(State::FAILED, clock_->now());
    execution.logs.push_back(LogEntry{clock_->now(), LogLevel::ERROR, "", "", 0,
                                      std::string("Not started: the execution could not be recorded: ") + e.what()});
    board_.publish(std::make_shared<const Execution>(std::move(execution)));
    throw;
  }
  executor_.start(std::move(flow), std::move(execution));
  return created;
}

size_t Engine::recover(const std::vector<Snapshot>& unfinished, bool restart_interrupted_tasks) {
  constexpr const char* kReason = "engine restarted while running";
  // Those that ran first: they keep their concurrency slots before a queued one asks.
  std::vector<std::pair<std::shared_ptr<const Flow>, Execution>> to_start;
  for (const auto& recorded : unfinished) {
    Execution execution = *recorded;
    auto flow = flow_at_revision(execution.ns, execution.flow_id, execution.flow_revision);
    bool never_started = (execution.state.current() == State::CREATED || execution.state.current() == State::QUEUED) &&
                         execution.task_runs.empty();
    // A task attempt the crash interrupted fails it (kestra.server.workerTaskRestartStrategy
    // NEVER) or runs again (the other strategies); what is only state (a pause, a loop's
    // progress, a Subflow's parent) goes on where it was.
    bool interrupted = std::any_of(execution.task_runs.begin(), execution.task_runs.end(), [](const TaskRun& run) {
      return !run.attempts.empty() && !is_terminal(run.attempts.back().state.current());
    });
    // A monitoring execution (started by a Flow or Alert trigger) is an alert: delivered at
    // least once, its notifications deduplicated downstream by their Idempotency-Key.
    const Value& trigger = execution.trigger;
    bool alert = trigger.is_object() &&
                 ((trigger.contains("executionId") && !trigger.contains("parentTaskRunId")) ||  // not a Subflow's
                  (trigger.contains("groupKey") && trigger.contains("alerts")));
    if (flow && never_started)
      to_start.emplace_back(std::move(flow), std::move(execution));
    else if (flow && (alert || !interrupted || restart_interrupted_tasks))
      executor_.resume(std::move(flow), std::move(execution));
    else executor_.end(std::move(flow), std::move(execution), kReason);
  }
  for (auto& [flow, execution] : to_start) executor_.start(std::move(flow), std::move(execution));
  return unfinished.size();
}

std::shared_ptr<const Flow> Engine::flow_at_revision(const std::string& ns, const std::string& id, int revision) const {
  if (auto current = flows_.find(ns, id); current && current->revision == revision) return current;
  for (const auto& stored : repository_->flow_revisions(ns, id))
    if (stored.revision == revision && !stored.deleted) return parse_stored_flow(stored);
  return nullptr;
}

Engine::Snapshot Engine::create(const std::string& ns, const std::string& flow_id, const Value& inputs,
                                const std::vector<Label>& labels, Value trigger, std::string id) {
  return start_published(prepare(ns, flow_id, inputs, labels, std::move(trigger), {}, std::nullopt, std::move(id)));
}

Engine::Snapshot Engine::start_published(NewExecution created) {
  auto snapshot = std::make_shared<const Execution>(created.execution);
  board_.publish(snapshot);
  executor_.start(std::move(created.flow), std::move(created.execution));
  return snapshot;
}

Engine::NewExecution Engine::prepare(const std::string& ns, const std::string& flow_id, const Value& inputs,
                                     const std::vector<Label>& labels, Value trigger, FileInputs files,
                                     std::optional<int> revision, std::string id) {
  if (executor_.stopped()) throw Error("The engine is stopped: no execution can start");
  auto flow = revision ? flow_at_revision(ns, flow_id, *revision) : flows_.find(ns, flow_id);
  if (!flow && revision)
    throw NotFoundError("Flow '" + ns + "." + flow_id + "' has no revision " + std::to_string(*revision));
  if (!flow) throw NotFoundError("Flow '" + ns + "." + flow_id + "' not found");
  if (flow->disabled) throw Error("Flow '" + flow->key() + "' is disabled");
  Execution execution;
  execution.id = id.empty() ? new_id() : std::move(id);
  const auto files_prefix = storage::execution_prefix(flow->ns, flow->id, execution.id);
  ResolvedInputs resolved;
  try {
    resolved = resolve_inputs(*flow, store_file_inputs(flow->inputs, inputs, std::move(files), *storage_, files_prefix),
                              secret_cipher());
  } catch (...) {
    // An execution refused keeps no file; the refusal is what the caller must hear.
    try {
      storage_->delete_prefix(files_prefix);
    } catch (const Error&) {
    }
    throw;
  }
  execution.ns = flow->ns;
  execution.flow_id = flow->id;
  execution.flow_revision = flow->revision;
  execution.state = StateHistory(State::CREATED, clock_->now());
  execution.inputs = std::move(resolved.values);
  execution.trigger = std::move(trigger);
  execution.labels = flow->labels;
  for (const auto& label : labels) {
    auto same = std::find_if(execution.labels.begin(), execution.labels.end(),
                             [&](const Label& l) { return l.key == label.key; });
    if (same != execution.labels.end()) same->value = label.value;
    else execution.labels.push_back(label);
  }
  for (auto& warning : resolved.warnings)
    execution.logs.push_back(LogEntry{clock_->now(), LogLevel::WARN, "", "", 0, std::move(warning)});
  return {std::move(flow), std::move(execution)};
}

void Engine::purge_files(const std::vector<store::PurgedExecution>& purged) const {
  for (const auto& e : purged) storage_->delete_prefix(storage::execution_prefix(e.ns, e.flow_id, e.id));
}

void Engine::purge(TimePoint ended_before) {
  try {
    // What ended before the cutoff is recorded (and changes no more) before it is purged.
    wait_recorded();
    auto purged = repository_->purge_executions(ended_before);
    board_.erase_ended_before(ended_before);
    purge_files(purged);
    logger(kExecutorLogger)->debug("Retention: {} execution(s) purged", purged.size());
  } catch (const std::exception& e) {
    logger(kExecutorLogger)->error("Retention: the purge failed (the next one tries again): {}", e.what());
  }
}

bool Engine::wait_idle(WaitTime timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout.value_or(std::chrono::hours(24 * 365));
  auto left = [&] { return std::max(deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration{}); };
  // A due date becomes an execution, so the scheduler settles first; then look again.
  for (;;) {
    if (!scheduler_.wait_idle(left()) || !executor_.wait_idle(left()) || !alerts_.wait_idle(left()) ||
        !metrics_.wait_idle(left()) || (retention_ && !retention_->wait_idle(left())))
      return false;
    // An alert's notification starts an execution, whose end an alert may watch.
    if (executor_.wait_idle(std::chrono::steady_clock::duration::zero()) && alerts_.idle() && scheduler_.idle())
      return true;
  }
}

void Engine::flows_changed(const std::vector<FlowChange>& changes) {
  flow_triggers_.change_flows(changes);
  auto fresh = alerts_.change_flows(changes, [this](const std::string& ns, const std::string& id) {
    auto flow = flows_.find(ns, id);
    return flow && !flow->disabled;
  });
  if (!fresh.empty()) watch_running(fresh);
  scheduler_.flows_changed(changes);
}

void Engine::watch_running(const std::vector<const TriggerDef*>& triggers) {
  wait_recorded();  // what the board holds but the store has not yet would be missed
  for (const auto& recorded : repository_->find_executions({.states = unfinished_states()})) {
    auto execution = board_.latest(recorded);
    for (const auto& match : flow_triggers_.match(*execution, nullptr))
      if (std::find(triggers.begin(), triggers.end(), match.trigger) != triggers.end())
        alerts_.observe(match.flow, *match.trigger, *execution);
  }
}

void Engine::on_transition(const Execution& execution) {
  std::vector<std::string> warnings;
  std::vector<AlertEvent> history;
  flow_trigger_metrics_.flow_triggers_evaluated(execution.ns, execution.flow_id, execution.state.current());
  for (const auto& match : flow_triggers_.fire(execution, &warnings)) {
    if (is_alerting_trigger(*match.trigger)) {
      alerts_.observe(match.flow, *match.trigger, execution);
      continue;
    }
    if (auto silence = silences_.empty() ? std::nullopt
                                         : silences_.silenced(execution_silence_labels(execution, match.flow->key()))) {
      logger(kFlowTriggerLogger)
          ->info("Flow trigger {}.{}: silence {} mutes execution {}, its monitoring execution does not start",
                 match.flow->key(), match.trigger->id, *silence, execution.id);
      metrics::alert_notification(metrics_.catalog(), "flow_trigger", "suppressed");
      history.push_back(suppressed_event(*match.flow, match.trigger->id, execution, *silence, clock_->now()));
      continue;
    }
    flow_trigger_metrics_.flow_trigger_fired(match.flow->ns, match.flow->id);
    start_triggered(*match.flow, *match.trigger, match.variables, &execution);
  }
  for (const auto& warning : warnings) logger(kFlowTriggerLogger)->warn("{}", warning);
  if (!history.empty()) indexer_.record_changes({}, std::move(history));
}

std::vector<AlertEvent> Engine::deliveries_of(const Execution& execution) const {
  if (!is_terminal(execution.state.current())) return {};
  auto flow = flows_.find(execution.ns, execution.flow_id);
  return flow ? delivery_events(*flow, execution, clock_->now()) : std::vector<AlertEvent>{};
}

void Engine::deliver_alert(const AlertDelivery& delivery) {
  if (board_.find(delivery.execution_id)) return;  // decided again after a crash: it is there
  start_triggered(*delivery.flow, *delivery.trigger, delivery.variables, nullptr, delivery.execution_id);
}

void Engine::start_triggered(const Flow& flow, const TriggerDef& trigger, const Value& trigger_variables,
                             const Execution* source, const std::string& id) {
  try {
    Value inputs = trigger.properties.value("inputs", Value::object());
    if (!inputs.empty()) {
      Value variables = {{"trigger", trigger_variables},
                         {"outputs", source ? source->outputs() : Value::object()},
                         {"flow", {{"id", flow.id}, {"namespace", flow.ns}, {"revision", flow.revision}}}};
      RunContext ctx(TaskIdentity{}, std::move(variables), *clock_, nullptr, &board_, &secrets_);
      ctx.set_kv_store(&kv_);
      inputs = ctx.render(inputs);
    }
    create(flow.ns, flow.id, inputs, trigger.labels, trigger_variables, id);
  } catch (const std::exception& e) {
    // As Kestra: the triggered execution exists, FAILED, and says why.
    Execution failed;
    failed.id = id.empty() ? new_id() : id;
    failed.ns = flow.ns;
    failed.flow_id = flow.id;
    failed.flow_revision = flow.revision;
    failed.state = StateHistory(State::CREATED, clock_->now());
    failed.state.transition(State::FAILED, clock_->now());
    failed.labels = flow.labels;
    failed.trigger = trigger_variables;
    std::string kind = trigger.type.substr(trigger.type.rfind('.') + 1);
    failed.logs.push_back(LogEntry{clock_->now(), LogLevel::ERROR, "", "", 0,
                                   kind + " trigger '" + trigger.id + "' could not start the execution: " + e.what()});
    board_.publish(std::make_shared<const Execution>(std::move(failed)));
  }
}

std::vector<FlowTriggerMatch> Engine::matching_triggers(const std::string& ns, const std::string& flow_id, State state,
                                                        const std::vector<Label>& labels) const {
  Execution probe;
  probe.id = "dry-run";
  probe.ns = ns;
  probe.flow_id = flow_id;
  probe.labels = labels;
  probe.state = StateHistory(State::CREATED, clock_->now());
  probe.state.transition(state, clock_->now());
  return flow_triggers_.match(probe, nullptr);
}

Engine::ExecutionPage Engine::search_executions(const ExecutionSearch& search) const {
  store::ExecutionQuery query{search.filter.ns, search.filter.flow_id};
  if (search.filter.state) query.states = {*search.filter.state};
  query.started_after = search.started_from;
  if (search.started_to) query.started_before = *search.started_to + TimePoint::duration(1);
  ExecutionPage page;
  page.total = repository_->count_executions(query);
  // Newest first: page 1 is the end of the repository's oldest-first order.
  const size_t newer = (std::max<size_t>(search.page, 1) - 1) * search.size;
  if (newer >= page.total || search.size == 0) return page;
  const size_t end = page.total - newer;
  query.offset = end > search.size ? end - search.size : 0;
  query.limit = end - query.offset;
  auto rows = repository_->find_executions(query);
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) page.results.push_back(board_.latest(*it));
  return page;
}

Engine::AlertHistoryPage Engine::alert_history(const AlertHistorySearch& search) const {
  store::AlertEventQuery query{search.ns, search.flow_id, search.alert, search.status, search.from};
  if (search.to) query.before = *search.to + TimePoint::duration(1);
  AlertHistoryPage page;
  page.total = repository_->count_alert_events(query);
  if (search.size) {  // newest first, as executions are searched
    query.newest_first = true;
    query.offset = (std::max<size_t>(search.page, 1) - 1) * *search.size;
    query.limit = *search.size;
  }
  page.results = repository_->find_alert_events(query);
  return page;
}

Engine::Snapshot Engine::wait(const std::string& execution_id, WaitTime timeout) const {
  return board_.wait_terminal(execution_id, timeout);
}

std::vector<ValidationIssue> Engine::lint() const {
  auto loaded = flows();
  return lint_flows(loaded, loaded);
}

std::string Engine::launch(const SubflowRequest& request, Value trigger) {
  auto created =
      prepare(request.ns, request.flow_id, request.inputs, request.labels, std::move(trigger), {}, request.revision);
  created.execution.schedule_date = request.schedule_date;
  // Not waiting for the record: the executor's thread must not wait on the disk once per
  // child. The indexer writes in the order published, so the child is recorded no later
  // than the parent's run that names it.
  return start_published(std::move(created))->id;
}

void Engine::resume(const std::string& execution_id, const Value& inputs, FileInputs files) {
  auto snapshot = execution(execution_id);
  if (!snapshot) throw NotFoundError("Execution '" + execution_id + "' not found");
  if (snapshot->state.current() != State::PAUSED)
    throw Error(
        "Execution '" + execution_id + "' is not paused: it is " + std::string(to_string(snapshot->state.current())),
        ErrorKind::Conflict);
  auto flow = flow_at_revision(snapshot->ns, snapshot->flow_id, snapshot->flow_revision);
  if (!flow) throw NotFoundError("The flow of execution '" + execution_id + "' is no longer known");
  std::map<std::string, const TaskDef*> tasks;
  for_each_task(*flow, [&](const TaskDef& t) { tasks.emplace(t.id, &t); });
  std::map<std::string, Value> outputs_by_run;
  Value given = inputs;
  bool files_stored = false;
  for (const auto& run : snapshot->task_runs) {
    auto task = tasks.find(run.task_id);
    if (run.state.current() != State::PAUSED || task == tasks.end()) continue;
    if (!files_stored) {  // once: a second paused task reads the same files by their URIs
      given = store_file_inputs(task->second->inputs, inputs, std::move(files), *storage_,
                                storage::execution_prefix(snapshot->ns, snapshot->flow_id, execution_id));
      files_stored = true;
    }
    outputs_by_run[run.id] = {{"onResume", resolve_inputs(task->second->inputs, given, secret_cipher()).values}};
  }
  executor_.resume_paused(execution_id, std::move(outputs_by_run));
}

bool Engine::kill(const std::string& execution_id) {
  auto snapshot = board_.find(execution_id);
  if (!snapshot || is_terminal(snapshot->state.current())) return false;
  executor_.kill(execution_id);
  return true;
}

}  // namespace runwatch
