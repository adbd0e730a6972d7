#pragma once
// The schemas of Kestra's condition types (io.kestra.plugin.core.condition.*).
#include <vector>

#include "runwatch/model/schema.h"

namespace runwatch {
std::vector<TypeSchema> condition_schemas();
}
