// Property specs (what Python tasks and notifiers declare), and the registry's plugin
// schemas as plain Python dicts (for `runwatch plugins`).
#include <pybind11/stl.h>

#include "bindings.h"
#include "runwatch/plugins.h"
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
  py::class_<PropertySpec>(m, "PropertySpec")
      .def(py::init([](std::string name, PropertyType type, bool required, py::object default_value,
                       std::string description) {
             return PropertySpec{.name = std::move(name),
                                 .type = type,
                                 .required = required,
                                 .description = std::move(description),
                                 .default_value = from_python(default_value)};
           }),
           py::kw_only(), py::arg("name"), py::arg("type") = PropertyType::String, py::arg("required") = false,
           py::arg("default") = py::none(), py::arg("description") = "")
      .def_readonly("name", &PropertySpec::name)
      .def_readonly("type", &PropertySpec::type)
      .def_readonly("required", &PropertySpec::required)
      .def_readonly("description", &PropertySpec::description)
      .def_property_readonly("default", [](const PropertySpec& p) { return to_python(p.default_value); })
      .def("__repr__", [](const PropertySpec& p) {
        return "<PropertySpec " + p.name + " " + std::string(to_string(p.type)) + (p.required ? " required>" : ">");
      });
  m.def("execution_properties", &notifier_execution_properties,
        "The properties every notifier summarizing an execution has: executionId, customFields, customMessage.");
  m.def(
      "plugin_schemas",
      [](const std::string& kind) {
        py::list out;
        for (const auto* schema : plugin_schemas(kind_from(kind))) out.append(schema_to_python(*schema));
        return out;
      },
      py::arg("kind"),
      "The schemas of the registered types of a kind (task, trigger or condition), sorted by name, as dicts.");
}

}  // namespace runwatch::bindings
