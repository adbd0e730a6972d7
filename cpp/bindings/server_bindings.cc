// Configuration and the management server. Thin: the logic is in cpp/runwatch/config
// and cpp/runwatch/server.
#include <pybind11/stl.h>

#include "bindings.h"
#include "runwatch/api/api_server.h"
#include "runwatch/config/config.h"
#include "runwatch/engine.h"
#include "runwatch/logging/loggers.h"
#include "value_cast.h"

namespace runwatch::bindings {

void bind_server(py::module_& m) {
  py::class_<Config>(m, "Config")
      .def_readonly("metrics_prefix", &Config::metrics_prefix)
      .def_readonly("metrics_tags", &Config::metrics_tags)
      .def_readonly("worker_threads", &Config::worker_threads)
      .def_readonly("repository_type", &Config::repository_type)
      .def_readonly("repository_path", &Config::repository_path)
      .def_readonly("encryption_secret_key", &Config::encryption_secret_key)
      .def_property_readonly("repository_retention",
                             [](const Config& c) -> std::optional<double> {
                               if (!c.repository_retention) return std::nullopt;
                               return std::chrono::duration<double>(*c.repository_retention).count();
                             })
      .def_property_readonly("render_timeout",
                             [](const Config& c) { return std::chrono::duration<double>(c.render_timeout).count(); })
      .def_readonly("management_host", &Config::management_host)
      .def_readonly("management_port", &Config::management_port)
      .def_readonly("api_host", &Config::api_host)
      .def_readonly("api_port", &Config::api_port)
      .def_property_readonly("api_tls", [](const Config& c) { return c.api_tls.enabled; })
      .def_property_readonly("management_tls", [](const Config& c) { return c.management_tls.enabled; })
      .def_readonly("logger_levels", &Config::logger_levels)
      .def_property_readonly("termination_grace_period",
                             [](const Config& c) { return std::chrono::duration<double>(c.termination_grace_period).count(); })
      .def_property_readonly("effective", [](const Config& c) { return to_python(c.effective); })
      .def_property_readonly("warnings", [](const Config& c) { return issues_to_python(c.warnings); });

  m.def(
      "load_config", [](const std::string& path) { return load_config_file(path, process_environment()); },
      py::arg("path"));
  m.def(
      "config_from_dict", [](py::object tree) { return config_from_value(from_python(tree), process_environment()); },
      py::arg("tree"));
  m.def("is_loopback_host", &is_loopback_host, py::arg("host"));
  m.def("apply_logger_levels", &apply_logger_levels, py::arg("levels"));

  py::class_<ManagementServer>(m, "ManagementServer")
      .def(py::init([](const Engine& engine, const Config& config, std::optional<int> port) {
             ManagementOptions options = ManagementOptions::from(config);
             if (port) options.port = *port;
             py::gil_scoped_release release;
             return std::make_unique<ManagementServer>(std::move(options), engine.management_sources());
           }),
           py::arg("engine"), py::arg("config"), py::arg("port") = py::none(), py::keep_alive<1, 2>())
      .def_property_readonly("port", &ManagementServer::port)
      .def_property_readonly("host", &ManagementServer::host)
      .def_property_readonly("tls", &ManagementServer::tls)
      .def("stop", [](ManagementServer& s) {
        py::gil_scoped_release release;
        s.stop();
      });

  py::class_<ApiServer>(m, "ApiServer")
      .def(py::init([](Engine& engine, const Config& config, std::optional<int> port) {
             ApiOptions options = ApiOptions::from(config);
             if (port) options.port = *port;
             py::gil_scoped_release release;
             return std::make_unique<ApiServer>(std::move(options), engine);
           }),
           py::arg("engine"), py::arg("config"), py::arg("port") = py::none(), py::keep_alive<1, 2>())
      .def_property_readonly("port", &ApiServer::port)
      .def_property_readonly("host", &ApiServer::host)
      .def_property_readonly("tls", &ApiServer::tls)
      .def("stop", [](ApiServer& s) {
        py::gil_scoped_release release;
        s.stop();
      });
}

}  // namespace runwatch::bindings
