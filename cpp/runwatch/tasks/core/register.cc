#include "runwatch/tasks/builtin.h"
#include "runwatch/tasks/core/core_tasks.h"
#include "runwatch/tasks/registry.h"

namespace runwatch {

void register_core_tasks(PluginRegistry& registry) {
  for (auto make :
       {make_log_task, make_echo_task, make_log_fetch_task, make_return_task, make_fail_task, make_output_values_task,
        make_sleep_task, make_labels_task, make_shell_commands_task, make_shell_script_task, make_python_script_task,
        make_python_commands_task, make_legacy_bash_task, make_working_directory_task, make_local_files_task})
    registry.add_task(make());
  for (auto& task : make_store_tasks()) registry.add_task(std::move(task));
  for (auto& task : make_split_tasks()) registry.add_task(std::move(task));
}

}  // namespace runwatch
