#include "runwatch/condition/zoned_time.h"

#include <cctype>
#include <optional>
#include <string>

#include "runwatch/expr/date_format.h"
#include "runwatch/model/error.h"

namespace runwatch {
namespace {

using namespace std::chrono;

// Reads ISO-8601 pieces left to right; every read returns false on a mismatch.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool done() const { return pos_ == text_.size(); }
  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool take(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  bool number(int digits, int& out) {
    if (pos_ + digits > text_.size()) return false;
    out = 0;
    for (int i = 0; i < digits; ++i) {
      char c = text_[pos_ + i];
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      out = out * 10 + (c - '0');
    }
    pos_ += digits;
    return true;
  }

  bool date(year_month_day& out) {
    int y, m, d;
    if (!number(4, y) || !take('-') || !number(2, m) || !take('-') || !number(2, d)) return false;
    out = year{y} / month{static_cast<unsigned>(m)} / day{static_cast<unsigned>(d)};
    return out.ok();
  }

  // HH:MM[:SS[.fraction]]
  bool time(nanoseconds& out) {
    int h, m, s = 0;
    if (!number(2, h) || !take(':') || !number(2, m) || h > 23 || m > 59) return false;
    out = hours{h} + minutes{m};
    if (!take(':')) return true;
    if (!number(2, s) || s > 59) return false;
    out += seconds{s};
    if (!take('.')) return true;
    long long scale = 100'000'000, fraction = 0;
    int digits = 0;
    for (int d; digits < 9 && number(1, d); ++digits, scale /= 10) fraction += d * scale;
    out += nanoseconds{fraction};
    return digits > 0;
  }

  // Z or +HH:MM[:SS]
  bool offset(seconds& out) {
    if (take('Z')) {
      out = seconds{0};
      return true;
    }
    int sign = take('+') ? 1 : (take('-') ? -1 : 0);
    int h, m, s = 0;
    if (sign == 0 || !number(2, h) || !take(':') || !number(2, m) || h > 18 || m > 59) return false;
    if (take(':') && (!number(2, s) || s > 59)) return false;
    out = seconds{sign * (h * 3600 + m * 60 + s)};
    return true;
  }

  // [zone id] up to the end of the text
  bool zone(std::string_view& out) {
    if (!take('[')) return false;
    auto end = text_.find(']', pos_);
    if (end != text_.size() - 1) return false;
    out = text_.substr(pos_, end - pos_);
    pos_ = text_.size();
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

[[noreturn]] void invalid(std::string_view what, std::string_view text) {
  throw Error("invalid " + std::string(what) + " '" + std::string(text) + "'");
}

}  // namespace

year_month_day ZonedDateTime::local_date() const { return year_month_day{floor<days>(instant + offset)}; }

nanoseconds ZonedDateTime::offset_time() const {
  auto local = instant + offset;
  return duration_cast<nanoseconds>(local - floor<days>(local)) - offset;
}

ZonedDateTime parse_zoned_date_time(std::string_view text) {
  Scanner scan(text);
  year_month_day date;
  nanoseconds time;
  seconds offset;
  if (!scan.date(date) || !scan.take('T') || !scan.time(time) || !scan.offset(offset))
    invalid("zoned date-time", text);
  auto instant = instant_at(sys_days{date} - offset, time);
  if (!instant)
    throw Error("zoned date-time '" + std::string(text) + "' is outside the dates supported, from " +
                std::string(kInstantRange));
  ZonedDateTime out{*instant, offset};
  if (std::string_view zone; !scan.done()) {
    if (!scan.zone(zone)) invalid("zoned date-time", text);
    try {
      out.offset = expr::parse_zone(zone).offset;  // the instant stays, seen from the zone
    } catch (const std::invalid_argument& e) {
      throw Error("unsupported time zone in '" + std::string(text) + "': " + e.what());
    }
  }
  return out;
}

year_month_day parse_local_date(std::string_view text) {
  Scanner scan(text);
  year_month_day date;
  if (scan.date(date) && scan.done()) return date;
  return parse_zoned_date_time(text).local_date();
}

nanoseconds parse_offset_time(std::string_view text) {
  Scanner scan(text);
  nanoseconds time;
  seconds offset;
  if (!scan.time(time) || !scan.offset(offset) || !scan.done()) invalid("time with offset", text);
  return time - offset;
}

}  // namespace runwatch
