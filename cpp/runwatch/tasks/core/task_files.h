#pragma once
// A task run's files in Kestra's internal storage: the files of a working directory a task
// (a script, LocalFiles, a WorkingDirectory) gives as its outputs.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/value.h"
#include "runwatch/storage/local_storage.h"
#include "runwatch/tasks/run_context.h"

namespace runwatch {

// The task run's folder in the storage (.../tasks/<task slug>/<taskRunId>), and a file in
// it; throws Error (Malformed) for a relative path the storage refuses.
storage::StorageUri task_run_folder(const TaskIdentity& run);
storage::StorageUri task_run_file(const TaskIdentity& run, std::string_view relative_path);

// A list kept as a file of the task run, one item a line (ForEachItem's batch URIs and
// execution ids); its URI.
storage::StorageUri store_lines(const storage::LocalStorage& storage, const TaskIdentity& run, std::string_view name,
                                const std::vector<std::string>& lines);
// Such a list read back, empty lines skipped; TaskFailure past `limit` items, naming `what`.
std::vector<std::string> read_lines(const storage::LocalStorage& storage, const storage::StorageUri& uri, size_t limit,
                                    std::string_view what);

// Stores the files under `directory` whose relative names match a glob of `patterns` (the
// list of the property `property`) under the task run's storage path; file name ->
// kestra:/// URI. Links are not followed; past kMaxWalkedFiles entries the walk stops and
// `warn` says so. Throws TaskFailure for a name storage refuses.
Value store_matching_files(const storage::LocalStorage& storage, const TaskIdentity& run,
                           const std::filesystem::path& directory, const Value& patterns, std::string_view property,
                           const std::function<void(const std::string&)>& warn);

}  // namespace runwatch
