#pragma once
// The filters of `value | name(args)`: Pebble's core ones as Kestra configures them and
// Kestra's own. Each declares its argument names so positional and named arguments are
// matched once, when the template compiles.
#include <span>
#include <string_view>
#include <vector>

#include "runwatch/model/value.h"

namespace runwatch::expr {

// The arguments of one call, in declaration order; an absent one is a discarded Value.
class FilterArgs {
 public:
  explicit FilterArgs(std::span<const Value> values) : values_(values) {}
  bool has(size_t i) const { return i < values_.size() && !values_[i].is_discarded(); }
  // The argument, or null when absent.
  const Value& operator[](size_t i) const;

 private:
  std::span<const Value> values_;
};

// Throws std::invalid_argument with a message for the user.
using FilterFn = Value (*)(const Value& input, const FilterArgs& args);

struct FilterDef {
  std::string_view name;
  std::vector<std::string_view> arguments;
  FilterFn apply;
  bool accepts_undefined = false;  // `default`: an undefined input is null, not an error
};

const FilterDef* find_filter(std::string_view name);

// The groups of filters, each in its own file.
void add_text_filters(std::vector<FilterDef>& filters);
void add_collection_filters(std::vector<FilterDef>& filters);
void add_date_filters(std::vector<FilterDef>& filters);
void add_encoding_filters(std::vector<FilterDef>& filters);

}  // namespace runwatch::expr
