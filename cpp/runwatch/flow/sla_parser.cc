#include "runwatch/flow/sla_parser.h"

#include "runwatch/flow/labels_parser.h"
#include "runwatch/flow/path.h"
#include "runwatch/model/time.h"

namespace runwatch {
namespace {

class SlaParser {
 public:
  explicit SlaParser(IssueList& issues) : issues_(issues) {}

  std::optional<SlaDef> parse(const YAML::Node& node, const std::string& path) {
    if (!node.IsMap()) {
      issues_.error(path, position_of(node), "an SLA must be a mapping with an id and a type, not " + describe(node));
      return std::nullopt;
    }
    SlaDef sla;
    auto entries = entries_of(node);
    bool ok = true;
    for (const auto& entry : entries) ok = property(sla, entry, path) && ok;
    for (const char* required : {"id", "type"})
      if (!find_entry(entries, required)) ok = missing(path, required, node);
    if (const auto* type = find_entry(entries, "type");
        type && type->value.IsScalar() &&
        (type->value.Scalar() == "MAX_DURATION" || type->value.Scalar() == "EXECUTION_ASSERTION")) {
      const char* needed = sla.type == SlaDef::Type::MaxDuration ? "duration" : "assert";
      if (!find_entry(entries, needed)) ok = missing(path, needed, node);
    }
    return ok ? std::optional(std::move(sla)) : std::nullopt;
  }

 private:
  bool property(SlaDef& sla, const MappingEntry& entry, const std::string& parent) {
    const std::string path = key_path(parent, entry.key);
    if (entry.key == "labels") {
      sla.labels = parse_labels(entry, issues_, parent);
      return true;
    }
    if (!entry.value.IsScalar())
      return error(path, entry, "'" + entry.key + "' must be a string, not " + describe(entry.value));
    const std::string& text = entry.value.Scalar();
    if (entry.key == "id") {
      sla.id = text;
    } else if (entry.key == "type") {
      if (text == "MAX_DURATION")
        sla.type = SlaDef::Type::MaxDuration;
      else if (text == "EXECUTION_ASSERTION")
        sla.type = SlaDef::Type::ExecutionAssertion;
      else
        return error(path, entry, "'type' must be MAX_DURATION or EXECUTION_ASSERTION, not '" + text + "'");
    } else if (entry.key == "behavior") {
      if (text == "FAIL")
        sla.behavior = SlaDef::Behavior::Fail;
      else if (text == "CANCEL")
        sla.behavior = SlaDef::Behavior::Cancel;
      else if (text == "NONE")
        sla.behavior = SlaDef::Behavior::None;
      else
        return error(path, entry, "'behavior' must be FAIL, CANCEL or NONE, not '" + text + "'");
    } else if (entry.key == "duration") {
      auto duration = parse_duration(text);
      if (!duration || *duration <= Duration::zero())
        return error(path, entry, "'duration' must be a positive ISO-8601 duration such as PT1H, not '" + text + "'");
      sla.duration = *duration;
    } else if (entry.key == "assert") {
      sla.assertion = text;
    } else {
      issues_.error(path, entry.key_pos(),
                    "unknown property '" + entry.key + "' of an SLA (id, type, behavior, duration, assert, labels)");
      return false;
    }
    return true;
  }

  bool error(const std::string& path, const MappingEntry& entry, const std::string& message) {
    issues_.error(path, entry.value_pos(), message);
    return false;
  }
  bool missing(const std::string& path, const char* name, const YAML::Node& node) {
    issues_.error(key_path(path, name), position_of(node), std::string("missing required property '") + name + "'");
    return false;
  }

  IssueList& issues_;
};

}  // namespace

std::vector<SlaDef> parse_slas(const MappingEntry& entry, IssueList& issues) {
  std::vector<SlaDef> out;
  if (is_null(entry.value)) return out;
  if (!entry.value.IsSequence()) {
    issues.error("sla", entry.value_pos(), "'sla' must be a list of SLAs, not " + describe(entry.value));
    return out;
  }
  SlaParser parser(issues);
  for (size_t i = 0; i < entry.value.size(); ++i)
    if (auto sla = parser.parse(entry.value[i], index_path("sla", i))) out.push_back(std::move(*sla));
  return out;
}

}  // namespace runwatch
