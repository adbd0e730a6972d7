#include "runwatch/tasks/registry.h"

#include <algorithm>
#include <set>

#include "runwatch/tasks/builtin.h"

namespace runwatch {
namespace {
size_t kind_index(PluginKind kind) { return static_cast<size_t>(kind); }
}  // namespace

PluginRegistry& PluginRegistry::global() {
  static PluginRegistry* registry = [] {
    auto* r = new PluginRegistry;
    register_builtin_plugins(*r);
    return r;
  }();
  return *registry;
}

void PluginRegistry::add_task(std::shared_ptr<const TaskType> type) {
  std::unique_lock lock(mutex_);
  tasks_[type->schema().name] = type;
  for (const auto& alias : type->schema().aliases) tasks_[alias] = type;
}

void PluginRegistry::add_schema(TypeSchema schema) {
  auto shared = std::make_shared<const TypeSchema>(std::move(schema));
  std::unique_lock lock(mutex_);
  auto& map = others_[kind_index(shared->kind)];
  map[shared->name] = shared;
  for (const auto& alias : shared->aliases) map[alias] = shared;
}

std::shared_ptr<const TaskType> PluginRegistry::task(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = tasks_.find(name);
  return it == tasks_.end() ? nullptr : it->second;
}

const TypeSchema* PluginRegistry::find(PluginKind kind, std::string_view name) const {
  std::shared_lock lock(mutex_);
  if (kind == PluginKind::Task) {
    auto it = tasks_.find(name);
    return it == tasks_.end() ? nullptr : &it->second->schema();
  }
  auto& map = others_[kind_index(kind)];
  auto it = map.find(name);
  return it == map.end() ? nullptr : it->second.get();
}

std::vector<std::string> PluginRegistry::names(PluginKind kind) const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  if (kind == PluginKind::Task) {
    for (const auto& [name, type] : tasks_)
      if (!type->schema().internal) out.push_back(name);
  } else {
    for (const auto& [name, schema] : others_[kind_index(kind)]) out.push_back(name);
  }
  return out;
}

std::vector<const TypeSchema*> PluginRegistry::schemas(PluginKind kind) const {
  std::shared_lock lock(mutex_);
  std::set<const TypeSchema*> unique;
  if (kind == PluginKind::Task) {
    for (const auto& [name, type] : tasks_)
      if (!type->schema().internal) unique.insert(&type->schema());
  } else {
    for (const auto& [name, schema] : others_[kind_index(kind)]) unique.insert(schema.get());
  }
  std::vector<const TypeSchema*> out(unique.begin(), unique.end());
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->name < b->name; });
  return out;
}

}  // namespace runwatch
