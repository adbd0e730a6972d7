#include "runwatch/trigger/posix_tz.h"

#include <cctype>
#include <optional>

namespace runwatch {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::seconds;

// When in the year a DST period starts or ends, in the local time then in force.
struct RuleDate {
  enum class Kind { MonthWeekDay, JulianNoLeap, ZeroBasedDay } kind = Kind::MonthWeekDay;
  int month = 0, week = 0, weekday = 0;  // Mm.w.d: week 5 is the last one
  int day = 0;                           // Jn (1-365, no Feb 29) or n (0-365)
  seconds time = hours(2);

  std::chrono::local_seconds in(int year) const {
    using namespace std::chrono;
    local_days date;
    if (kind == Kind::MonthWeekDay) {
      local_days first{std::chrono::year{year} / month / 1};
      auto shift = (std::chrono::weekday{static_cast<unsigned>(weekday)} - std::chrono::weekday{first}).count();
      date = first + days(shift + 7 * (week - 1));
      while (year_month_day{date}.month() != std::chrono::month{static_cast<unsigned>(month)}) date -= days(7);
    } else {
      local_days january{std::chrono::year{year} / 1 / 1};
      bool skip_leap_day = kind == Kind::JulianNoLeap && std::chrono::year{year}.is_leap() && day >= 60;
      date = january + days(kind == Kind::JulianNoLeap ? day - 1 + (skip_leap_day ? 1 : 0) : day);
    }
    return local_seconds(date) + time;
  }
};

class PosixRule final : public OffsetRule {
 public:
  PosixRule(seconds standard, std::optional<seconds> daylight, RuleDate start, RuleDate end)
      : standard_(standard), daylight_(daylight), start_(start), end_(end) {}

  std::vector<OffsetTransition> transitions(int year) const override {
    if (!daylight_) return {};
    OffsetTransition starts{SysSeconds((start_.in(year) - standard_).time_since_epoch()), *daylight_};
    OffsetTransition ends{SysSeconds((end_.in(year) - *daylight_).time_since_epoch()), standard_};
    if (ends.at < starts.at) return {ends, starts};  // southern hemisphere
    return {starts, ends};
  }
  seconds standard_offset() const override { return standard_; }

 private:
  seconds standard_;
  std::optional<seconds> daylight_;
  RuleDate start_, end_;
};

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  bool done() const { return pos_ == text_.size(); }
  bool take(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool peek_digit_or_sign() const {
    return pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '+' ||
                                   text_[pos_] == '-');
  }

  // "CET" or "<+0530>".
  bool name() {
    if (take('<')) {
      auto close = text_.find('>', pos_);
      if (close == std::string_view::npos) return false;
      pos_ = close + 1;
      return true;
    }
    size_t start = pos_;
    while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return pos_ - start >= 3;
  }

  std::optional<int> number() {
    size_t start = pos_;
    int value = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])) && pos_ - start < 4)
      value = value * 10 + (text_[pos_++] - '0');
    if (pos_ == start) return std::nullopt;
    return value;
  }

  // [+-]hh[:mm[:ss]]
  std::optional<seconds> time() {
    int sign = take('-') ? -1 : (take('+'), 1);
    auto h = number();
    if (!h) return std::nullopt;
    seconds total = hours(*h);
    for (int unit : {60, 1}) {
      if (!take(':')) break;
      auto part = number();
      if (!part) return std::nullopt;
      total += seconds(*part * unit);
    }
    return sign * total;
  }

  std::optional<RuleDate> date() {
    RuleDate d;
    if (take('M')) {
      auto m = number();
      if (!m || !take('.')) return std::nullopt;
      auto w = number();
      if (!w || !take('.')) return std::nullopt;
      auto wd = number();
      if (!wd || *m < 1 || *m > 12 || *w < 1 || *w > 5 || *wd > 6) return std::nullopt;
      d.month = *m, d.week = *w, d.weekday = *wd;
    } else {
      d.kind = take('J') ? RuleDate::Kind::JulianNoLeap : RuleDate::Kind::ZeroBasedDay;
      auto n = number();
      if (!n || *n > 365) return std::nullopt;
      d.day = *n;
    }
    if (take('/')) {
      auto t = time();
      if (!t) return std::nullopt;
      d.time = *t;
    }
    return d;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::shared_ptr<const OffsetRule> parse_posix_tz(std::string_view text) {
  Reader in(text);
  if (!in.name()) return nullptr;
  auto west = in.time();  // POSIX offsets count hours west of Greenwich
  if (!west) return nullptr;
  seconds standard = -*west;
  if (in.done()) return std::make_shared<PosixRule>(standard, std::nullopt, RuleDate{}, RuleDate{});
  if (!in.name()) return nullptr;
  seconds daylight = standard + hours(1);
  if (in.peek_digit_or_sign()) {
    auto dst_west = in.time();
    if (!dst_west) return nullptr;
    daylight = -*dst_west;
  }
  if (!in.take(',')) return nullptr;  // no default DST rule: tzdata always writes one
  auto start = in.date();
  if (!start || !in.take(',')) return nullptr;
  auto end = in.date();
  if (!end || !in.done()) return nullptr;
  return std::make_shared<PosixRule>(standard, daylight, *start, *end);
}

}  // namespace runwatch
