#pragma once
// The one dynamic value type: task properties, variables, inputs and outputs.
#include <nlohmann/json.hpp>

namespace runwatch {
using Value = nlohmann::ordered_json;
}  // namespace runwatch
