#pragma once
// The parts of the runwatch._core module, each bound in its own file.
#include <pybind11/pybind11.h>

#include <vector>

#include "runwatch/metrics/registry.h"
#include "runwatch/model/error.h"

namespace runwatch::bindings {
namespace py = pybind11;

void bind_model(py::module_& m);
void bind_engine(py::module_& m);
void bind_errors(py::module_& m);
void bind_metrics(py::module_& m);
void bind_notifiers(py::module_& m);
void bind_plugins(py::module_& m);
void bind_server(py::module_& m);
// Tag values are converted with str().
metrics::Tags tags_from(const py::dict& tags);
py::list issues_to_python(const std::vector<ValidationIssue>& issues);

}  // namespace runwatch::bindings
