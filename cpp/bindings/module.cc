// runwatch._core: the engine's Python binding. Thin on purpose: the logic lives in C++
// (cpp/runwatch) or in the plain Python package (python/runwatch).
#include "bindings.h"
#include "python_task.h"
#include "runwatch/config/config.h"
#include "runwatch/metrics/names.h"
#include "runwatch/metrics/text_parser.h"
#include "runwatch/model/utf8.h"
#include "runwatch/model/schema.h"

namespace runwatch::bindings {

void bind_errors(py::module_& m) {
  // Leaked on purpose: exception types live as long as the interpreter.
  static auto& error = *new py::exception<Error>(m, "Error", PyExc_Exception);
  static auto& flow_error = *new py::exception<FlowValidationError>(m, "FlowValidationError", error.ptr());
  static auto& input_error = *new py::exception<InputError>(m, "InputError", error.ptr());
  static auto& not_found = *new py::exception<NotFoundError>(m, "NotFoundError", error.ptr());
  static auto& config_error = *new py::exception<ConfigError>(m, "ConfigError", error.ptr());
  static auto& metric_error = *new py::exception<metrics::MetricError>(m, "MetricError", error.ptr());
  static auto& parse_error = *new py::exception<metrics::ParseError>(m, "PrometheusParseError", error.ptr());
  // Messages quote user text; repaired, a cut or invalid byte in one can never turn an
  // error into a UnicodeDecodeError.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const FlowValidationError& e) {
      py::object exc = py::reinterpret_borrow<py::object>(flow_error.ptr())(py::str(repair_utf8(e.what())));
      exc.attr("issues") = issues_to_python(e.issues());
      PyErr_SetObject(flow_error.ptr(), exc.ptr());
    } catch (const InputError& e) {
      PyErr_SetString(input_error.ptr(), repair_utf8(e.what()).c_str());
    } catch (const NotFoundError& e) {
      PyErr_SetString(not_found.ptr(), repair_utf8(e.what()).c_str());
    } catch (const ConfigError& e) {
      py::object exc = py::reinterpret_borrow<py::object>(config_error.ptr())(py::str(repair_utf8(e.what())));
      exc.attr("issues") = issues_to_python(e.issues());
      PyErr_SetObject(config_error.ptr(), exc.ptr());
    } catch (const metrics::MetricError& e) {
      PyErr_SetString(metric_error.ptr(), repair_utf8(e.what()).c_str());
    } catch (const metrics::ParseError& e) {
      py::object exc = py::reinterpret_borrow<py::object>(parse_error.ptr())(py::str(repair_utf8(e.what())));
      exc.attr("line") = e.line();
      PyErr_SetObject(parse_error.ptr(), exc.ptr());
    } catch (const Error& e) {
      PyErr_SetString(error.ptr(), repair_utf8(e.what()).c_str());
    }
  });
}

}  // namespace runwatch::bindings

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  namespace rb = runwatch::bindings;
  m.doc() = "runwatch engine (C++ core)";
  m.attr("__version__") = RUNWATCH_VERSION;
  py::enum_<runwatch::PropertyType>(m, "PropertyType")
      .value("STRING", runwatch::PropertyType::String)
      .value("INTEGER", runwatch::PropertyType::Integer)
      .value("NUMBER", runwatch::PropertyType::Number)
      .value("BOOLEAN", runwatch::PropertyType::Boolean)
      .value("DURATION", runwatch::PropertyType::Duration)
      .value("LIST", runwatch::PropertyType::List)
      .value("STRING_LIST", runwatch::PropertyType::StringList)
      .value("MAP", runwatch::PropertyType::Map)
      .value("ANY", runwatch::PropertyType::Any);
  rb::bind_errors(m);
  rb::bind_plugins(m);
  rb::bind_model(m);
  rb::bind_metrics(m);
  rb::bind_engine(m);
  rb::bind_server(m);
  rb::bind_python_tasks(m);
  rb::bind_notifiers(m);
}
