#include "runwatch/condition/text_set.h"

#include <algorithm>

namespace runwatch {
namespace {

template <typename T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

void sort_unique(std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

// The longer of two strings one of which extends the other; nullopt when they differ.
std::optional<std::string> longest_prefix(const std::string& a, const std::string& b) {
  if (a.starts_with(b)) return a;
  if (b.starts_with(a)) return b;
  return std::nullopt;
}
std::optional<std::string> longest_suffix(const std::string& a, const std::string& b) {
  if (a.ends_with(b)) return a;
  if (b.ends_with(a)) return b;
  return std::nullopt;
}

}  // namespace

bool TextSet::contains(std::string_view text) const {
  if (equals && text != *equals) return false;
  if (!text.starts_with(prefix) || !text.ends_with(suffix)) return false;
  for (const auto& v : not_equal)
    if (text == v) return false;
  for (const auto& p : not_prefix)
    if (text.starts_with(p)) return false;
  for (const auto& s : not_suffix)
    if (text.ends_with(s)) return false;
  return true;
}

bool TextSet::is_any() const {
  return !equals && prefix.empty() && suffix.empty() && not_equal.empty() && not_prefix.empty() && not_suffix.empty();
}

TextSet TextSet::equal_to(std::string text) {
  TextSet set;
  set.equals = std::move(text);
  return set;
}

TextSet TextSet::starting_with(std::string text) {
  TextSet set;
  set.prefix = std::move(text);
  return set;
}

TextSet TextSet::ending_with(std::string text) {
  TextSet set;
  set.suffix = std::move(text);
  return set;
}

std::optional<TextSet> TextSet::intersect(const TextSet& a, const TextSet& b) {
  TextSet out;
  if (a.equals && b.equals && *a.equals != *b.equals) return std::nullopt;
  out.equals = a.equals ? a.equals : b.equals;
  auto prefix = longest_prefix(a.prefix, b.prefix);
  auto suffix = longest_suffix(a.suffix, b.suffix);
  if (!prefix || !suffix) return std::nullopt;
  out.prefix = std::move(*prefix);
  out.suffix = std::move(*suffix);
  out.not_equal = a.not_equal;
  append(out.not_equal, b.not_equal);
  out.not_prefix = a.not_prefix;
  append(out.not_prefix, b.not_prefix);
  out.not_suffix = a.not_suffix;
  append(out.not_suffix, b.not_suffix);
  if (!out.normalize()) return std::nullopt;
  return out;
}

bool TextSet::normalize() {
  if (equals) {
    if (!contains(*equals)) return false;
    *this = equal_to(std::move(*equals));
    return true;
  }
  // Without an exact value the set is infinite unless a negation covers all of it: a
  // string made of the prefix, a character no test mentions and the suffix escapes
  // every excluded value, every excluded prefix that does not start the prefix, and
  // every excluded suffix that does not end the suffix.
  for (const auto& p : not_prefix)
    if (prefix.starts_with(p)) return false;
  for (const auto& s : not_suffix)
    if (suffix.ends_with(s)) return false;
  // Drop the negations no member can meet, so equal sets compare equal.
  std::erase_if(not_equal, [&](const std::string& v) { return !v.starts_with(prefix) || !v.ends_with(suffix); });
  std::erase_if(not_prefix, [&](const std::string& p) { return !p.starts_with(prefix); });
  std::erase_if(not_suffix, [&](const std::string& s) { return !s.ends_with(suffix); });
  sort_unique(not_equal);
  sort_unique(not_prefix);
  sort_unique(not_suffix);
  return true;
}

std::vector<TextSet> TextSet::negated_tests() const {
  std::vector<TextSet> out;
  auto add = [&](auto field, const std::string& value) {
    TextSet set;
    set.*field = value;
    out.push_back(std::move(set));
  };
  auto add_list = [&](auto field, const std::string& value) {
    TextSet set;
    (set.*field).push_back(value);
    out.push_back(std::move(set));
  };
  if (equals) add_list(&TextSet::not_equal, *equals);
  if (!prefix.empty()) add_list(&TextSet::not_prefix, prefix);
  if (!suffix.empty()) add_list(&TextSet::not_suffix, suffix);
  for (const auto& v : not_equal) add(&TextSet::equals, v);
  for (const auto& p : not_prefix) add(&TextSet::prefix, p);
  for (const auto& s : not_suffix) add(&TextSet::suffix, s);
  return out;
}

}  // namespace runwatch
