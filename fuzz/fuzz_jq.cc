// The jq filter's language on any text: the first line is the program, the rest the input
// (JSON, or null when it is not). A program compiles or is refused with a UTF-8 message;
// a run gives outputs or a runtime error or stops at its work limit, never hangs or crashes.
#include <stdexcept>

#include "fuzz_support.h"
#include "runwatch/expr/jq.h"
#include "runwatch/model/json_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runwatch;
  const std::string_view text = fuzz::as_text(data, size);
  const size_t newline = text.find('\n');
  const std::string_view program = text.substr(0, newline);
  Value input = newline == std::string_view::npos ? Value() : parse_json_or_discarded(text.substr(newline + 1));
  if (input.is_discarded()) input = nullptr;
  std::optional<expr::JqProgram> compiled;
  try {
    compiled = expr::JqProgram::compile(program);
  } catch (const std::invalid_argument& e) {
    fuzz::require_utf8(e.what(), "a compile error is UTF-8");
    return 0;
  }
  try {
    for (const Value& output : compiled->run(input)) dump_json(output);
  } catch (const std::invalid_argument& e) {
    fuzz::require_utf8(e.what(), "a runtime error is UTF-8");
  } catch (const std::length_error& e) {
    fuzz::require_utf8(e.what(), "a limit error is UTF-8");
  }
  return 0;
}
