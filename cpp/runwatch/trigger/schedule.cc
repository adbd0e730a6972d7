#include "runwatch/trigger/schedule.h"

namespace runwatch {
namespace {

RecoverMissedSchedules recover_of(const std::string& name) {
  if (name == "LAST") return RecoverMissedSchedules::Last;
  if (name == "NONE") return RecoverMissedSchedules::None;
  return RecoverMissedSchedules::All;  // the loader allows ALL, LAST and NONE only
}

}  // namespace

ScheduleDefinition ScheduleDefinition::of(const TriggerDef& trigger) {
  const auto& p = trigger.properties;
  auto text = [&](const char* name) { return p.contains(name) && p[name].is_string() ? p[name].get<std::string>() : ""; };
  bool with_seconds = p.contains("withSeconds") && p["withSeconds"].is_boolean() && p["withSeconds"].get<bool>();
  auto zone_id = text("timezone");
  ScheduleDefinition d{Cron::parse(text("cron"), with_seconds),
                       zone_id.empty() ? TimeZone::utc() : TimeZone::find(zone_id),
                       recover_of(text("recoverMissedSchedules")), std::nullopt, Value::object()};
  if (auto delay = text("lateMaximumDelay"); !delay.empty()) {
    d.late_maximum_delay = parse_duration(delay);
    if (!d.late_maximum_delay) throw Error("invalid lateMaximumDelay '" + delay + "': expected an ISO-8601 duration such as PT5M");
  }
  if (p.contains("inputs") && p["inputs"].is_object()) d.inputs = p["inputs"];
  return d;
}

Value ScheduleDefinition::variables(TimePoint date) const {
  Value v = {{"date", format_in_zone(date, *zone)}};
  if (auto n = next(date)) v["next"] = format_in_zone(*n, *zone);
  if (auto p = previous(date)) v["previous"] = format_in_zone(*p, *zone);
  return v;
}

bool ScheduleDefinition::same_dates(const ScheduleDefinition& other) const {
  return cron.text() == other.cron.text() && cron.with_seconds() == other.cron.with_seconds() &&
         zone->id() == other.zone->id();
}

}  // namespace runwatch
