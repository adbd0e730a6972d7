#include "runwatch/flow/duplicate_keys.h"

#include <set>

#include "runwatch/flow/path.h"
#include "runwatch/yaml/yaml_node.h"

namespace runwatch {
namespace {

void walk(const YAML::Node& node, const std::string& path, IssueList& issues) {
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) walk(node[i], index_path(path, i), issues);
  } else if (node.IsMap()) {
    std::set<std::string> keys;
    for (const auto& entry : entries_of(node)) {
      auto entry_path = key_path(path, entry.key);
      if (!keys.insert(entry.key).second) issues.error(entry_path, entry.key_pos(), "duplicate key '" + entry.key + "'");
      walk(entry.value, entry_path, issues);
    }
  }
}

}  // namespace

void report_duplicate_keys(const YAML::Node& root, IssueList& issues) { walk(root, "", issues); }

}  // namespace runwatch
