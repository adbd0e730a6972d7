#include "runwatch/trigger/schedule.h"

namespace runwatch {
namespace {

RecoverMissedSchedules recover_of(const std::string& name) {
  if (name == "LAST") return RecoverMissedSchedules::Last;
  if (name == "NONE") return RecoverMissedSchedules::None;
  return RecoverMissedSchedules::All;  // the loader allows ALL, LAST and NONE only
}

std::string text_of(const Value& properties, const char* name) {
  return properties.contains(name) && properties[name].is_string() ? properties[name].get<std::string>() : "";
}

bool with_seconds(const Value& p) {
  return p.contains("withSeconds") && p["withSeconds"].is_boolean() && p["withSeconds"].get<bool>();
}

}  // namespace

std::vector<PropertyProblem> check_schedule_properties(const Value& properties) {
  std::vector<PropertyProblem> problems;
  auto report = [&](const char* name, auto&& read) {
    try {
      if (!text_of(properties, name).empty()) read(text_of(properties, name));
    } catch (const Error& e) {
      problems.push_back({name, e.what()});
    }
  };
  report("cron", [&](const std::string& cron) { Cron::parse(cron, with_seconds(properties)); });
  report("timezone", [](const std::string& zone) { TimeZone::find(zone); });
  return problems;
}

ScheduleDefinition ScheduleDefinition::of(const TriggerDef& trigger) {
  const auto& p = trigger.properties;
  auto text = [&](const char* name) { return text_of(p, name); };
  auto zone_id = text("timezone");
  ScheduleDefinition d{Cron::parse(text("cron"), with_seconds(p)),
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
