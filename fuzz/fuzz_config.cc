// application.yml on any text: a configuration or a ConfigError whose issues are UTF-8.
#include "fuzz_support.h"
#include "runwatch/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runwatch;
  try {
    load_config(std::string(fuzz::as_text(data, size)), "application.yml", {});
  } catch (const ConfigError& e) {
    fuzz::require_utf8(e.what(), "a configuration error is UTF-8");
  }
  return 0;
}
