#include "runwatch/store/repository_states.h"

namespace runwatch::store {
namespace {

// A JSON array: no separator can make two triggers' keys equal.
std::string schedule_key(const std::string& ns, const std::string& flow_id, const std::string& trigger_id) {
  return Value::array({ns, flow_id, trigger_id}).dump();
}

}  // namespace

std::optional<TimePoint> RepositoryScheduleState::last_date(const std::string& ns, const std::string& flow_id,
                                                            const std::string& trigger_id) const {
  auto state = repository_.state(kScheduleState, schedule_key(ns, flow_id, trigger_id));
  if (!state || !state->contains("lastDate")) return std::nullopt;
  return TimePoint(Duration(state->at("lastDate").get<std::int64_t>()));
}

void RepositoryScheduleState::set_last_date(const std::string& ns, const std::string& flow_id,
                                            const std::string& trigger_id, TimePoint date) {
  repository_.put_state(kScheduleState, schedule_key(ns, flow_id, trigger_id),
                        Value{{"lastDate", static_cast<std::int64_t>(date.time_since_epoch().count())}});
}

}  // namespace runwatch::store
