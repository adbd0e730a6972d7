#pragma once
// Silences, in Alertmanager's shape and with its rules (beyond Kestra): a silence mutes
// the notifications whose alert or execution all its matchers match, from `startsAt` to
// `endsAt`. Matchers name `namespace`, `flowId`, `state`, `labels.<key>` (of the watched
// execution, or the alert's group) and `alert` (the monitoring flow, `namespace.flowId`);
// a name the labels lack matches as the empty string, a regular expression matches the
// whole value (RE2). Expiring one ends it now; expired ones are kept for the retention,
// then forgotten. Kept in a Storage (the engine's: the repository), surviving restarts.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/model/clock.h"
#include "runwatch/model/execution.h"
#include "runwatch/model/value.h"

namespace runwatch {

namespace regex {
class Pattern;
}

struct SilenceMatcher {
  std::string name;
  std::string value;
  bool is_regex = false;
  bool is_equal = true;
  std::shared_ptr<const regex::Pattern> pattern;  // when is_regex

  bool matches(std::string_view label) const;
};

enum class SilenceState { Pending, Active, Expired };
std::string_view to_string(SilenceState state);

// The labels a silence is matched against: name -> value.
using SilenceLabels = std::map<std::string, std::string>;

struct Silence {
  std::string id;
  std::vector<SilenceMatcher> matchers;
  TimePoint starts_at{};
  TimePoint ends_at{};
  TimePoint updated_at{};
  std::string created_by;
  std::string comment;

  SilenceState state(TimePoint now) const;
  bool matches(const SilenceLabels& labels) const;
  // Alertmanager's GettableSilence: id, matchers, startsAt, endsAt, updatedAt, createdBy,
  // comment, status.state.
  Value to_json(TimePoint now) const;
};

// What silences match a Flow trigger's source execution against: its namespace,
// flowId, state, labels.<key>, and `alert`, the monitoring flow (namespace.flowId).
SilenceLabels execution_silence_labels(const Execution& execution, const std::string& alert_flow);

// A PostableSilence read and checked as Alertmanager checks it; `startsAt` defaults to
// now (and one in the past starts now). Throws InputError naming the field.
Silence read_silence(const Value& body, TimePoint now);

class Silences {
 public:
  class Storage {
   public:
    virtual ~Storage() = default;
    virtual std::vector<Value> load() const = 0;  // each as Silence::to_json wrote it
    virtual void put(const std::string& id, const Value& silence) = 0;
    virtual void erase(const std::string& id) = 0;
  };

  // `storage` may be null: in memory only. A saved silence that cannot be read is logged
  // and ignored (left in the store).
  Silences(const Clock& clock, Duration retention, Storage* storage = nullptr);

  // Checks and keeps a new silence (read_silence); returns it.
  Silence add(const Value& body);
  // Newest first; expired ones past the retention are forgotten first.
  std::vector<Silence> list();
  std::optional<Silence> find(const std::string& id) const;
  // Ends it now (a pending one never starts). False when there is no such silence;
  // expiring an expired one changes nothing.
  bool expire(const std::string& id);
  // The id of an active silence that matches these labels, if one does.
  std::optional<std::string> silenced(const SilenceLabels& labels) const;
  // No silence at all, in any state: callers skip building labels (a lock-free read).
  bool empty() const { return count_.load(std::memory_order_relaxed) == 0; }
  // How many there are in each state.
  std::map<SilenceState, size_t> counts() const;
  const Clock& clock() const { return clock_; }

 private:
  void forget_expired_locked(TimePoint now);

  const Clock& clock_;
  const Duration retention_;
  Storage* const storage_;
  mutable std::mutex mutex_;
  std::map<std::string, Silence> silences_;
  std::atomic<size_t> count_{0};  // silences_.size(), for empty()
};

}  // namespace runwatch
