#pragma once
// Where the scheduler keeps each Schedule trigger's last date, so that a restart goes on
// from it: the engine implements it on the repository (repository_adapters.h).
#include <optional>
#include <string>

#include "runwatch/model/time.h"

namespace runwatch {

class ScheduleState {
 public:
  virtual ~ScheduleState() = default;
  // The last date the trigger fired (namespace, flow, trigger), if it ever did.
  virtual std::optional<TimePoint> last_date(const std::string& ns, const std::string& flow_id,
                                             const std::string& trigger_id) const = 0;
  virtual void set_last_date(const std::string& ns, const std::string& flow_id, const std::string& trigger_id,
                             TimePoint date) = 0;
};

}  // namespace runwatch
