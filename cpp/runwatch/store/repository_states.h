#pragma once
// Runtime state kept in the repository's keyed state: the Schedule triggers' last dates.
#include "runwatch/runtime/schedule_state.h"
#include "runwatch/store/repository.h"

namespace runwatch::store {

class RepositoryScheduleState final : public ScheduleState {
 public:
  explicit RepositoryScheduleState(Repository& repository) : repository_(repository) {}
  std::optional<TimePoint> last_date(const std::string& ns, const std::string& flow_id,
                                     const std::string& trigger_id) const override;
  void set_last_date(const std::string& ns, const std::string& flow_id, const std::string& trigger_id,
                     TimePoint date) override;

 private:
  Repository& repository_;
};

}  // namespace runwatch::store
