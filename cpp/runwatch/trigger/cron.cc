#include "runwatch/trigger/cron.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace runwatch {

using namespace std::chrono;

namespace {

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct FieldSpec {
  std::string_view name;
  int min, max;
  const std::string_view* names = nullptr;  // names[i] stands for first_named + i
  size_t name_count = 0;
  int first_named = 0;
  std::string_view names_hint = {};
  bool sunday_is_also_7 = false;  // day of week: SUN ending a range (SAT-SUN) is 7
};

const FieldSpec kSecond{"second", 0, 59};
const FieldSpec kMinute{"minute", 0, 59};
const FieldSpec kHour{"hour", 0, 23};
const FieldSpec kDayOfMonth{"day-of-month", 1, 31};
const FieldSpec kMonth{"month", 1, 12, kMonthNames.data(), kMonthNames.size(), 1, "JAN-DEC"};
const FieldSpec kDayOfWeek{"day-of-week", 0, 7, kDayNames.data(), kDayNames.size(), 0, "SUN-SAT", true};

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// Quartz's L, W, # and ?: cron-utils refuses them for Kestra's definition.
bool is_quartz_special(const std::string& token) {
  if (token.find_first_of("#?") != std::string::npos || token.rfind("L-", 0) == 0) return true;
  if (token.empty() || (token.back() != 'L' && token.back() != 'W')) return false;
  auto head = std::string_view(token).substr(0, token.size() - 1);
  return head.empty() || head == "L" || all_digits(head);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string_view expand_macro(const std::string& name, bool& known) {
  static const std::array<std::pair<std::string_view, std::string_view>, 7> macros = {{
      {"@YEARLY", "0 0 1 1 *"},
      {"@ANNUALLY", "0 0 1 1 *"},
      {"@MONTHLY", "0 0 1 * *"},
      {"@WEEKLY", "0 0 * * 0"},
      {"@DAILY", "0 0 * * *"},
      {"@MIDNIGHT", "0 0 * * *"},
      {"@HOURLY", "0 * * * *"},
  }};
  for (const auto& [macro, fields] : macros)
    if (name == macro) return known = true, fields;
  known = false;
  return {};
}

}  // namespace

class CronParser {
 public:
  explicit CronParser(std::string_view text) : text_(text) {}

  Cron parse(bool with_seconds) {
    std::string_view body = text_;
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.remove_prefix(1);
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.remove_suffix(1);
    if (body.empty()) fail("it is empty");

    std::string expanded;
    if (body.front() == '@') {
      bool known = false;
      auto fields = expand_macro(upper(body), known);
      if (!known)
        fail("unknown macro '" + std::string(body) +
             "': use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly");
      expanded = (with_seconds ? "0 " : "") + std::string(fields);
      body = expanded;
    }

    std::vector<std::string_view> fields;
    for (size_t i = 0; i < body.size();) {
      if (std::isspace(static_cast<unsigned char>(body[i]))) {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < body.size() && !std::isspace(static_cast<unsigned char>(body[end]))) ++end;
      fields.push_back(body.substr(i, end - i));
      i = end;
    }
    size_t expected = with_seconds ? 6 : 5;
    if (fields.size() != expected)
      fail("expected " + std::to_string(expected) + " fields (" +
           (with_seconds ? "second minute hour day-of-month month day-of-week"
                         : "minute hour day-of-month month day-of-week") +
           ") but found " + std::to_string(fields.size()));

    Cron cron;
    cron.text_ = std::string(text_);
    cron.with_seconds_ = with_seconds;
    size_t i = 0;
    cron.seconds_ = with_seconds ? bits<60>(field(kSecond, fields[i++])) : std::bitset<60>(1);
    cron.minutes_ = bits<60>(field(kMinute, fields[i++]));
    cron.hours_ = bits<24>(field(kHour, fields[i++]));
    auto days = field(kDayOfMonth, fields[i++]);
    cron.days_ = bits<32>(days);
    cron.any_day_of_month_ = days.any;
    cron.months_ = bits<13>(field(kMonth, fields[i++]));
    auto weekdays = field(kDayOfWeek, fields[i++]);
    if (weekdays.values[7]) weekdays.values.set(0);  // 7 is Sunday too
    cron.weekdays_ = bits<7>(weekdays);
    cron.any_day_of_week_ = weekdays.any;
    return cron;
  }

 private:
  struct Field {
    std::bitset<64> values;
    bool any = false;  // * or */1: unrestricted for the day-of-month / day-of-week rule
  };

  template <size_t N>
  static std::bitset<N> bits(const Field& field) {
    std::bitset<N> out;
    for (size_t v = 0; v < N; ++v) out[v] = field.values[v];
    return out;
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw CronError("invalid cron expression '" + std::string(text_) + "': " + why);
  }

  // A number or a name; `range_end` makes SUN the 7 that ends a range (SAT-SUN).
  int value(const FieldSpec& spec, std::string_view token, bool range_end = false) const {
    if (all_digits(token)) {
      long n = token.size() > 6 ? spec.max + 1L : std::stol(std::string(token));
      if (n < spec.min || n > spec.max)
        fail(std::string(spec.name) + " " + std::string(token) + " is out of range " + std::to_string(spec.min) +
             "-" + std::to_string(spec.max));
      return static_cast<int>(n);
    }
    auto name = upper(token);
    for (size_t i = 0; i < spec.name_count; ++i)
      if (spec.names[i] == name) {
        int v = spec.first_named + static_cast<int>(i);
        return range_end && spec.sunday_is_also_7 && v == 0 ? 7 : v;
      }
    if (is_quartz_special(name))
      fail(std::string(spec.name) + " '" + std::string(token) +
           "' is not supported: Kestra's cron has no L, W, # nor ? (Schedule conditions such as "
           "DayWeekInMonth select such days)");
    fail(std::string(spec.name) + " '" + std::string(token) + "' is not a number" +
         (spec.names_hint.empty() ? "" : " nor a name (" + std::string(spec.names_hint) + ")"));
  }

  Field field(const FieldSpec& spec, std::string_view text) const {
    Field out;
    out.any = text == "*" || text == "*/1";
    for (auto item : split(text, ',')) {
      if (item.empty()) fail(std::string(spec.name) + " '" + std::string(text) + "' has an empty list item");
      auto slash = item.find('/');
      auto range = item.substr(0, slash);
      int step = 1;
      if (slash != std::string_view::npos) {
        auto step_text = item.substr(slash + 1);
        if (!all_digits(step_text) || step_text.size() > 2 || std::stoi(std::string(step_text)) < 1 ||
            std::stoi(std::string(step_text)) > spec.max)
          fail(std::string(spec.name) + " step '" + std::string(step_text) + "' in '" + std::string(item) +
               "' must be a number from 1 to " + std::to_string(spec.max));
        step = std::stoi(std::string(step_text));
      }
      int low, high;
      auto dash = range.find('-', 1);
      if (range == "*") {
        low = spec.min, high = spec.max;
      } else if (dash != std::string_view::npos && range.rfind("L-", 0) != 0) {
        if (dash + 1 == range.size()) fail(std::string(spec.name) + " range '" + std::string(range) + "' has no end");
        low = value(spec, range.substr(0, dash));
        high = value(spec, range.substr(dash + 1), true);
        if (low > high)
          fail(std::string(spec.name) + " range '" + std::string(range) + "' is reversed: " + std::to_string(low) +
               " comes after " + std::to_string(high));
      } else {
        low = value(spec, range);
        high = slash == std::string_view::npos ? low : spec.max;  // 5/15: from 5 on
      }
      for (int v = low; v <= high; v += step) out.values.set(static_cast<size_t>(v));
    }
    return out;
  }

  std::string_view text_;
};

Cron Cron::parse(std::string_view text, bool with_seconds) { return CronParser(text).parse(with_seconds); }

bool Cron::day_matches(local_days day) const {
  year_month_day date{day};
  bool in_month = days_[static_cast<unsigned>(date.day())];
  bool in_week = weekdays_[weekday{day}.c_encoding()];
  // Both restricted: either one (UNIX cron, cron-utils); otherwise the * field holds every day.
  if (!any_day_of_month_ && !any_day_of_week_) return in_month || in_week;
  return in_month && in_week;
}

bool Cron::matches(LocalSeconds local) const {
  auto day = floor<days>(local);
  hh_mm_ss time{local - day};
  return months_[static_cast<unsigned>(year_month_day{day}.month())] && day_matches(day) &&
         hours_[time.hours().count()] && minutes_[time.minutes().count()] && seconds_[time.seconds().count()];
}

std::optional<seconds> Cron::first_time_of_day(seconds from) const {
  hh_mm_ss start{from};
  for (long h = start.hours().count(); h < 24; ++h) {
    if (!hours_[h]) continue;
    bool first_hour = h == start.hours().count();
    for (long m = first_hour ? start.minutes().count() : 0; m < 60; ++m) {
      if (!minutes_[m]) continue;
      bool first_minute = first_hour && m == start.minutes().count();
      for (long s = first_minute ? start.seconds().count() : 0; s < 60; ++s)
        if (seconds_[s]) return hours(h) + minutes(m) + seconds(s);
    }
  }
  return std::nullopt;
}

std::optional<seconds> Cron::last_time_of_day(seconds until) const {
  hh_mm_ss start{until};
  for (long h = start.hours().count(); h >= 0; --h) {
    if (!hours_[h]) continue;
    bool first_hour = h == start.hours().count();
    for (long m = first_hour ? start.minutes().count() : 59; m >= 0; --m) {
      if (!minutes_[m]) continue;
      bool first_minute = first_hour && m == start.minutes().count();
      for (long s = first_minute ? start.seconds().count() : 59; s >= 0; --s)
        if (seconds_[s]) return hours(h) + minutes(m) + seconds(s);
    }
  }
  return std::nullopt;
}

std::optional<LocalSeconds> Cron::first_match(LocalSeconds from, LocalSeconds limit) const {
  auto day = floor<days>(from);
  seconds time = from - day;
  while (LocalSeconds(day) < limit) {
    year_month_day date{day};
    if (!months_[static_cast<unsigned>(date.month())]) {
      day = local_days{(date.year() / date.month() + months(1)) / 1};
      time = seconds(0);
      continue;
    }
    if (day_matches(day)) {
      if (auto t = first_time_of_day(time)) {
        auto found = LocalSeconds(day) + *t;
        return found < limit ? std::optional(found) : std::nullopt;
      }
    }
    day += days(1);
    time = seconds(0);
  }
  return std::nullopt;
}

std::optional<LocalSeconds> Cron::last_match(LocalSeconds until, LocalSeconds limit) const {
  constexpr seconds kLastSecond = days(1) - seconds(1);
  auto day = floor<days>(until);
  seconds time = until - day;
  while (LocalSeconds(day) + kLastSecond >= limit) {
    year_month_day date{day};
    if (!months_[static_cast<unsigned>(date.month())]) {
      day = local_days{date.year() / date.month() / 1} - days(1);
      time = kLastSecond;
      continue;
    }
    if (day_matches(day)) {
      if (auto t = last_time_of_day(time)) {
        auto found = LocalSeconds(day) + *t;
        return found >= limit ? std::optional(found) : std::nullopt;
      }
    }
    day -= days(1);
    time = kLastSecond;
  }
  return std::nullopt;
}

namespace {
constexpr auto kHorizon = days(36525);  // a hundred years, as cron-utils searches
LocalSeconds to_local(SysSeconds t, seconds offset) { return LocalSeconds((t + offset).time_since_epoch()); }
SysSeconds to_sys(LocalSeconds t, seconds offset) { return SysSeconds(t.time_since_epoch() - offset); }
}  // namespace

// Walks the zone's stretches of constant offset: within one, local time and UTC move
// together, so the first matching local time is the first matching instant. Local times
// skipped by a spring-forward belong to no stretch and never match.
std::optional<SysSeconds> Cron::first_after(SysSeconds after, const TimeZone& zone) const {
  SysSeconds t = after + seconds(1);
  const SysSeconds horizon = t + kHorizon;
  while (t < horizon) {
    auto period = zone.period_at(t);
    auto end = std::min(period.end, horizon);
    if (auto local = first_match(to_local(t, period.offset), to_local(end, period.offset)))
      return to_sys(*local, period.offset);
    t = end;
  }
  return std::nullopt;
}

std::optional<TimePoint> Cron::next(TimePoint after, const TimeZone& zone) const {
  auto base = floor<seconds>(after);
  auto found = first_after(base, zone);
  if (!found) return std::nullopt;
  // cron-utils (issue #446): after a date, the repeat of a fall-back hour only fires for
  // schedules that fire again within two hours; others skip an hour past the date.
  bool after_a_date = base == after && matches(to_local(base, zone.offset_at(base)));
  if (after_a_date && zone.offset_at(*found) < zone.offset_at(base)) {
    auto following = first_after(*found, zone);
    if (following && *following - *found >= hours(2)) found = first_after(base + hours(1), zone);
  }
  return found ? std::optional<TimePoint>(*found) : std::nullopt;
}

std::optional<TimePoint> Cron::previous(TimePoint before, const TimeZone& zone) const {
  SysSeconds t = ceil<seconds>(before) - seconds(1);
  const SysSeconds horizon = t - kHorizon;
  while (t > horizon) {
    auto period = zone.period_at(t);
    auto begin = std::max(period.begin, horizon);
    if (auto local = last_match(to_local(t, period.offset), to_local(begin, period.offset)))
      return TimePoint(to_sys(*local, period.offset));
    t = begin - seconds(1);
  }
  return std::nullopt;
}

}  // namespace runwatch
