// Storage URIs on any text: refused with a UTF-8 message, or a path that stays under the
// storage's base folder and reads back as itself.
#include <filesystem>

#include "fuzz_support.h"
#include "runwatch/model/error.h"
#include "runwatch/storage/local_storage.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runwatch;
  try {
    auto uri = storage::StorageUri::parse(fuzz::as_text(data, size));
    fuzz::require(storage::StorageUri::parse(uri.text()).path() == uri.path(), "a URI reads back as itself");
    const std::filesystem::path base = "/base";
    auto path = (base / uri.path()).lexically_normal();
    auto relative = path.lexically_relative(base);
    fuzz::require(!relative.empty() && *relative.begin() != "..", "a URI stays under the base");
    fuzz::require(path.string().find('\0') == std::string::npos, "a path holds no NUL");
  } catch (const Error& e) {
    fuzz::require_utf8(e.what(), "a storage URI error is UTF-8");
  }
  return 0;
}
