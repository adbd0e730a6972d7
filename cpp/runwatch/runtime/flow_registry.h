#pragma once
// The loaded flows by namespace and id, with the latest revision of every key ever
// seen: as in Kestra, a deletion is a revision too, so a flow created again after it
// goes on from there. The engine assigns revisions (next_revision) and records them in
// the repository before it puts a flow here; executions keep the revision they started with.
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runwatch/model/flow.h"

namespace runwatch {

// One flow's change, as the components that index the loaded flows take it in.
struct FlowChange {
  std::shared_ptr<const Flow> before;  // null: the flow is new
  std::shared_ptr<const Flow> after;   // null: the flow was removed
  const Flow& flow() const { return after ? *after : *before; }
};

class FlowRegistry {
 public:
  // Stores the flow as it is, its revision set by the caller.
  void put(std::shared_ptr<const Flow> flow);
  std::shared_ptr<const Flow> find(const std::string& ns, const std::string& id) const;
  // Removes the flow, its deletion counting as the revision after it. Returns the
  // removed flow; null when there was none.
  std::shared_ptr<const Flow> remove(const std::string& ns, const std::string& id);
  // The revision a new or changed flow of that key gets: one after the latest, live or deleted.
  int next_revision(const std::string& ns, const std::string& id) const;
  // That revision of the key exists but has no flow to run (it is deleted, or no longer loads).
  void note_revision(const std::string& ns, const std::string& id, int revision);
  // Sorted by namespace, then id.
  std::vector<std::shared_ptr<const Flow>> all() const;

 private:
  struct Entry {
    std::shared_ptr<const Flow> flow;  // null once deleted
    int latest_revision = 0;
  };
  // The live flows in all()'s order, kept so that all() does not sort at every change.
  using FlowKey = std::pair<std::string_view, std::string_view>;
  struct ByKey {
    using is_transparent = void;
    static FlowKey key(const std::shared_ptr<const Flow>& flow) { return {flow->ns, flow->id}; }
    static FlowKey key(const FlowKey& key) { return key; }
    bool operator()(const auto& a, const auto& b) const { return key(a) < key(b); }
  };
  void forget_live(const std::string& ns, const std::string& id);

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // "namespace\nid" -> entry
  std::set<std::shared_ptr<const Flow>, ByKey> live_;
};

}  // namespace runwatch
