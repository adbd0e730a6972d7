// Placeholder until the core tasks land.
#include "runwatch/tasks/builtin.h"
namespace runwatch {
void register_core_tasks(PluginRegistry&) {}
}
