#pragma once
// The schemas of Kestra's trigger types (Flow, Schedule, Webhook).
#include <vector>

#include "runwatch/model/schema.h"

namespace runwatch {
std::vector<TypeSchema> trigger_schemas();
}
