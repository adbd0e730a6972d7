#include "runwatch/expr/date_format.h"

#include <array>
#include <stdexcept>

#include "runwatch/model/json_text.h"
#include "runwatch/model/time.h"

namespace runwatch::expr {
namespace {

using namespace std::chrono;

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument(message); }

[[noreturn]] void out_of_range(std::string_view date) {
  fail("Date '" + std::string(date) + "' is outside the dates supported, from " + std::string(kInstantRange));
}

constexpr std::array<const char*, 12> kMonths = {"January", "February", "March",     "April",   "May",      "June",
                                                 "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<const char*, 7> kWeekdays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                  "Thursday", "Friday", "Saturday"};

// The named formats of Kestra's AbstractDate.
std::string_view named_pattern(std::string_view format) {
  if (format == "iso") return "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX";
  if (format == "iso_sec") return "yyyy-MM-dd'T'HH:mm:ssXXX";
  if (format == "sql") return "yyyy-MM-dd HH:mm:ss.SSSSSS";
  if (format == "sql_seq") return "yyyy-MM-dd HH:mm:ss";
  if (format == "iso_date") return "yyyy-MM-ddXXX";
  if (format == "iso_local_date") return "yyyy-MM-dd";
  if (format == "iso_local_time") return "HH:mm:ss";
  if (format == "iso_local_date_time") return "yyyy-MM-dd'T'HH:mm:ss";
  if (format == "iso_offset_date_time" || format == "iso_date_time") return "yyyy-MM-dd'T'HH:mm:ssXXX";
  return format;
}

// Wall-clock fields of an instant in a zone.
struct Fields {
  year_month_day date;
  weekday day_of_week;
  int day_of_year;
  long long hour, minute, second, nanos;
  seconds offset;
};

Fields fields_of(TimePoint t, const Zone& zone) {
  auto local = time_point_cast<nanoseconds>(t) + zone.offset;
  auto day = floor<days>(local);
  auto in_day = local - day;
  year_month_day ymd{day};
  Fields f{ymd, weekday{day}, 0, 0, 0, 0, 0, zone.offset};
  f.day_of_year = static_cast<int>((day - sys_days{ymd.year() / January / 1}).count()) + 1;
  f.hour = duration_cast<hours>(in_day).count();
  f.minute = duration_cast<minutes>(in_day).count() % 60;
  f.second = duration_cast<seconds>(in_day).count() % 60;
  f.nanos = (in_day % seconds(1)).count();
  return f;
}

std::string padded(long long value, int width) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  if (static_cast<int>(digits.size()) < width) digits.insert(0, width - digits.size(), '0');
  return value < 0 ? "-" + digits : digits;
}

// Java's X/x/Z offset forms.
std::string offset_text(seconds offset, char letter, int count) {
  if (offset.count() == 0 && (letter == 'X' || (letter == 'Z' && count == 5))) return "Z";
  long long total = offset.count();
  char sign = total < 0 ? '-' : '+';
  total = total < 0 ? -total : total;
  std::string hh = padded(total / 3600, 2), mm = padded(total / 60 % 60, 2);
  if (letter == 'Z') return count == 4 ? "GMT" + std::string(1, sign) + hh + ":" + mm
                                       : count == 5 ? std::string(1, sign) + hh + ":" + mm
                                                    : std::string(1, sign) + hh + mm;
  if (count == 1) return std::string(1, sign) + hh + (mm == "00" ? "" : mm);
  if (count == 2) return std::string(1, sign) + hh + mm;
  return std::string(1, sign) + hh + ":" + mm;
}

std::string format_field(const Fields& f, const Zone& zone, char letter, int count) {
  switch (letter) {
    case 'y':
    case 'u': {
      int year = static_cast<int>(f.date.year());
      return count == 2 ? padded(year % 100, 2) : padded(year, count);
    }
    case 'M':
    case 'L': {
      unsigned month = static_cast<unsigned>(f.date.month());
      if (count >= 4) return kMonths[month - 1];
      if (count == 3) return std::string(kMonths[month - 1]).substr(0, 3);
      return padded(month, count);
    }
    case 'd': return padded(static_cast<unsigned>(f.date.day()), count);
    case 'D': return padded(f.day_of_year, count);
    case 'E': {
      std::string name = kWeekdays[f.day_of_week.c_encoding()];
      return count >= 4 ? name : name.substr(0, 3);
    }
    case 'a': return f.hour < 12 ? "AM" : "PM";
    case 'H': return padded(f.hour, count);
    case 'k': return padded(f.hour == 0 ? 24 : f.hour, count);
    case 'K': return padded(f.hour % 12, count);
    case 'h': return padded(f.hour % 12 == 0 ? 12 : f.hour % 12, count);
    case 'm': return padded(f.minute, count);
    case 's': return padded(f.second, count);
    case 'S': return padded(f.nanos, 9).substr(0, std::min(count, 9));
    case 'n': return padded(f.nanos, count);
    case 'X':
    case 'x':
    case 'Z': return offset_text(f.offset, letter, count);
    case 'z':
    case 'V':
    case 'O': return zone.id;
    default: fail(std::string("Unknown pattern letter: ") + letter);
  }
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Calls on_field(letter, count) for pattern letters and on_literal(text) for the rest.
template <typename OnField, typename OnLiteral>
void walk_pattern(std::string_view pattern, OnField on_field, OnLiteral on_literal) {
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\'') {
      size_t end = i + 1;
      std::string literal;
      for (; end < pattern.size(); ++end) {
        if (pattern[end] != '\'') {
          literal += pattern[end];
        } else if (end + 1 < pattern.size() && pattern[end + 1] == '\'') {
          literal += '\'';
          ++end;
        } else {
          break;
        }
      }
      if (end >= pattern.size() && i + 1 != end) fail("Pattern ends with an incomplete string literal: " + std::string(pattern));
      on_literal(end == i + 1 ? std::string("'") : literal);
      i = end + 1;
    } else if (is_letter(c)) {
      size_t end = i;
      while (end < pattern.size() && pattern[end] == c) ++end;
      on_field(c, static_cast<int>(end - i));
      i = end;
    } else {
      on_literal(std::string(1, c));
      ++i;
    }
  }
}

int read_number(std::string_view text, size_t& pos, int min_digits, int max_digits) {
  size_t start = pos;
  while (pos < text.size() && pos - start < static_cast<size_t>(max_digits) && text[pos] >= '0' && text[pos] <= '9') ++pos;
  if (pos - start < static_cast<size_t>(min_digits)) fail("Text '" + std::string(text) + "' could not be parsed at index " + std::to_string(start));
  return std::stoi(std::string(text.substr(start, pos - start)));
}

TimePoint parse_with_pattern(std::string_view text, std::string_view pattern, const Zone& zone) {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  long long nanos = 0;
  std::optional<seconds> offset;
  size_t pos = 0;
  auto mismatch = [&] { fail("Text '" + std::string(text) + "' could not be parsed at index " + std::to_string(pos)); };
  walk_pattern(
      pattern,
      [&](char letter, int count) {
        switch (letter) {
          case 'y':
          case 'u': year = read_number(text, pos, count == 2 ? 2 : 4, count == 2 ? 2 : 9); if (count == 2) year += 2000; break;
          case 'M': month = read_number(text, pos, count, 2); break;
          case 'd': day = read_number(text, pos, count, 2); break;
          case 'H': hour = read_number(text, pos, count, 2); break;
          case 'm': minute = read_number(text, pos, count, 2); break;
          case 's': second = read_number(text, pos, count, 2); break;
          case 'S': {
            size_t start = pos;
            long long fraction = read_number(text, pos, count, count);
            for (size_t digits = pos - start; digits < 9; ++digits) fraction *= 10;
            nanos = fraction;
            break;
          }
          case 'X':
          case 'x':
          case 'Z': {
            if (pos < text.size() && text[pos] == 'Z') {
              ++pos;
              offset = seconds(0);
              break;
            }
            if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) mismatch();
            offset = parse_zone(text.substr(pos, count >= 3 ? 6 : count == 1 ? 3 : 5)).offset;
            pos += count >= 3 ? 6 : count == 1 ? 3 : 5;
            break;
          }
          default: fail(std::string("Unsupported pattern letter for parsing: ") + letter);
        }
      },
      [&](const std::string& literal) {
        if (text.substr(pos, literal.size()) != literal) mismatch();
        pos += literal.size();
      });
  if (pos != text.size()) mismatch();
  year_month_day ymd{std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)};
  if (!ymd.ok()) fail("Invalid date in '" + std::string(text) + "'");
  auto local = sys_days(ymd) + hours(hour) + minutes(minute) + seconds(second);
  if (auto instant = instant_at(local - offset.value_or(zone.offset), nanoseconds(nanos))) return *instant;
  out_of_range(text);
}

}  // namespace

Zone parse_zone(std::string_view id) {
  if (id == "UTC" || id == "Z" || id == "GMT" || id == "Etc/UTC" || id == "Etc/GMT" || id == "UT") return {std::string(id), seconds(0)};
  std::string_view rest = id;
  for (std::string_view prefix : {"UTC", "GMT", "UT"})
    if (rest.substr(0, prefix.size()) == prefix) {
      rest.remove_prefix(prefix.size());
      break;
    }
  if (rest.empty() || (rest[0] != '+' && rest[0] != '-'))
    fail("Unsupported time zone \"" + std::string(id) + "\": use UTC or a fixed offset such as +02:00");
  int sign = rest[0] == '-' ? -1 : 1;
  std::string digits;
  for (char c : rest.substr(1))
    if (c != ':') digits += c;
  if (digits.empty() || digits.size() > 4 || digits.find_first_not_of("0123456789") != std::string::npos)
    fail("Invalid time zone offset \"" + std::string(id) + "\"");
  int hh = digits.size() <= 2 ? std::stoi(digits) : std::stoi(digits.substr(0, digits.size() - 2));
  int mm = digits.size() <= 2 ? 0 : std::stoi(digits.substr(digits.size() - 2));
  if (hh > 18 || mm > 59) fail("Invalid time zone offset \"" + std::string(id) + "\"");
  return {std::string(id), seconds(sign * (hh * 3600 + mm * 60))};
}

std::string format_date(TimePoint t, std::string_view format, const Zone& zone) {
  if (format == "iso_instant") return format_instant(t);
  Fields fields = fields_of(t, zone);
  std::string out;
  walk_pattern(
      named_pattern(format), [&](char letter, int count) { out += format_field(fields, zone, letter, count); },
      [&](const std::string& literal) { out += literal; });
  return out;
}

TimePoint parse_date(const Value& input, const std::optional<std::string>& existing_format, const Zone& zone) {
  if (input.is_number_integer()) {
    if (auto instant = instant_at(sys_seconds(seconds(input.get<std::int64_t>())))) return *instant;
    out_of_range(dump_json(input));
  }
  if (!input.is_string()) fail("a date must be a string or epoch seconds, not " + dump_json(input));
  const auto& text = input.get_ref<const std::string&>();
  if (existing_format) return parse_with_pattern(text, named_pattern(*existing_format), zone);
  auto parts = parse_instant_parts(text);
  if (!parts) fail("Text '" + text + "' could not be parsed as a date-time with an offset");
  if (auto instant = instant_at(parts->seconds, parts->fraction)) return *instant;
  out_of_range(text);
}

TimePoint add_to_date(TimePoint t, std::int64_t amount, std::string_view unit, const Zone& zone) {
  auto leaves_range = [&] {
    fail("Adding " + std::to_string(amount) + " " + std::string(unit) + " to " + format_instant(t) +
         " leaves the dates supported, from " + std::string(kInstantRange));
  };
  auto fixed = [&](auto duration) {
    auto moved = instant_after(t, duration_cast<TimePoint::duration>(duration), amount);
    if (!moved) leaves_range();
    return *moved;
  };
  if (unit == "NANOS") return fixed(nanoseconds(1));
  if (unit == "MICROS") return fixed(microseconds(1));
  if (unit == "MILLIS") return fixed(milliseconds(1));
  if (unit == "SECONDS") return fixed(seconds(1));
  if (unit == "MINUTES") return fixed(minutes(1));
  if (unit == "HOURS") return fixed(hours(1));
  if (unit == "HALF_DAYS") return fixed(hours(12));
  if (unit == "DAYS") return fixed(days(1));
  if (unit == "WEEKS") return fixed(weeks(1));
  std::int64_t per_amount = unit == "MONTHS" ? 1 : unit == "YEARS" ? 12 : unit == "DECADES" ? 120 : 0;
  if (per_amount == 0) fail("Unsupported unit \"" + std::string(unit) + "\"");
  // Past a thousand years every date leaves the range; below it the months fit chrono's years.
  if (amount > 12'000 / per_amount || amount < -12'000 / per_amount) leaves_range();
  std::int64_t months_to_add = amount * per_amount;
  auto local = t + zone.offset;
  auto day = floor<days>(local);
  year_month_day ymd{day};
  auto shifted = ymd.year() / ymd.month() / std::chrono::day(1) + std::chrono::months(months_to_add);
  auto last = year_month_day_last(shifted.year(), month_day_last(shifted.month())).day();
  year_month_day target{shifted.year(), shifted.month(), std::min(ymd.day(), last)};
  auto moved = instant_at(sys_days(target) - zone.offset, local - day);
  if (!moved) leaves_range();
  return *moved;
}

}  // namespace runwatch::expr
