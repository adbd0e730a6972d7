// The template compiler and renderer on any text: a result or a TemplateError /
// RenderError with a UTF-8 message, within the render budget.
#include <chrono>

#include "fuzz_support.h"
#include "runwatch/expr/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runwatch;
  using namespace runwatch::expr;
  static const Value variables = {
      {"inputs", {{"name", "caf\u00e9"}, {"count", 3}, {"items", Value::array({1, "two", 3.5, nullptr})}}},
      {"execution", {{"id", "6Mh1qUNyh2pQWnOdtlokIS"}, {"state", "FAILED"}}},
      {"labels", {{"team", "data"}}},
  };
  static const Functions functions = builtin_functions();
  std::shared_ptr<const Template> compiled;
  try {
    compiled = Template::compile(fuzz::as_text(data, size));
  } catch (const TemplateError& e) {
    fuzz::require_utf8(e.what(), "a compile error is UTF-8");
    return 0;
  }
  for (auto context : {OutputContext::Text, OutputContext::JsonDocument}) {
    try {
      compiled->render(variables, functions, context, RenderOptions::within(std::chrono::seconds(2)));
    } catch (const RenderError& e) {
      fuzz::require_utf8(e.what(), "a render error is UTF-8");
    }
  }
  return 0;
}
