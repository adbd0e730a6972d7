#include "runwatch/flow/labels_parser.h"

#include "runwatch/flow/path.h"

namespace runwatch {
namespace {

// Kestra reserves `system.*` labels for itself, except system.readOnly which a flow may set.
bool is_reserved(const std::string& key) { return key.starts_with("system.") && key != "system.readOnly"; }

void add(std::vector<Label>& labels, const std::string& key, const YAML::Node& value, const std::string& path,
         SourcePos key_pos, IssueList& issues) {
  if (!value.IsScalar()) {
    issues.error(path, position_of(value, key_pos), "the value of label '" + key + "' must be a string, not " + describe(value));
    return;
  }
  if (is_reserved(key)) {
    issues.error(path, key_pos,
                 "system labels can only be set by Kestra itself, offending label: " + key + "=" + value.Scalar());
    return;
  }
  labels.push_back({key, value.Scalar()});
}

}  // namespace

std::vector<Label> parse_labels(const MappingEntry& entry, IssueList& issues, const std::string& parent) {
  const std::string base = key_path(parent, "labels");
  std::vector<Label> labels;
  const auto& node = entry.value;
  if (node.IsMap()) {
    for (const auto& label : entries_of(node))
      add(labels, label.key, label.value, key_path(base, label.key), label.key_pos(), issues);
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      auto path = index_path(base, i);
      auto item = entries_of(node[i]);
      const auto* key = find_entry(item, "key");
      const auto* value = find_entry(item, "value");
      if (!node[i].IsMap() || !key || !value || item.size() != 2 || !key->value.IsScalar()) {
        issues.error(path, position_of(node[i]), "a label in a list must be a mapping with a key and a value");
        continue;
      }
      add(labels, key->value.Scalar(), value->value, path, key->value_pos(), issues);
    }
  } else if (!is_null(node)) {
    issues.error(base, entry.value_pos(),
                 "'labels' must be a mapping or a list of {key, value}, not " + describe(node));
  }
  return labels;
}

}  // namespace runwatch
