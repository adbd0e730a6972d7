// Conditions on a date, by default the trigger's: DayWeek, DayWeekInMonth, Weekend,
// TimeBetween and DateTimeBetween, after Kestra's io.kestra.plugin.core.condition.*.
#include <array>

#include "runwatch/condition/condition_types.h"
#include "runwatch/condition/zoned_time.h"

namespace runwatch {
namespace {

using namespace std::chrono;

constexpr std::string_view kTriggerDate = "{{ trigger.date }}";

// The `date` property: the trigger's date (in its schedule's zone) unless another text
// is given, which is rendered and parsed when the condition is evaluated.
class DateToTest {
 public:
  explicit DateToTest(const ConditionDef& d) {
    const auto& value = property(d, "date");
    if (value.is_string() && value.get<std::string>() != kTriggerDate) text_.emplace(d, "date", value.get<std::string>());
  }
  ZonedDateTime zoned(const ConditionInput& input) const {
    return text_ ? parse_zoned_date_time(text_->render(input)) : ZonedDateTime{input.date, input.date_offset};
  }
  year_month_day local_date(const ConditionInput& input) const {
    return text_ ? parse_local_date(text_->render(input)) : ZonedDateTime{input.date, input.date_offset}.local_date();
  }

 private:
  std::optional<TextTemplate> text_;
};

// A property read from a constant (checked when compiled) or a template (read when the
// condition is evaluated). `read` throws Error for a text it does not accept.
template <typename T>
class Parsed {
 public:
  using Reader = T (*)(std::string_view);
  enum Presence { Optional, Required };
  Parsed(const ConditionDef& d, std::string_view name, Reader read, Presence presence = Optional) : read_(read) {
    if (property(d, name).is_null()) {
      if (presence == Required) throw_property_error(d, name, "missing");
      return;
    }
    text_.emplace(d, name, text_property(d, name));
    if (!text_->is_constant()) return;
    try {
      constant_ = read(text_->text());
    } catch (const Error& e) {
      throw_property_error(d, name, e.what());
    }
  }
  bool given() const { return text_.has_value(); }
  T value(const ConditionInput& input) const { return constant_ ? *constant_ : read_(text_->render(input)); }

 private:
  Reader read_;
  std::optional<TextTemplate> text_;
  std::optional<T> constant_;
};

weekday read_day_of_week(std::string_view name) {
  static constexpr std::array<std::string_view, 7> names = {"SUNDAY",   "MONDAY", "TUESDAY", "WEDNESDAY",
                                                            "THURSDAY", "FRIDAY", "SATURDAY"};
  for (unsigned i = 0; i < names.size(); ++i)
    if (names[i] == name) return weekday{i};
  throw Error("'" + std::string(name) + "' is not a day of the week (MONDAY ... SUNDAY)");
}

enum class DayInMonth { FIRST, SECOND, THIRD, FOURTH, LAST };

DayInMonth read_day_in_month(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, DayInMonth>, 5> names = {
      {{"FIRST", DayInMonth::FIRST},
       {"SECOND", DayInMonth::SECOND},
       {"THIRD", DayInMonth::THIRD},
       {"FOURTH", DayInMonth::FOURTH},
       {"LAST", DayInMonth::LAST}}};
  for (const auto& [text, value] : names)
    if (text == name) return value;
  throw Error("'" + std::string(name) + "' is not one of FIRST, SECOND, THIRD, FOURTH, LAST");
}

weekday weekday_of(const year_month_day& date) { return weekday{sys_days{date}}; }

class DayWeek final : public CompiledCondition {
 public:
  explicit DayWeek(const ConditionDef& d)
      : CompiledCondition(d), date_(d), day_of_week_(d, "dayOfWeek", read_day_of_week, Parsed<weekday>::Required) {}

 protected:
  bool test(const ConditionInput& input) const override {
    return weekday_of(date_.local_date(input)) == day_of_week_.value(input);
  }

 private:
  DateToTest date_;
  Parsed<weekday> day_of_week_;
};

// The date is the first (second, ...) or the last such weekday of its month, as Kestra's
// TemporalAdjusters.firstInMonth(...).plusWeeks(n) and lastInMonth(...) compute it.
class DayWeekInMonth final : public CompiledCondition {
 public:
  explicit DayWeekInMonth(const ConditionDef& d)
      : CompiledCondition(d),
        date_(d),
        day_of_week_(d, "dayOfWeek", read_day_of_week, Parsed<weekday>::Required),
        day_in_month_(d, "dayInMonth", read_day_in_month, Parsed<DayInMonth>::Required) {}

 protected:
  bool test(const ConditionInput& input) const override {
    auto date = date_.local_date(input);
    if (weekday_of(date) != day_of_week_.value(input)) return false;
    unsigned day = static_cast<unsigned>(date.day());
    auto which = day_in_month_.value(input);
    if (which == DayInMonth::LAST) {
      auto month_end = static_cast<unsigned>((date.year() / date.month() / last).day());
      return day + 7 > month_end;
    }
    return (day - 1) / 7 == static_cast<unsigned>(which);
  }

 private:
  DateToTest date_;
  Parsed<weekday> day_of_week_;
  Parsed<DayInMonth> day_in_month_;
};

class Weekend final : public CompiledCondition {
 public:
  explicit Weekend(const ConditionDef& d) : CompiledCondition(d), date_(d) {}

 protected:
  bool test(const ConditionInput& input) const override {
    auto day = weekday_of(date_.local_date(input));
    return day == Saturday || day == Sunday;
  }

 private:
  DateToTest date_;
};

// Kestra needs `after` or `before`, and fails each evaluation without; runwatch refuses
// to compile such a condition instead.
void require_a_bound(const ConditionDef& d, bool after, bool before) {
  if (!after && !before) throw Error(d.path + ": at least one of 'after' or 'before' must be given");
}

// Strictly after `after` and strictly before `before`, times compared as OffsetTime.
class TimeBetween final : public CompiledCondition {
 public:
  explicit TimeBetween(const ConditionDef& d)
      : CompiledCondition(d), date_(d), after_(d, "after", parse_offset_time), before_(d, "before", parse_offset_time) {
    require_a_bound(d, after_.given(), before_.given());
  }

 protected:
  bool test(const ConditionInput& input) const override {
    auto time = date_.zoned(input).offset_time();
    if (after_.given() && !(time > after_.value(input))) return false;
    return !before_.given() || time < before_.value(input);
  }

 private:
  DateToTest date_;
  Parsed<nanoseconds> after_, before_;
};

// Not before `after` and not after `before`: both bounds included.
class DateTimeBetween final : public CompiledCondition {
 public:
  explicit DateTimeBetween(const ConditionDef& d)
      : CompiledCondition(d),
        date_(d),
        after_(d, "after", parse_zoned_date_time),
        before_(d, "before", parse_zoned_date_time) {
    require_a_bound(d, after_.given(), before_.given());
  }

 protected:
  bool test(const ConditionInput& input) const override {
    auto instant = date_.zoned(input).instant;
    if (after_.given() && instant < after_.value(input).instant) return false;
    return !before_.given() || instant <= before_.value(input).instant;
  }

 private:
  DateToTest date_;
  Parsed<ZonedDateTime> after_, before_;
};

}  // namespace

CompiledConditionPtr compile_day_week(const ConditionDef& d) { return std::make_unique<DayWeek>(d); }
CompiledConditionPtr compile_day_week_in_month(const ConditionDef& d) { return std::make_unique<DayWeekInMonth>(d); }
CompiledConditionPtr compile_weekend(const ConditionDef& d) { return std::make_unique<Weekend>(d); }
CompiledConditionPtr compile_time_between(const ConditionDef& d) { return std::make_unique<TimeBetween>(d); }
CompiledConditionPtr compile_date_time_between(const ConditionDef& d) { return std::make_unique<DateTimeBetween>(d); }

}  // namespace runwatch
