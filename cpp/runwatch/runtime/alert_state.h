#pragma once
// Where the Alert triggers' books are kept between events and across restarts: the
// engine implements it on the repository (repository_adapters.h). A book is saved in
// pieces (AlertBook::saved_alert per group, saved_log for the rest), so that an execution
// costs one group's write.
#include <compare>
#include <optional>
#include <string>

#include "runwatch/model/value.h"

namespace runwatch {

struct AlertTriggerKey {
  std::string ns;
  std::string flow_id;
  std::string trigger_id;
  auto operator<=>(const AlertTriggerKey&) const = default;
};

class AlertState {
 public:
  virtual ~AlertState() = default;
  // The book as AlertBook::to_json writes it, when something was saved.
  virtual std::optional<Value> load(const AlertTriggerKey& trigger) const = 0;
  // A group's alert; null erases it.
  virtual void save_alert(const AlertTriggerKey& trigger, const std::string& group, const Value& alert) = 0;
  virtual void save_log(const AlertTriggerKey& trigger, const Value& log) = 0;
  // Everything saved for the trigger (it was removed, or its rule changed).
  virtual void erase(const AlertTriggerKey& trigger) = 0;
};

}  // namespace runwatch
