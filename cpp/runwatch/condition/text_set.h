#pragma once
// A set of strings (namespaces, flow ids) described by the tests conditions apply to
// them: equal to, starts with, ends with, and their negations, all of which must hold.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runwatch {

struct TextSet {
  std::optional<std::string> equals;
  std::string prefix;  // "" : no prefix required
  std::string suffix;  // "" : no suffix required
  std::vector<std::string> not_equal;
  std::vector<std::string> not_prefix;
  std::vector<std::string> not_suffix;

  bool operator==(const TextSet&) const = default;

  bool contains(std::string_view text) const;
  // No test at all: every string.
  bool is_any() const;

  // The strings in both; nullopt when there are none. Sets built by the factories below
  // and combined by intersect are normalized: a set is empty only if it is nullopt, so
  // emptiness is decided exactly (strings are unbounded, so only contradictions empty a set).
  static std::optional<TextSet> intersect(const TextSet& a, const TextSet& b);
  // One set per test, each being that test's negation: their union is the complement.
  std::vector<TextSet> negated_tests() const;

  static TextSet equal_to(std::string text);
  static TextSet starting_with(std::string text);
  static TextSet ending_with(std::string text);

 private:
  // Simplifies to a canonical form; false when no string satisfies every test.
  bool normalize();
};

}  // namespace runwatch
