#pragma once
// The plugin registry: every task, trigger and condition type by full name and alias.
// Built-in types are registered when it is created; Python registers its own.
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "runwatch/model/schema.h"
#include "runwatch/tasks/task.h"

namespace runwatch {

class PluginRegistry final : public TypeCatalog {
 public:
  // The process-wide registry with the built-in types.
  static PluginRegistry& global();
  PluginRegistry() = default;

  // Registers (or replaces) a task type under its name and aliases.
  void add_task(std::shared_ptr<const TaskType> type);
  // Registers a trigger or condition schema.
  void add_schema(TypeSchema schema);

  std::shared_ptr<const TaskType> task(std::string_view name) const;

  const TypeSchema* find(PluginKind kind, std::string_view name) const override;
  std::vector<std::string> names(PluginKind kind) const override;
  // One schema per type (aliases not repeated), sorted by name; internal types are in
  // neither this nor names().
  std::vector<const TypeSchema*> schemas(PluginKind kind) const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<const TaskType>, std::less<>> tasks_;  // name or alias
  std::map<std::string, std::shared_ptr<const TypeSchema>, std::less<>> others_[3];
};

}  // namespace runwatch
