#pragma once
// Task types written in Python: the registry calls them on worker threads, which take
// the GIL only for the call.
#include <pybind11/pybind11.h>

#include "runwatch/plugins.h"

namespace runwatch::bindings {

namespace py = pybind11;

// Registers `fn(ctx, **properties)` as a task type with that schema in the global registry.
void register_python_task(TypeSchema schema, py::object fn);

void bind_python_tasks(py::module_& m);

}  // namespace runwatch::bindings
