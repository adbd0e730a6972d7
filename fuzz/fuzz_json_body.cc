// JSON request bodies: parsed within the depth bound or refused; whatever parses is
// written back without throwing, and reads back as the same value.
#include "fuzz_support.h"
#include "runwatch/model/json_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runwatch;
  Value value = parse_json_or_discarded(fuzz::as_text(data, size));
  if (value.is_discarded()) return 0;
  std::string written = dump_json(value);
  fuzz::require_utf8(written, "written JSON is UTF-8");
  Value again = parse_json_or_discarded(written);
  fuzz::require(!again.is_discarded(), "written JSON parses");
  fuzz::require(dump_json(again) == written, "written JSON reads back the same");
  return 0;
}
