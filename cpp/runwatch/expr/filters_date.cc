// Kestra's date filters: date, dateAdd, timestamp and its finer variants.
#include "runwatch/expr/date_format.h"
#include "runwatch/expr/filter_support.h"
#include "runwatch/expr/filters.h"

namespace runwatch::expr {
namespace {

// The slots of timeZone and existingFormat in a filter's arguments.
struct DateSlots {
  size_t time_zone, existing_format;
};

Zone zone_of(const FilterArgs& args, size_t slot) {
  return parse_zone(args.has(slot) ? string_argument(args[slot], "timeZone") : std::string("UTC"));
}

TimePoint input_date(const Value& input, const FilterArgs& args, DateSlots slots, const Zone& zone) {
  std::optional<std::string> existing;
  if (args.has(slots.existing_format)) existing = string_argument(args[slots.existing_format], "existingFormat");
  return parse_date(input, existing, zone);
}

// date(format, timeZone, existingFormat, locale)
Value date(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  Zone zone = zone_of(args, 1);
  std::string format = args.has(0) ? string_argument(args[0], "format") : "iso";
  return format_date(input_date(input, args, {1, 2}, zone), format, zone);
}

// dateAdd(amount, unit, format, timeZone, existingFormat, locale)
Value date_add(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  Zone zone = zone_of(args, 3);
  auto shifted = add_to_date(input_date(input, args, {3, 4}, zone), integer_argument(args[0], "amount"),
                             string_argument(args[1], "unit"), zone);
  return format_date(shifted, args.has(2) ? string_argument(args[2], "format") : "iso", zone);
}

// timestamp(timeZone, existingFormat): epoch seconds; the variants a finer unit.
template <typename Unit>
Value timestamp(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  auto instant = input_date(input, args, {0, 1}, zone_of(args, 0));
  return static_cast<std::int64_t>(std::chrono::floor<Unit>(instant.time_since_epoch()).count());
}

}  // namespace

void add_date_filters(std::vector<FilterDef>& filters) {
  filters.push_back({"date", {"format", "timeZone", "existingFormat", "locale"}, date});
  filters.push_back({"dateAdd", {"amount", "unit", "format", "timeZone", "existingFormat", "locale"}, date_add});
  filters.push_back({"timestamp", {"timeZone", "existingFormat"}, timestamp<std::chrono::seconds>});
  filters.push_back({"timestampMilli", {"timeZone", "existingFormat"}, timestamp<std::chrono::milliseconds>});
  filters.push_back({"timestampMicro", {"timeZone", "existingFormat"}, timestamp<std::chrono::microseconds>});
  filters.push_back({"timestampNano", {"timeZone", "existingFormat"}, timestamp<std::chrono::nanoseconds>});
}

}  // namespace runwatch::expr
