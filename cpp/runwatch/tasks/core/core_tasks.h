#pragma once
// The core runnable task types, one factory per type; register_core_tasks adds them all.
#include <memory>
#include <vector>

#include "runwatch/tasks/task.h"

namespace runwatch {

std::shared_ptr<const TaskType> make_log_task();
std::shared_ptr<const TaskType> make_echo_task();
std::shared_ptr<const TaskType> make_log_fetch_task();
std::shared_ptr<const TaskType> make_return_task();
std::shared_ptr<const TaskType> make_fail_task();
std::shared_ptr<const TaskType> make_output_values_task();
std::shared_ptr<const TaskType> make_sleep_task();
std::shared_ptr<const TaskType> make_labels_task();
std::shared_ptr<const TaskType> make_shell_commands_task();
std::shared_ptr<const TaskType> make_shell_script_task();
std::shared_ptr<const TaskType> make_python_script_task();
std::shared_ptr<const TaskType> make_python_commands_task();
std::shared_ptr<const TaskType> make_legacy_bash_task();
std::shared_ptr<const TaskType> make_working_directory_task();
std::shared_ptr<const TaskType> make_local_files_task();
// kv.Set, Get, Delete, GetKeys and state.Set, Get, Delete.
std::vector<std::shared_ptr<const TaskType>> make_store_tasks();
// Split and ForEachItem's split step.
std::vector<std::shared_ptr<const TaskType>> make_split_tasks();

}  // namespace runwatch
