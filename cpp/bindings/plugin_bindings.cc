// The registry's plugin schemas as plain Python dicts (for `runwatch plugins`).
#include <pybind11/stl.h>

#include "bindings.h"
#include "runwatch/tasks/registry.h"
#include "value_cast.h"

namespace runwatch::bindings {
namespace {

PluginKind kind_from(const std::string& kind) {
  for (auto k : {PluginKind::Task, PluginKind::Trigger, PluginKind::Condition})
    if (to_string(k) == kind) return k;
  throw py::value_error("unknown plugin kind '" + kind + "': expected task, trigger or condition");
}

py::dict property_to_python(const PropertySpec& p) {
  py::dict out;
  out["name"] = p.name;
  out["type"] = std::string(to_string(p.type));
  out["required"] = p.required;
  out["description"] = p.description;
  out["default"] = to_python(p.default_value);
  out["allowed_values"] = p.allowed_values;
  out["json_document"] = p.json_document;
  return out;
}

py::dict schema_to_python(const TypeSchema& s) {
  py::dict out;
  out["kind"] = std::string(to_string(s.kind));
  out["name"] = s.name;
  out["aliases"] = s.aliases;
  out["description"] = s.description;
  py::list properties;
  for (const auto& p : s.properties) properties.append(property_to_python(p));
  out["properties"] = properties;
  out["requires_any"] = s.requires_any;
  return out;
}

}  // namespace

void bind_plugins(py::module_& m) {
  m.def(
      "plugin_schemas",
      [](const std::string& kind) {
        py::list out;
        for (const auto* schema : PluginRegistry::global().schemas(kind_from(kind))) out.append(schema_to_python(*schema));
        return out;
      },
      py::arg("kind"),
      "The schemas of the registered types of a kind (task, trigger or condition), sorted by name, as dicts.");
}

}  // namespace runwatch::bindings
