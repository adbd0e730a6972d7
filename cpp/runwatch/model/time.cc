#include "runwatch/model/time.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace runwatch {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

// Reads a decimal number with an optional fraction; returns the value in units of
// `scale` (nanoseconds per unit). Advances `pos`.
std::optional<long double> read_number(std::string_view s, size_t& pos) {
  size_t start = pos;
  while (pos < s.size() && (std::isdigit(static_cast<unsigned char>(s[pos])) || s[pos] == '.' || s[pos] == ','))
    ++pos;
  if (pos == start) return std::nullopt;
  std::string digits(s.substr(start, pos - start));
  for (auto& c : digits)
    if (c == ',') c = '.';
  if (digits.find('.') != digits.rfind('.')) return std::nullopt;
  try {
    size_t used = 0;
    long double v = std::stold(digits, &used);
    if (used != digits.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative = text[pos++] == '-';
  if (pos >= text.size() || std::toupper(static_cast<unsigned char>(text[pos])) != 'P') return std::nullopt;
  ++pos;
  long double nanos = 0;
  bool in_time = false, any = false;
  while (pos < text.size()) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[pos])));
    if (c == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      ++pos;
      continue;
    }
    auto number = read_number(text, pos);
    if (!number || pos >= text.size()) return std::nullopt;
    char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text[pos++])));
    long double scale = 0;
    if (!in_time && unit == 'D') scale = 86400e9L;
    else if (!in_time && unit == 'W') scale = 7 * 86400e9L;
    else if (in_time && unit == 'H') scale = 3600e9L;
    else if (in_time && unit == 'M') scale = 60e9L;
    else if (in_time && unit == 'S') scale = 1e9L;
    else return std::nullopt;
    nanos += *number * scale;
    any = true;
  }
  if (!any) return std::nullopt;
  auto d = duration_cast<Duration>(std::chrono::nanoseconds(static_cast<long long>(nanos + 0.5L)));
  return negative ? -d : d;
}

std::string format_duration(Duration d) {
  auto us = duration_cast<microseconds>(d).count();
  std::string out = us < 0 ? "-PT" : "PT";
  if (us < 0) us = -us;
  long long hours = us / 3'600'000'000LL;
  long long minutes = (us / 60'000'000LL) % 60;
  long long micros = us % 60'000'000LL;
  if (hours) out += std::to_string(hours) + "H";
  if (minutes) out += std::to_string(minutes) + "M";
  if (micros || (!hours && !minutes)) {
    out += std::to_string(micros / 1'000'000);
    if (long long frac = micros % 1'000'000) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%06lld", frac);
      std::string f(buf);
      while (!f.empty() && f.back() == '0') f.pop_back();
      out += "." + f;
    }
    out += "S";
  }
  return out;
}

std::string format_instant(TimePoint t) {
  using namespace std::chrono;
  const sys_time<microseconds> tp{duration_cast<microseconds>(t.time_since_epoch())};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<microseconds> hms{tp - day};
  char buf[40];
  char* p = buf;
  auto put = [&p](long long v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
    p += width;
  };
  int y = static_cast<int>(ymd.year());
  if (y < 0) {
    *p++ = '-';
    y = -y;
  }
  put(y, y > 9999 ? 5 : 4);
  *p++ = '-';
  put(static_cast<unsigned>(ymd.month()), 2);
  *p++ = '-';
  put(static_cast<unsigned>(ymd.day()), 2);
  *p++ = 'T';
  put(hms.hours().count(), 2);
  *p++ = ':';
  put(hms.minutes().count(), 2);
  *p++ = ':';
  put(hms.seconds().count(), 2);
  // As Java's Instant.toString: milliseconds when they suffice, else microseconds.
  if (long long frac = hms.subseconds().count()) {
    *p++ = '.';
    if (frac % 1000 == 0) put(frac / 1000, 3);
    else put(frac, 6);
  }
  *p++ = 'Z';
  return std::string(buf, p);
}

std::optional<TimePoint> parse_instant(std::string_view text) {
  auto parts = parse_instant_parts(text);
  if (!parts) return std::nullopt;
  return instant_at(parts->seconds, parts->fraction);
}

std::optional<InstantParts> parse_instant_parts(std::string_view text) {
  // YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM)
  int y, mo, d, h, mi;
  int consumed = 0;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[Tt ]%2d:%2d%n", &y, &mo, &d, &h, &mi, &consumed) != 5)
    return std::nullopt;
  if (consumed != 16) return std::nullopt;
  size_t pos = 16;
  int sec = 0;
  long long micros = 0;
  if (pos < s.size() && s[pos] == ':') {
    if (pos + 3 > s.size() || !std::isdigit(static_cast<unsigned char>(s[pos + 1])) ||
        !std::isdigit(static_cast<unsigned char>(s[pos + 2])))
      return std::nullopt;
    sec = (s[pos + 1] - '0') * 10 + (s[pos + 2] - '0');
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      long long scale = 100000;
      size_t start = pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        micros += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
  }
  long long offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0, n = 0;
    if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5) return std::nullopt;
    offset_seconds = (oh * 3600LL + om * 60LL) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return InstantParts{sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - seconds{offset_seconds},
                      microseconds{micros}};
}

namespace {

std::optional<TimePoint> in_range(long long nanos) {
  TimePoint t{Duration(nanos)};
  if (t < kEarliestInstant || t > kLatestInstant) return std::nullopt;
  return t;
}

}  // namespace

std::optional<TimePoint> instant_at(std::chrono::sys_seconds seconds, std::chrono::nanoseconds within) {
  long long nanos;
  if (__builtin_mul_overflow(seconds.time_since_epoch().count(), 1'000'000'000LL, &nanos) ||
      __builtin_add_overflow(nanos, within.count(), &nanos))
    return std::nullopt;
  return in_range(nanos);
}

std::optional<TimePoint> instant_after(TimePoint t, Duration unit, long long amount) {
  long long delta, nanos;
  if (__builtin_mul_overflow(unit.count(), amount, &delta) ||
      __builtin_add_overflow(t.time_since_epoch().count(), delta, &nanos))
    return std::nullopt;
  return in_range(nanos);
}

double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace runwatch
