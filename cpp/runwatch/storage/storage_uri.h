#pragma once
// Kestra's internal storage URIs: kestra:///<namespace as path>/<flow>/executions/<id>/...
// A URI comes from outside (an input, a template, the API): parsing is where it is checked.
#include <initializer_list>
#include <string>
#include <string_view>

namespace runwatch::storage {

inline constexpr std::string_view kScheme = "kestra://";
inline constexpr size_t kMaxUriBytes = 2048;
inline constexpr size_t kMaxSegmentBytes = 255;  // a file name on Linux

// A checked storage path: segments separated by '/', each non-empty UTF-8 of at most
// kMaxSegmentBytes, none "." nor "..", no NUL nor control character. So it always names
// something under the storage's base folder.
class StorageUri {
 public:
  // "kestra:///a/b/c"; throws Error (Malformed) saying what is wrong and where.
  static StorageUri parse(std::string_view uri);
  // The URI of these segments, each checked as parse checks them (they may come from a
  // client: a file name); throws Error (Invalid) naming `what`.
  static StorageUri of(std::initializer_list<std::string_view> segments, std::string_view what = "storage path");

  const std::string& path() const { return path_; }  // "a/b/c", no leading slash
  std::string text() const { return "kestra:///" + path_; }
  // Whether this URI names something below `prefix` (segment-wise, not by characters).
  bool is_under(const StorageUri& prefix) const;
  // The last segment: the file name.
  std::string_view file_name() const;

 private:
  explicit StorageUri(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Kestra's Slugify.of for identifiers: word characters and '-' kept, '_' as '-', runs of
// '-' as one, none at either end, lower case.
std::string slugify(std::string_view id);

// /<namespace as path>/<flow slug>/executions/<executionId>
StorageUri execution_prefix(std::string_view ns, std::string_view flow_id, std::string_view execution_id);
// .../inputs/<inputName>/<fileName>
StorageUri input_uri(const StorageUri& execution, std::string_view input, std::string_view file_name);
// .../tasks/<task slug>/<taskRunId>
StorageUri task_run_prefix(const StorageUri& execution, std::string_view task_id, std::string_view task_run_id);
// .../tasks/<task slug>/<taskRunId>/<relative path> (a script's output file may be in a
// folder of its working directory); throws Error (Malformed) for a path parse refuses.
StorageUri task_file_uri(const StorageUri& execution, std::string_view task_id, std::string_view task_run_id,
                         std::string_view relative_path);

}  // namespace runwatch::storage
