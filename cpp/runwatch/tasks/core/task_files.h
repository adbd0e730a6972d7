#pragma once
// A task run's files in Kestra's internal storage: the files of a working directory a task
// (a script, LocalFiles, a WorkingDirectory) gives as its outputs.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "runwatch/model/value.h"
#include "runwatch/storage/local_storage.h"
#include "runwatch/tasks/run_context.h"

namespace runwatch {

// The task run's folder in the storage (.../tasks/<task slug>/<taskRunId>), and a file in
// it; throws Error (Malformed) for a relative path the storage refuses.
storage::StorageUri task_run_folder(const TaskIdentity& run);
storage::StorageUri task_run_file(const TaskIdentity& run, std::string_view relative_path);

// Stores the files under `directory` whose relative names match a glob of `patterns` (the
// list of the property `property`) under the task run's storage path; file name ->
// kestra:/// URI. Links are not followed; past kMaxWalkedFiles entries the walk stops and
// `warn` says so. Throws TaskFailure for a name storage refuses.
Value store_matching_files(const storage::LocalStorage& storage, const TaskIdentity& run,
                           const std::filesystem::path& directory, const Value& patterns, std::string_view property,
                           const std::function<void(const std::string&)>& warn);

}  // namespace runwatch
