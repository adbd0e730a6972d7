#pragma once
// The `jq` filter's language. Kestra runs jackson-jq (jq 1.6); runwatch implements the
// part of jq that flows use to pick and reshape JSON: paths (`.a.b`, `.[0]`, `.[1:3]`,
// `.[]`, `..`, `?`), `|`, `,`, `//`, `if ... then ... else ... end`, array and object
// construction, comparison, `and` / `or`, arithmetic and the builtins the README
// lists. Anything else (variables, `def`, `reduce`, string interpolation,
// assignment) is refused when the program compiles, saying what and at which column.
#include <memory>
#include <string_view>
#include <vector>

#include "runwatch/model/value.h"

namespace runwatch::expr {

namespace jq {
struct Node;
}

inline constexpr size_t kMaxJqProgramBytes = 4096;
// Levels of the parser's recursion and of the compiled tree (`.a.b.c` is three).
inline constexpr size_t kMaxJqNesting = 256;
// Work units per run: an evaluation step or a value element copied. Past it the run
// fails rather than running for minutes (`[.[], .[]] | [.[], .[]] | ...` doubles each stage).
inline constexpr size_t kMaxJqWork = 10'000'000;

class JqProgram {
 public:
  // Throws std::invalid_argument "jq: <what> at column <n>".
  static JqProgram compile(std::string_view text);

  // Every output of the program on `input`, in order. A runtime error (indexing a number,
  // adding a string to an object...) throws std::invalid_argument; too much work or a
  // result past the size limits throws std::length_error.
  std::vector<Value> run(const Value& input, size_t max_work = kMaxJqWork) const;

 private:
  explicit JqProgram(std::shared_ptr<const jq::Node> root) : root_(std::move(root)) {}
  std::shared_ptr<const jq::Node> root_;
};

}  // namespace runwatch::expr
