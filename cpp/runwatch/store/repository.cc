#include "runwatch/store/repository.h"

#include <algorithm>

#include "runwatch/store/memory_repository.h"
#include "runwatch/store/sqlite_repository.h"
#include "runwatch/store/store_error.h"

namespace runwatch::store {

std::shared_ptr<Repository> open_repository(std::string_view type, const std::filesystem::path& path) {
  if (type == "memory") return std::make_shared<MemoryRepository>();
  if (type == "sqlite") return std::make_shared<SqliteRepository>(path);
  throw StoreError("Unknown repository type '" + std::string(type) + "': memory or sqlite");
}

bool matches(const Execution& e, const ExecutionQuery& q) {
  if (q.ns && e.ns != *q.ns) return false;
  if (q.flow_id && e.flow_id != *q.flow_id) return false;
  if (!q.states.empty() && std::find(q.states.begin(), q.states.end(), e.state.current()) == q.states.end())
    return false;
  if (q.started_after && e.state.start_date() < *q.started_after) return false;
  if (q.started_before && e.state.start_date() >= *q.started_before) return false;
  return true;
}

bool matches(const AlertEvent& e, const AlertEventQuery& q) {
  if (q.ns && e.ns != *q.ns) return false;
  if (q.flow_id && e.flow_id != *q.flow_id) return false;
  if (q.alert && e.alert() != *q.alert) return false;
  if (q.status && e.status != *q.status) return false;
  if (q.after && e.date < *q.after) return false;
  if (q.before && e.date >= *q.before) return false;
  return true;
}

}  // namespace runwatch::store
