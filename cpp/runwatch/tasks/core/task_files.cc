#include "runwatch/tasks/core/task_files.h"

#include <fnmatch.h>

#include <fstream>
#include <map>
#include <sstream>

#include "runwatch/model/error.h"
#include "runwatch/model/utf8.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/task.h"

namespace runwatch {
namespace {

namespace fs = std::filesystem;

// How many entries of a working directory are looked at.
constexpr size_t kMaxWalkedFiles = 10000;

// Java's glob: `*` stays within a directory, `**` crosses them.
bool glob_matches(const std::string& pattern, const std::string& path) {
  if (::fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) == 0) return true;
  return pattern.find("**") != std::string::npos && ::fnmatch(pattern.c_str(), path.c_str(), 0) == 0;
}

std::string store_file(const storage::LocalStorage& storage, const TaskIdentity& run, const fs::path& path,
                       const std::string& name) {
  storage::StorageUri uri = [&] {
    try {
      return task_run_file(run, name);
    } catch (const Error& e) {
      throw TaskFailure("Output file '" + repair_utf8(name) + "' cannot be stored: " + e.what());
    }
  }();
  std::ifstream in(path, std::ios::binary);
  storage.put(uri, in);
  return uri.text();
}

}  // namespace

storage::StorageUri task_run_folder(const TaskIdentity& run) {
  return storage::task_run_prefix(storage::execution_prefix(run.ns, run.flow_id, run.execution_id), run.task_id,
                                  run.task_run_id);
}

storage::StorageUri task_run_file(const TaskIdentity& run, std::string_view relative_path) {
  return storage::task_file_uri(storage::execution_prefix(run.ns, run.flow_id, run.execution_id), run.task_id,
                                run.task_run_id, relative_path);
}

storage::StorageUri store_lines(const storage::LocalStorage& storage, const TaskIdentity& run, std::string_view name,
                                const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  std::istringstream in(text);
  auto uri = task_run_file(run, name);
  storage.put(uri, in);
  return uri;
}

std::vector<std::string> read_lines(const storage::LocalStorage& storage, const storage::StorageUri& uri, size_t limit,
                                    std::string_view what) {
  std::ifstream in = storage.get(uri);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (lines.size() == limit) throw TaskFailure("More than " + std::to_string(limit) + " " + std::string(what));
    lines.push_back(std::move(line));
  }
  return lines;
}

Value store_matching_files(const storage::LocalStorage& storage, const TaskIdentity& run, const fs::path& directory,
                           const Value& patterns, std::string_view property,
                           const std::function<void(const std::string&)>& warn) {
  auto globs = to_string_list(patterns, property);
  std::map<std::string, std::string> files;  // by name, whatever the order of the directory
  size_t walked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(directory, fs::directory_options::skip_permission_denied)) {
    if (++walked > kMaxWalkedFiles) {
      warn(std::string(property) + " looked at the first " + std::to_string(kMaxWalkedFiles) +
           " entries of the working directory only");
      break;
    }
    // A link is not followed: a script could point it at any file the engine may read.
    if (!entry.is_regular_file() || entry.is_symlink()) continue;
    std::string name = fs::relative(entry.path(), directory).string();
    for (const auto& glob : globs)
      if (glob_matches(glob, name)) {
        files[name] = store_file(storage, run, entry.path(), name);
        break;
      }
  }
  return files;
}

}  // namespace runwatch
