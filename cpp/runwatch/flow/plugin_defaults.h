#pragma once
// Kestra's plugin defaults: property values given once for every plugin of a type (or of
// every type under a prefix), written in the flow's `pluginDefaults` (or the older
// `taskDefaults`) or server-wide in kestra.plugins.defaults (and the older
// kestra.tasks.defaults). They are merged into each task, trigger and condition mapping
// before it is checked, so a default's value is checked, and its errors placed, where
// it is written.
#include <yaml-cpp/yaml.h>

#include "runwatch/flow/issues.h"
#include "runwatch/model/schema.h"
#include "runwatch/model/value.h"

namespace runwatch {

// Applies the flow's defaults, then `server_defaults` (a list of {type, forced, values}),
// to every mapping with a `type` in the flow `root`, in place. As Kestra's: a default
// matches a type it is a prefix of; it fills the properties a plugin leaves unset, and a
// forced one overrides them; mappings merge key by key, anything else is replaced; the
// flow's defaults win over the server's. Beyond Kestra: a default also matches through
// the type's other names, so one written for the older name of a notifier applies to
// its current name and back. Problems in the flow's `pluginDefaults` are issues.
void apply_plugin_defaults(YAML::Node root, const Value& server_defaults, const TypeCatalog& catalog,
                           IssueList& issues);

// The flow keys that hold plugin defaults.
bool is_plugin_defaults_key(std::string_view key);

}  // namespace runwatch
