#pragma once
// Where the Alert triggers' books are kept between events and across restarts: the
// engine implements it on the repository (repository_adapters.h). A book is saved in
// pieces (AlertBook::saved_alert per group, saved_log for the rest), so that an execution
// costs one group's write; with it, the alert history entries the change decided.
#include <compare>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runwatch/model/alert_event.h"
#include "runwatch/model/value.h"

namespace runwatch {

struct AlertTriggerKey {
  std::string ns;
  std::string flow_id;
  std::string trigger_id;
  auto operator<=>(const AlertTriggerKey&) const = default;
};

// One change of a book, saved in one transaction.
struct AlertSave {
  std::vector<std::pair<std::string, Value>> alerts;  // each changed group's alert; null: gone
  std::optional<Value> log;                           // when it changed
  std::vector<AlertEvent> events;
};

class AlertState {
 public:
  virtual ~AlertState() = default;
  // The book as AlertBook::to_json writes it, when something was saved.
  virtual std::optional<Value> load(const AlertTriggerKey& trigger) const = 0;
  virtual void save(const AlertTriggerKey& trigger, AlertSave change) = 0;
  // Everything saved for the trigger (it was removed, or its rule changed).
  virtual void erase(const AlertTriggerKey& trigger) = 0;
};

}  // namespace runwatch
