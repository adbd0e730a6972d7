#pragma once
// Users' regular expressions (input validators, template filters, precondition REGEX
// filters), on RE2: time linear in the text and no recursion per character, so neither
// a pattern nor a subject from a user can crash or hang the engine. Java's syntax as far
// as RE2 speaks it: what needs backtracking (backreferences, lookaround, possessive
// quantifiers) is refused when the pattern is compiled, with RE2's reason. The only
// user of RE2.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace runwatch::regex {

struct Span {
  size_t start = 0;
  size_t end = 0;
};

class Pattern {
 public:
  // The compiled pattern, or null with the reason in `error`.
  static std::shared_ptr<const Pattern> compile(std::string_view pattern, std::string* error);
  // The same from a cache shared by every thread (patterns rendered at run time, such as
  // a validator or a replace filter's, compile once); bounded, it forgets when full.
  static std::shared_ptr<const Pattern> cached(std::string_view pattern, std::string* error);
  ~Pattern();

  // Java's String.matches: the whole text.
  bool full_match(std::string_view text) const;
  // The whole text's capture groups (group 0 first; an unmatched group is empty), or nullopt.
  std::optional<std::vector<std::string>> full_match_groups(std::string_view text) const;
  // Every match, left to right, not overlapping; an empty match advances one character.
  // Past kMaxCollectionSize matches (replace_all: a result past kMaxTextBytes), std::length_error.
  std::vector<Span> find_all(std::string_view text) const;
  // Java's Matcher.replaceAll: `$n` and `${name}` insert a group, `\` quotes the next
  // character. Throws std::invalid_argument for a replacement naming a missing group.
  std::string replace_all(std::string_view text, std::string_view replacement) const;

 private:
  explicit Pattern(std::unique_ptr<re2::RE2> re);
  std::unique_ptr<re2::RE2> re_;
};

// Empty when `pattern` compiles; else why not.
std::string pattern_error(std::string_view pattern);

}  // namespace runwatch::regex
