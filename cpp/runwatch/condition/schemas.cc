// Placeholder until the condition schemas land.
#include "runwatch/condition/schemas.h"
namespace runwatch {
std::vector<TypeSchema> condition_schemas() { return {}; }
}
