#include "runwatch/expr/filters.h"

namespace runwatch::expr {

const Value& FilterArgs::operator[](size_t i) const {
  static const Value kNull;
  return has(i) ? values_[i] : kNull;
}

namespace {

std::vector<FilterDef> all_filters() {
  std::vector<FilterDef> filters;
  add_text_filters(filters);
  add_collection_filters(filters);
  add_date_filters(filters);
  add_encoding_filters(filters);
  return filters;
}

}  // namespace

const FilterDef* find_filter(std::string_view name) {
  static const std::vector<FilterDef> filters = all_filters();
  for (const auto& filter : filters)
    if (filter.name == name) return &filter;
  return nullptr;
}

}  // namespace runwatch::expr
