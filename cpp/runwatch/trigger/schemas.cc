// Placeholder until the trigger schemas land.
#include "runwatch/trigger/schemas.h"
namespace runwatch {
std::vector<TypeSchema> trigger_schemas() { return {}; }
}
