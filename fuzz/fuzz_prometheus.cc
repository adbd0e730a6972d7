// The Prometheus text parser on any bytes: samples or a ParseError naming a line that
// exists, with a UTF-8 message; every parsed name and label is UTF-8.
#include <algorithm>

#include "fuzz_support.h"
#include "runwatch/metrics/text_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runwatch;
  auto text = fuzz::as_text(data, size);
  try {
    for (const auto& sample : metrics::parse_text(text)) {
      fuzz::require_utf8(sample.name, "a sample name is UTF-8");
      for (const auto& [label, value] : sample.labels) {
        fuzz::require_utf8(label, "a label name is UTF-8");
        fuzz::require_utf8(value, "a label value is UTF-8");
      }
    }
  } catch (const metrics::ParseError& e) {
    fuzz::require_utf8(e.what(), "a parse error is UTF-8");
    auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    fuzz::require(e.line() >= 1 && e.line() <= lines, "a parse error names a line of the text");
  }
  return 0;
}
