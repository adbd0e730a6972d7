// Kestra's KV tasks (kv.Set, Get, Delete, GetKeys) on the namespace KV store, and its
// older state tasks (state.Set, Get, Delete) on the task state store; both are the
// engine's KvStore (model/kv_store.h). A flow may read and write any namespace, as in
// Kestra's open-source edition.
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/core/properties.h"

namespace runwatch {
namespace {

using Run = TaskResult (*)(RunContext& ctx, const Value& properties);

class StoreTask final : public TaskType {
 public:
  StoreTask(TypeSchema schema, Run run) : TaskType(std::move(schema)), run_(run) {}
  TaskResult run(RunContext& ctx, const Value& properties) const override { return run_(ctx, properties); }

 private:
  Run run_;
};

std::shared_ptr<const TaskType> make(std::string name, std::vector<std::string> aliases, std::string description,
                                     std::vector<PropertySpec> properties, Run run) {
  TypeSchema s;
  s.name = std::move(name);
  s.aliases = std::move(aliases);
  s.description = std::move(description);
  s.properties = std::move(properties);
  return std::make_shared<StoreTask>(std::move(s), run);
}

// --- KV ---

std::string kv_namespace(const RunContext& ctx, const Value& properties) {
  return string_or(properties, "namespace", ctx.identity().ns);
}

std::string missing_key(const std::string& key, const std::string& ns) {
  return "No value found for key '" + key + "' in namespace '" + ns + "' and `errorOnMissing` is set to true";
}

TaskResult kv_set(RunContext& ctx, const Value& properties) {
  auto key = to_text(required_property(properties, "key"));
  Value value = required_property(properties, "value");
  KvWrite write{.description = optional_string(properties, "kvDescription"),
                .overwrite = bool_or(properties, "overwrite", true)};
  if (find_property(properties, "ttl")) write.ttl = duration_of(properties, "ttl");
  if (auto type = optional_string(properties, "kvType")) {
    // As Kestra: a text is converted to the type; any other value is stored as it is.
    if (value.is_string()) {
      value = kv_value_of_type(value.get<std::string>(), *type);
      write.type = *type;
    }
  }
  ctx.kv_store().put(kv_namespace(ctx, properties), key, value, write);
  return {};
}

TaskResult kv_get(RunContext& ctx, const Value& properties) {
  auto key = to_text(required_property(properties, "key"));
  auto ns = kv_namespace(ctx, properties);
  auto entry = ctx.kv_store().get(ns, key);
  if (!entry && bool_or(properties, "errorOnMissing", false)) throw TaskFailure(missing_key(key, ns));
  TaskResult result;
  result.outputs["value"] = entry ? entry->value : Value();
  return result;
}

TaskResult kv_delete(RunContext& ctx, const Value& properties) {
  auto key = to_text(required_property(properties, "key"));
  auto ns = kv_namespace(ctx, properties);
  bool deleted = ctx.kv_store().erase(ns, key);
  if (!deleted && bool_or(properties, "errorOnMissing", false)) throw TaskFailure(missing_key(key, ns));
  TaskResult result;
  result.outputs["deleted"] = deleted;
  return result;
}

TaskResult kv_get_keys(RunContext& ctx, const Value& properties) {
  auto prefix = string_or(properties, "prefix", "");
  Value keys = Value::array();
  for (const auto& entry : ctx.kv_store().list(kv_namespace(ctx, properties)))
    if (entry.key.starts_with(prefix)) keys.push_back(entry.key);
  TaskResult result;
  result.outputs["keys"] = std::move(keys);
  return result;
}

PropertySpec key_property(std::string description) {
  return {.name = "key", .required = true, .description = std::move(description)};
}
PropertySpec namespace_property() {
  return {.name = "namespace", .description = "The namespace of the key; default: the flow's."};
}
PropertySpec error_on_missing(std::string description) {
  return {.name = "errorOnMissing",
          .type = PropertyType::Boolean,
          .description = std::move(description),
          .default_value = false};
}

void add_kv_tasks(std::vector<std::shared_ptr<const TaskType>>& out) {
  out.push_back(
      make("io.kestra.plugin.core.kv.Set", {}, "Sets the value of a key in a namespace's KV store.",
           {key_property("The key: [a-zA-Z0-9][a-zA-Z0-9._-]*, at most 255 characters."),
            {.name = "value",
             .type = PropertyType::Any,
             .required = true,
             .description = "The value: any JSON value, at most 1 MiB as JSON."},
            namespace_property(),
            {.name = "overwrite",
             .type = PropertyType::Boolean,
             .description = "False: fail when the key already holds a value.",
             .default_value = true},
            {.name = "ttl",
             .type = PropertyType::Duration,
             .description = "How long the value lives (ISO-8601 duration); after it, the key reads as missing."},
            {.name = "kvType",
             .description = "What a text value is converted to before it is stored.",
             .allowed_values = {kKvTypes, kKvTypes + std::size(kKvTypes)}},
            {.name = "kvDescription", .description = "A description of the key, shown by the API."}},
           kv_set));
  out.push_back(make("io.kestra.plugin.core.kv.Get", {},
                     "Gets the value of a key as the `value` output (null when missing).",
                     {key_property("The key to read."), namespace_property(),
                      error_on_missing("Fail when the key has no value (or it expired).")},
                     kv_get));
  out.push_back(make(
      "io.kestra.plugin.core.kv.Delete", {}, "Deletes a key; the `deleted` output says whether it held a value.",
      {key_property("The key to delete."), namespace_property(), error_on_missing("Fail when the key has no value.")},
      kv_delete));
  out.push_back(
      make("io.kestra.plugin.core.kv.GetKeys", {},
           "Lists the keys of a namespace (those starting with `prefix`) as the `keys` output.",
           {{.name = "prefix", .description = "Only the keys starting with this text."}, namespace_property()},
           kv_get_keys));
}

// --- State ---

// The state's key: namespace, flow (unless shared by the namespace), name, and the task
// run's value (in a ForEach) unless taskrunValue is false. A JSON array: no two differ
// only by where a separator falls.
std::string state_key(const RunContext& ctx, const Value& properties) {
  auto name = string_or(properties, "name", "default");
  if (name.size() > kMaxKvKeyLength)
    throw TaskFailure("Property 'name' is longer than " + std::to_string(kMaxKvKeyLength) + " characters");
  Value flow = bool_or(properties, "namespace", false) ? Value() : Value(ctx.identity().flow_id);
  Value value;
  if (bool_or(properties, "taskrunValue", true)) {
    const auto& variables = ctx.variables();
    auto taskrun = variables.find("taskrun");
    if (taskrun != variables.end() && taskrun->is_object()) value = taskrun->value("value", Value());
  }
  return dump_json(Value::array({ctx.identity().ns, flow, name, value}));
}

std::string missing_state(const Value& properties) {
  return "Unable to find the state file '" + string_or(properties, "name", "default") + "'";
}

TaskResult state_set(RunContext& ctx, const Value& properties) {
  const Value* data = find_property(properties, "data");
  if (data && !data->is_object()) throw TaskFailure("Property 'data' must be a map");
  auto key = state_key(ctx, properties);
  Value merged = ctx.kv_store().merge_task_state(key, data ? *data : Value::object());
  TaskResult result;
  result.outputs = {{"count", merged.size()}, {"key", key}};
  return result;
}

TaskResult state_get(RunContext& ctx, const Value& properties) {
  auto data = ctx.kv_store().task_state(state_key(ctx, properties));
  if (!data && bool_or(properties, "errorOnMissing", false)) throw TaskFailure(missing_state(properties));
  Value out = data.value_or(Value::object());
  TaskResult result;
  result.outputs = {{"count", out.size()}, {"data", out}};
  return result;
}

TaskResult state_delete(RunContext& ctx, const Value& properties) {
  bool deleted = ctx.kv_store().erase_task_state(state_key(ctx, properties));
  if (!deleted && bool_or(properties, "errorOnMissing", false)) throw TaskFailure(missing_state(properties));
  TaskResult result;
  result.outputs["deleted"] = deleted;
  return result;
}

std::vector<PropertySpec> state_properties(std::vector<PropertySpec> own) {
  std::vector<PropertySpec> all = {
      {.name = "name", .description = "The name of the state.", .default_value = "default"},
      {.name = "namespace",
       .type = PropertyType::Boolean,
       .description = "True: the state is shared by the flows of the namespace; false: it is the flow's own.",
       .default_value = false},
      {.name = "taskrunValue",
       .type = PropertyType::Boolean,
       .description = "True: each value of a ForEach has its own state.",
       .default_value = true}};
  all.insert(all.end(), own.begin(), own.end());
  return all;
}

void add_state_tasks(std::vector<std::shared_ptr<const TaskType>>& out) {
  out.push_back(
      make("io.kestra.plugin.core.state.Set", {"io.kestra.core.tasks.states.Set"},
           "Merges `data` into a state (maps within maps key by key); outputs `count` and `key`.",
           state_properties({{.name = "data", .type = PropertyType::Map, .description = "The values to merge."}}),
           state_set));
  out.push_back(make("io.kestra.plugin.core.state.Get", {"io.kestra.core.tasks.states.Get"},
                     "Reads a state: outputs `data` (empty when there is none) and `count`.",
                     state_properties({error_on_missing("Fail when there is no such state.")}), state_get));
  out.push_back(make("io.kestra.plugin.core.state.Delete", {"io.kestra.core.tasks.states.Delete"},
                     "Deletes a state; the `deleted` output says whether there was one.",
                     state_properties({error_on_missing("Fail when there is no such state.")}), state_delete));
}

}  // namespace

std::vector<std::shared_ptr<const TaskType>> make_store_tasks() {
  std::vector<std::shared_ptr<const TaskType>> out;
  add_kv_tasks(out);
  add_state_tasks(out);
  return out;
}

}  // namespace runwatch
