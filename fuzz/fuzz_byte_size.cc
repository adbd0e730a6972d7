// Byte sizes (a Split's `bytes`, the server's max sizes) on any text: refused, or a size
// of at most kMaxByteSize whose digits are the text's own.
#include <string>

#include "fuzz_support.h"
#include "runwatch/model/byte_size.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runwatch;
  const std::string_view text = fuzz::as_text(data, size);
  if (auto bytes = parse_byte_size(text)) {
    fuzz::require(*bytes >= 0 && *bytes <= kMaxByteSize, "a size is within 0 and 1 TB");
    const std::string digits(text.substr(0, text.find_first_not_of("0123456789")));
    fuzz::require(!digits.empty(), "a size starts with digits");
    const long long number = std::stoll(digits);  // at most 1 TB: it fits
    fuzz::require(number == 0 ? *bytes == 0 : *bytes % number == 0, "a size is its number times a unit");
  }
  return 0;
}
