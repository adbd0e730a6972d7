// Configuration and the management server. Thin: the logic is in cpp/runwatch/config
// and cpp/runwatch/server.
#include <pybind11/stl.h>

#include "bindings.h"
#include "runwatch/api/api_server.h"
#include "runwatch/config/config.h"
#include "runwatch/engine.h"
#include "value_cast.h"

namespace runwatch::bindings {

void bind_server(py::module_& m) {
  py::class_<Config>(m, "Config")
      .def_readonly("metrics_prefix", &Config::metrics_prefix)
      .def_readonly("metrics_tags", &Config::metrics_tags)
      .def_readonly("worker_threads", &Config::worker_threads)
      .def_readonly("metrics_precreate_series", &Config::metrics_precreate_series)
      .def_readonly("repository_type", &Config::repository_type)
      .def_readonly("repository_path", &Config::repository_path)
      .def_readonly("storage_base_path", &Config::storage_base_path)
      .def_readonly("encryption_secret_key", &Config::encryption_secret_key)
      .def_readonly("kestra_url", &Config::kestra_url)
      .def_readonly("task_cache_directory", &Config::task_cache_directory)
      .def_readonly("environment_name", &Config::environment_name)
      .def_property_readonly("plugin_defaults", [](const Config& c) { return to_python(c.plugin_defaults); })
      .def_property_readonly("repository_retention",
                             [](const Config& c) -> std::optional<double> {
                               if (!c.repository_retention) return std::nullopt;
                               return std::chrono::duration<double>(*c.repository_retention).count();
                             })
      .def_property_readonly("silence_retention",
                             [](const Config& c) { return std::chrono::duration<double>(c.silence_retention).count(); })
      .def_property_readonly("rate_limit_notifications",
                             [](const Config& c) { return c.notification_rate_limit.notifications; })
      .def_property_readonly(
          "rate_limit_period",
          [](const Config& c) { return std::chrono::duration<double>(c.notification_rate_limit.period).count(); })
      .def_property_readonly("render_timeout",
                             [](const Config& c) { return std::chrono::duration<double>(c.render_timeout).count(); })
      .def_readonly("management_host", &Config::management_host)
      .def_readonly("management_port", &Config::management_port)
      .def_readonly("api_host", &Config::api_host)
      .def_readonly("api_port", &Config::api_port)
      .def_property_readonly("api_tls", [](const Config& c) { return c.api_tls.enabled; })
      .def_property_readonly("management_tls", [](const Config& c) { return c.management_tls.enabled; })
      .def_readonly("logger_levels", &Config::logger_levels)
      .def_property_readonly(
          "termination_grace_period",
          [](const Config& c) { return std::chrono::duration<double>(c.termination_grace_period).count(); })
      .def_readonly("worker_task_restart_strategy", &Config::worker_task_restart_strategy)
      .def_property_readonly("effective", [](const Config& c) { return to_python(c.effective); })
      .def_property_readonly("warnings", [](const Config& c) { return issues_to_python(c.warnings); });

  m.def(
      "load_config", [](const std::string& path) { return load_config_file(path, process_environment()); },
      py::arg("path"));
  m.def(
      "config_from_dict", [](py::object tree) { return config_from_value(from_python(tree), process_environment()); },
      py::arg("tree"));
  m.def("is_loopback_host", &is_loopback_host, py::arg("host"));

  // The API and the management server are both an HttpServer handle: port, host, tls, stop.
  py::class_<HttpServer>(m, "HttpServer")
      .def_property_readonly("port", &HttpServer::port)
      .def_property_readonly("host", &HttpServer::host)
      .def_property_readonly("tls", &HttpServer::tls)
      .def("stop", [](HttpServer& s) {
        py::gil_scoped_release release;
        s.stop();
      });
  m.def(
      "serve_management",
      [](const Engine& engine, const Config& config, std::optional<int> port) -> std::unique_ptr<HttpServer> {
        ManagementOptions options = ManagementOptions::from(config);
        if (port) options.port = *port;
        py::gil_scoped_release release;
        return std::make_unique<ManagementServer>(std::move(options), engine.management_sources());
      },
      py::arg("engine"), py::arg("config"), py::arg("port") = py::none(), py::keep_alive<0, 1>());
  m.def(
      "serve_api",
      [](Engine& engine, const Config& config, std::optional<int> port) -> std::unique_ptr<HttpServer> {
        ApiOptions options = ApiOptions::from(config);
        if (port) options.port = *port;
        py::gil_scoped_release release;
        return std::make_unique<ApiServer>(std::move(options), engine);
      },
      py::arg("engine"), py::arg("config"), py::arg("port") = py::none(), py::keep_alive<0, 1>());
}

}  // namespace runwatch::bindings
