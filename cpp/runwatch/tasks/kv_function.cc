#include "runwatch/tasks/kv_function.h"

#include "runwatch/expr/functions.h"
#include "runwatch/model/error.h"

namespace runwatch {

Value kv_function(const KvStore& store, const Value& variables, const std::vector<Value>& args, const Value& named) {
  const Value* key = expr::function_argument(args, named, 0, "key");
  if (!key || !key->is_string()) throw Error("The 'kv' function expects an argument 'key'.");
  const Value* ns_arg = expr::function_argument(args, named, 1, "namespace");
  if (ns_arg && !ns_arg->is_null() && !ns_arg->is_string()) throw Error("kv(): 'namespace' must be a string");
  const Value* error_arg = expr::function_argument(args, named, 2, "errorOnMissing");
  if (error_arg && !error_arg->is_null() && !error_arg->is_boolean())
    throw Error("kv(): 'errorOnMissing' must be true or false");
  bool error_on_missing = !error_arg || error_arg->is_null() || error_arg->get<bool>();

  const auto& name = key->get_ref<const std::string&>();
  std::string ns;
  std::optional<KvEntry> entry;
  if (ns_arg && ns_arg->is_string()) {
    ns = ns_arg->get<std::string>();
    entry = store.get(ns, name);
  } else {
    auto flow = variables.find("flow");
    const Value* flow_ns =
        flow != variables.end() && flow->is_object() && flow->contains("namespace") ? &flow->at("namespace") : nullptr;
    if (!flow_ns || !flow_ns->is_string()) throw Error("kv(): no flow namespace to read from");
    ns = flow_ns->get<std::string>();
    for (std::string at = ns;; at.resize(at.rfind('.'))) {
      entry = store.get(at, name);
      if (entry || at.find('.') == std::string::npos) break;
    }
  }
  if (entry) return entry->value;
  if (error_on_missing) throw Error("The key '" + name + "' does not exist in the namespace '" + ns + "'.");
  return nullptr;
}

}  // namespace runwatch
