#include "runwatch/tasks/for_each_item.h"

#include <sstream>

#include "runwatch/model/error.h"
#include "runwatch/model/json_text.h"
#include "runwatch/storage/local_storage.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/core/storage_split.h"
#include "runwatch/tasks/core/task_files.h"
#include "runwatch/tasks/flowable.h"

namespace runwatch {
namespace {

using storage::StorageUri;

constexpr std::string_view kSplit = "_split", kItems = "_items", kMerge = "_merge";
constexpr std::string_view kExecutionIdsFile = "executions.txt";

// The id of the ForEachItem a step belongs to.
std::string owner_id(const TaskDef& step, std::string_view suffix) {
  return step.id.substr(0, step.id.size() - suffix.size());
}

// The outputs of another step of the same ForEachItem run; null before it ran.
const Value* step_outputs(FlowableContext& ctx, std::string_view own_suffix, std::string_view step_suffix) {
  return ctx.sibling_outputs(owner_id(ctx.task(), own_suffix) + std::string(step_suffix));
}

StorageUri iteration_outputs(const std::string& prefix, size_t iteration) {
  return StorageUri::parse(prefix + "/" + std::to_string(iteration) + "/outputs.ion");
}

TypeSchema for_each_item_schema() {
  std::vector<PropertySpec> properties = {
      {.name = "items",
       .type = PropertyType::String,
       .required = true,
       .description = "The kestra:/// URI of the file: one item per line."},
      {.name = "batch",
       .type = PropertyType::Map,
       .description = "How to split it: `rows` (default 1), `bytes`, `partitions`, and the `separator` written "
                      "after each line."}};
  for (auto& property : started_execution_properties(true)) properties.push_back(std::move(property));
  properties.push_back({.name = "wait",
                        .type = PropertyType::Boolean,
                        .description = "Whether this task waits for the executions to end.",
                        .default_value = true});
  properties.push_back({.name = "transmitFailed",
                        .type = PropertyType::Boolean,
                        .description = "With `wait`: whether a FAILED or KILLED execution fails this task.",
                        .default_value = true});
  TypeSchema schema = flowable_schema(
      "ForEachItem",
      "Splits a stored file's lines into batches and starts an execution of a flow per batch, with "
      "`taskrun.items` (the batch file's URI) and `taskrun.iteration` (from 1) for its inputs. Its steps are the "
      "task runs `<id>_split`, `<id>_items` (outputs `numberOfBatches`, `iterations`: executions by state) and "
      "`<id>_merge` (output `subflowOutputs`: the executions' flow outputs, one JSON line each).",
      std::move(properties));
  schema.starts_flow = true;
  schema.internal_tasks = {
      {std::string(kSplit), std::string(kForEachItemSplitType), {"items", "batch"}},
      {std::string(kItems),
       std::string(kForEachItemExecutableType),
       {"namespace", "flowId", "revision", "inputs", "labels", "inheritLabels", "scheduleDate", "wait",
        "transmitFailed"}},
      {std::string(kMerge), std::string(kForEachItemMergeType), {}},
  };
  return schema;
}

class ForEachItem final : public FlowableTaskType {
 public:
  ForEachItem() : FlowableTaskType(for_each_item_schema()) {}
  std::optional<State> resolve(FlowableContext& ctx) const override {
    return ctx.run_children(branch_tasks(ctx.task(), "tasks"), {});
  }
};

TypeSchema internal_schema(std::string_view name, std::string description) {
  TypeSchema schema;
  schema.name = std::string(name);
  schema.internal = true;
  schema.description = std::move(description);
  return schema;
}

// Starts the executions, then (with wait) counts them by state until all have ended.
class ForEachItemExecutable final : public FlowableTaskType {
 public:
  ForEachItemExecutable()
      : FlowableTaskType(internal_schema(kForEachItemExecutableType, "ForEachItem's executions, one per batch.")) {}

  // The ids of the executions are in a file of the run, not in its outputs: the outputs
  // are copied each time the run changes (once per execution that ends), a file is read
  // once at the start, after a restart and at the end.
  std::optional<State> resolve(FlowableContext& ctx) const override {
    std::optional<std::vector<std::string>> started;
    if (!ctx.run().outputs.contains("numberOfBatches")) started = start_executions(ctx);
    const size_t batches = ctx.run().outputs.at("numberOfBatches").get<size_t>();
    if (!rendered_flag(ctx, "wait", true)) {
      // Kestra counts an execution it does not wait for as a success once started.
      ctx.outputs()["iterations"] = {{"RUNNING", 0}, {"SUCCESS", batches}};
      return State::SUCCESS;
    }
    Value iterations = count_iterations(ctx, started);
    ctx.outputs()["iterations"] = iterations;
    if (ended_count(iterations) < batches) return std::nullopt;
    store_flow_outputs(ctx, started ? *started : execution_ids(ctx));
    return end_state(ctx, iterations, batches);
  }

 private:
  static std::vector<std::string> start_executions(FlowableContext& ctx) {
    const Value* split = step_outputs(ctx, kItems, kSplit);
    if (!split || !split->contains("splits")) throw TaskFailure("The split step gave no batches");
    auto uris =
        read_lines(ctx.storage(), StorageUri::parse((*split)["splits"].get<std::string>()), kMaxBatches, "batches");
    const Value inputs = ctx.task().properties.value("inputs", Value::object());
    std::vector<std::string> ids;
    SubflowRequest request;
    for (size_t i = 0; i < uris.size(); ++i) {
      const Value batch = {{"taskrun", {{"items", uris[i]}, {"iteration", i + 1}}}};
      if (i == 0)
        request = subflow_request(ctx, batch);  // the properties that are the same for every batch, rendered once
      else
        request.inputs = ctx.render(inputs, batch);
      ids.push_back(ctx.start_subflow(request));
    }
    const StorageUri file = store_lines(ctx.storage(), ctx.identity(), kExecutionIdsFile, ids);
    ctx.outputs()["numberOfBatches"] = uris.size();
    ctx.outputs()["executionIdsUri"] = file.text();
    return ids;
  }

  static std::vector<std::string> execution_ids(FlowableContext& ctx) {
    return read_lines(ctx.storage(), task_run_file(ctx.identity(), kExecutionIdsFile), kMaxBatches, "executions");
  }

  // The executions by state. All of them are read once (at the start, or after a restart);
  // then each resolve moves only those that ended since the last from a waiting state (the
  // first with a count) to their end state: a run over N batches costs O(N), not O(N^2).
  static Value count_iterations(FlowableContext& ctx, const std::optional<std::vector<std::string>>& started) {
    auto ended = ctx.ended_executions();
    if (!ended) {
      Value iterations = {{"CREATED", 0}, {"RUNNING", 0}};  // then the other states, as they come
      for (const auto& id : started ? *started : execution_ids(ctx)) {
        const State state = state_of(ctx, id);
        add(iterations, state, 1);
        if (!is_terminal(state)) ctx.wait_for_execution(id);
      }
      return iterations;
    }
    Value iterations = ctx.run().outputs.value("iterations", Value::object());
    for (const auto& id : *ended) {
      add(iterations, state_of(ctx, id), 1);
      for (auto it = iterations.begin(); it != iterations.end(); ++it) {
        if (is_end_state(it.key()) || it.value().get<int>() == 0) continue;
        it.value() = it.value().get<int>() - 1;
        break;
      }
    }
    return iterations;
  }

  static bool is_end_state(const std::string& name) {
    auto state = parse_state(name);
    return state && is_terminal(*state);
  }

  static State state_of(FlowableContext& ctx, const std::string& id) {
    const Execution* child = ctx.execution(id);
    if (!child) throw TaskFailure("The execution '" + id + "' no longer exists");
    return child->state.current();
  }

  static void add(Value& iterations, State state, int n) {
    Value& count = iterations[std::string(to_string(state))];
    count = count.is_null() ? n : count.get<int>() + n;
  }

  static size_t ended_count(const Value& iterations) {
    size_t ended = 0;
    for (auto it = iterations.begin(); it != iterations.end(); ++it)
      if (is_end_state(it.key())) ended += it.value().get<size_t>();
    return ended;
  }

  // Each execution's flow outputs, one JSON line in <iteration>/outputs.ion (Kestra's Ion
  // text: a JSON line is one), for the merge step.
  static void store_flow_outputs(FlowableContext& ctx, const std::vector<std::string>& ids) {
    const std::string prefix = task_run_folder(ctx.identity()).text();
    bool any = false;
    for (size_t i = 0; i < ids.size(); ++i) {
      const Execution* child = ctx.execution(ids[i]);
      if (!child || child->flow_outputs.empty()) continue;
      std::istringstream line(dump_json(child->flow_outputs) + "\n");
      ctx.storage().put(iteration_outputs(prefix, i + 1), line);
      any = true;
    }
    if (any) ctx.outputs()["subflowOutputsBaseUri"] = prefix;
  }

  static State end_state(FlowableContext& ctx, const Value& iterations, size_t batches) {
    auto count = [&](State state) { return iterations.value(std::string(to_string(state)), 0); };
    if (!rendered_flag(ctx, "transmitFailed", true)) return State::SUCCESS;
    if (int failed = count(State::FAILED) + count(State::KILLED) + count(State::CANCELLED); failed > 0)
      throw TaskFailure(std::to_string(failed) + " of the " + std::to_string(batches) + " executions failed");
    return count(State::WARNING) > 0 ? State::WARNING : State::SUCCESS;
  }
};

// The executions' flow outputs in one file, in the order of their batches.
class ForEachItemMergeOutputs final : public FlowableTaskType {
 public:
  ForEachItemMergeOutputs()
      : FlowableTaskType(internal_schema(kForEachItemMergeType, "ForEachItem's merge of the executions' outputs.")) {}

  std::optional<State> resolve(FlowableContext& ctx) const override {
    const Value* items = step_outputs(ctx, kMerge, kItems);
    if (!items || !items->contains("subflowOutputsBaseUri")) return State::SUCCESS;
    const std::string base = (*items)["subflowOutputsBaseUri"].get<std::string>();
    std::ostringstream merged;
    for (size_t i = 1; i <= (*items)["numberOfBatches"].get<size_t>(); ++i) {
      StorageUri part = iteration_outputs(base, i);
      if (!ctx.storage().exists(part)) continue;
      merged << ctx.storage().get(part).rdbuf();
    }
    std::istringstream in(merged.str());
    StorageUri uri = task_run_file(ctx.identity(), "outputs.ion");
    ctx.storage().put(uri, in);
    ctx.outputs()["subflowOutputs"] = uri.text();
    return State::SUCCESS;
  }
};

}  // namespace

std::vector<std::shared_ptr<const TaskType>> make_for_each_item_tasks() {
  return {std::make_shared<ForEachItem>(), std::make_shared<ForEachItemExecutable>(),
          std::make_shared<ForEachItemMergeOutputs>()};
}

}  // namespace runwatch
