// The flow loader on any text: a flow or issues, each issue positioned and UTF-8;
// never a crash, a hang or an exception of another type.
#include "fuzz_support.h"
#include "runwatch/engine.h"
#include "runwatch/flow/loader.h"
#include "runwatch/tasks/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runwatch;
  auto result = load_flow(fuzz::as_text(data, size), "fuzz.yaml", {PluginRegistry::global(), &Engine::templates()});
  bool any_error = false;
  for (const auto& issue : result.issues) {
    fuzz::require_utf8(issue.to_string(), "an issue is UTF-8");
    fuzz::require(issue.line >= 0 && issue.column >= 0, "an issue's position is not negative");
    any_error = any_error || issue.severity == ValidationIssue::Severity::Error;
  }
  fuzz::require(result.ok() != any_error, "a flow exactly when there is no error");
  return 0;
}
