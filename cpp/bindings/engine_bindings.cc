// The engine and the clocks. Blocking calls release the GIL.
#include <pybind11/stl.h>

#include "bindings.h"
#include "python_task.h"
#include "runwatch/engine.h"
#include "value_cast.h"

namespace runwatch::bindings {
namespace {

using Seconds = std::optional<double>;

Engine::WaitTime wait_time(Seconds seconds) {
  if (!seconds) return std::nullopt;
  if (*seconds < 0) throw py::value_error("timeout must be >= 0 seconds");
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(*seconds));
}

Duration duration_of(double seconds) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

std::vector<Label> labels_from(const py::dict& labels) {
  std::vector<Label> out;
  for (auto [key, value] : labels) out.push_back({py::str(key), py::str(value)});
  return out;
}

// Executions are immutable snapshots; Python only reads them.
std::shared_ptr<Execution> view(Engine::Snapshot s) { return std::const_pointer_cast<Execution>(std::move(s)); }

std::vector<std::shared_ptr<Execution>> views(const std::vector<Engine::Snapshot>& snapshots) {
  std::vector<std::shared_ptr<Execution>> out;
  out.reserve(snapshots.size());
  for (const auto& s : snapshots) out.push_back(view(s));
  return out;
}

// Destroying an engine joins its threads, which may need the GIL to end a Python task.
struct ReleaseGilDelete {
  void operator()(Engine* engine) const {
    py::gil_scoped_release release;
    delete engine;
  }
};
using EngineHolder = std::unique_ptr<Engine, ReleaseGilDelete>;

}  // namespace

void bind_engine(py::module_& m) {
  py::class_<Clock, std::shared_ptr<Clock>>(m, "Clock")
      .def("now", [](const Clock& c) { return to_datetime(c.now()); })
      .def_property_readonly("is_manual", &Clock::is_manual);

  py::class_<ManualClock, Clock, std::shared_ptr<ManualClock>>(m, "ManualClock")
      .def(py::init([](py::object start) {
             auto t = start.is_none() ? std::chrono::system_clock::now() : from_datetime(start);
             return std::make_shared<ManualClock>(t);
           }),
           py::arg("start") = py::none())
      .def(
          "advance",
          [](ManualClock& c, double seconds) {
            if (seconds < 0) throw py::value_error("a manual clock only moves forward");
            py::gil_scoped_release release;
            c.advance(duration_of(seconds));
          },
          py::arg("seconds"))
      .def(
          "set",
          [](ManualClock& c, py::object when) {
            auto t = from_datetime(when);
            py::gil_scoped_release release;
            c.set(t);
          },
          py::arg("when"));

  py::class_<Engine, EngineHolder>(m, "Engine")
      .def(py::init([](std::shared_ptr<Clock> clock, int worker_threads, std::map<std::string, std::string> secrets,
                       std::string metrics_prefix, std::map<std::string, std::string> metrics_tags,
                       double metrics_interval, bool metrics_enabled, const std::string& repository_type,
                       const std::string& repository_path, std::optional<double> retention_seconds,
                       std::optional<std::string> flows, double render_timeout_seconds,
                       std::optional<std::string> encryption_secret_key, bool require_encryption_key,
                       std::map<std::string, std::string> logger_levels, std::optional<std::string> kestra_url,
                       std::optional<std::string> environment, py::handle plugin_defaults,
                       bool metrics_precreate_series, bool restart_interrupted_tasks,
                       std::optional<std::string> task_cache_directory, std::optional<std::string> storage_path,
                       double silence_retention_seconds, int rate_limit_notifications,
                       double rate_limit_period_seconds) {
             if (!(metrics_interval > 0)) throw py::value_error("metrics_interval must be > 0 seconds");
             EngineOptions options;
             options.clock = std::move(clock);
             options.worker_threads = worker_threads;
             options.secrets = std::move(secrets);
             options.metrics.prefix = std::move(metrics_prefix);
             options.metrics.tags = std::move(metrics_tags);
             options.metrics.history_interval = duration_of(metrics_interval);
             options.metrics.enabled = metrics_enabled;
             options.metrics.precreate_flow_series = metrics_precreate_series;
             options.repository = store::open_repository(repository_type, repository_path);
             if (retention_seconds) options.retention = duration_of(*retention_seconds);
             options.silence_retention = duration_of(silence_retention_seconds);
             if (rate_limit_notifications < 0 || rate_limit_notifications > kMaxRateLimitNotifications)
               throw py::value_error("rate_limit_notifications must be from 0 to 10000");
             if (!(rate_limit_period_seconds > 0)) throw py::value_error("rate_limit_period_seconds must be > 0");
             options.notification_rate_limit = {rate_limit_notifications, duration_of(rate_limit_period_seconds)};
             options.restart_interrupted_tasks = restart_interrupted_tasks;
             if (flows) options.flows = *flows;
             if (!(render_timeout_seconds > 0)) throw py::value_error("render_timeout_seconds must be > 0");
             options.render_timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 std::chrono::duration<double>(render_timeout_seconds));
             options.encryption_secret_key = std::move(encryption_secret_key);
             options.secret_inputs_need_key = require_encryption_key;
             options.logger_levels = std::move(logger_levels);
             options.kestra_url = std::move(kestra_url);
             options.environment = std::move(environment);
             if (task_cache_directory) options.task_cache_directory = std::move(*task_cache_directory);
             if (storage_path) options.storage_path = *storage_path;
             if (!plugin_defaults.is_none()) options.plugin_defaults = from_python(plugin_defaults);
             py::gil_scoped_release release;  // recovered executions may run Python tasks
             return EngineHolder(new Engine(std::move(options)));
           }),
           py::arg("clock") = nullptr, py::arg("worker_threads") = 0,
           py::arg("secrets") = std::map<std::string, std::string>{}, py::arg("metrics_prefix") = "kestra",
           py::arg("metrics_tags") = std::map<std::string, std::string>{}, py::arg("metrics_interval") = 10.0,
           py::arg("metrics_enabled") = true, py::arg("repository_type") = "memory",
           py::arg("repository_path") = "runwatch.db", py::arg("retention_seconds") = std::nullopt,
           py::arg("flows") = std::nullopt, py::arg("render_timeout_seconds") = 10.0,
           py::arg("encryption_secret_key") = std::nullopt, py::arg("require_encryption_key") = false,
           py::arg("logger_levels") = std::map<std::string, std::string>{}, py::arg("kestra_url") = std::nullopt,
           py::arg("environment") = std::nullopt, py::arg("plugin_defaults") = py::none(),
           py::arg("metrics_precreate_series") = true, py::arg("restart_interrupted_tasks") = false,
           py::arg("task_cache_directory") = std::nullopt, py::arg("storage_path") = std::nullopt,
           py::arg("silence_retention_seconds") = 5 * 86400.0, py::arg("rate_limit_notifications") = 0,
           py::arg("rate_limit_period_seconds") = 60.0)
      .def_property_readonly("recovered", &Engine::recovered)
      .def_property_readonly(
          "metrics", [](Engine& e) -> metrics::Metrics& { return e.metrics(); },
          py::return_value_policy::reference_internal)
      .def("add_flow", &Engine::add_flow, py::arg("yaml"), py::arg("file") = "")
      .def(
          "load_flows", [](Engine& e, const std::string& path) { return e.load_flows(path); }, py::arg("path"))
      .def("flow", &Engine::flow, py::arg("namespace"), py::arg("flow_id"))
      .def("flows", &Engine::flows)
      .def("remove_flow", &Engine::remove_flow, py::arg("namespace"), py::arg("flow_id"))
      .def("schedules",
           [](const Engine& e) {
             auto when = [](const std::optional<TimePoint>& t) { return t ? to_datetime(*t) : py::none(); };
             py::list out;
             for (const auto& s : e.schedules())
               out.append(py::make_tuple(s.ns, s.flow_id, s.trigger_id, when(s.next_date), when(s.last_date),
                                         s.error.empty() ? py::object(py::none()) : py::str(s.error)));
             return out;
           })
      .def(
          "submit",
          [](Engine& e, const std::string& ns, const std::string& flow_id, py::object inputs, py::dict labels,
             const std::map<std::string, std::pair<std::string, std::string>>& files) {
            Value given = inputs.is_none() ? Value::object() : from_python(inputs);
            auto label_list = labels_from(labels);
            FileInputs file_inputs;
            for (const auto& [id, file] : files) file_inputs[id] = FileInput{file.first, file.second};
            py::gil_scoped_release release;
            return view(e.submit(ns, flow_id, given, label_list, nullptr, std::move(file_inputs)));
          },
          py::arg("namespace"), py::arg("flow_id"), py::arg("inputs") = py::none(), py::arg("labels") = py::dict(),
          py::arg("files") = std::map<std::string, std::pair<std::string, std::string>>{})
      .def(
          "read_file",
          [](const Engine& e, const std::string& uri) {
            std::string content;
            {
              py::gil_scoped_release release;
              auto in = e.open_file(uri);
              content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
            }
            return py::bytes(content);
          },
          py::arg("uri"))
      .def(
          "wait",
          [](Engine& e, const std::string& id, Seconds timeout) {
            auto t = wait_time(timeout);
            py::gil_scoped_release release;
            return view(e.wait(id, t));
          },
          py::arg("execution_id"), py::arg("timeout") = py::none())
      .def(
          "execution", [](const Engine& e, const std::string& id) { return view(e.execution(id)); },
          py::arg("execution_id"))
      .def(
          "executions",
          [](Engine& e, std::optional<std::string> ns, std::optional<std::string> flow_id,
             std::optional<std::string> state) {
            ExecutionFilter filter{std::move(ns), std::move(flow_id), std::nullopt};
            if (state) {
              filter.state = parse_state(*state);
              if (!filter.state) throw py::value_error("unknown state '" + *state + "'");
            }
            return views(e.executions(filter));
          },
          py::arg("namespace") = py::none(), py::arg("flow_id") = py::none(), py::arg("state") = py::none())
      .def("kill", &Engine::kill, py::arg("execution_id"))
      .def(
          "resume",
          [](Engine& e, const std::string& id, py::object inputs,
             const std::map<std::string, std::pair<std::string, std::string>>& files) {
            Value given = inputs.is_none() ? Value::object() : from_python(inputs);
            FileInputs file_inputs;
            for (const auto& [input, file] : files) file_inputs[input] = FileInput{file.first, file.second};
            py::gil_scoped_release release;
            e.resume(id, given, std::move(file_inputs));
          },
          py::arg("execution_id"), py::arg("inputs") = py::none(),
          py::arg("files") = std::map<std::string, std::pair<std::string, std::string>>{})
      .def(
          "matching_triggers",
          [](const Engine& e, const std::string& ns, const std::string& flow_id, const std::string& state,
             py::dict labels) {
            auto parsed = parse_state(state);
            if (!parsed) throw py::value_error("unknown state '" + state + "'");
            py::list out;
            for (const auto& m : e.matching_triggers(ns, flow_id, *parsed, labels_from(labels)))
              out.append(py::make_tuple(m.flow->ns, m.flow->id, m.trigger->id));
            return out;
          },
          py::arg("namespace"), py::arg("flow_id"), py::arg("state"), py::arg("labels") = py::dict())
      .def("lint", [](const Engine& e) { return issues_to_python(e.lint()); })
      .def("alerts",
           [](const Engine& e) {
             py::list out;
             for (const auto& trigger : e.alerts())
               for (const auto& alert : trigger.alerts) out.append(to_python(alert_json(trigger, alert)));
             return out;
           })
      .def(
          "alert_history",
          [](const Engine& e, std::optional<std::string> ns, std::optional<std::string> flow_id,
             std::optional<std::string> alert, std::optional<std::string> status, py::object start, py::object end) {
            AlertHistorySearch search{.ns = std::move(ns),
                                      .flow_id = std::move(flow_id),
                                      .alert = std::move(alert),
                                      .status = std::move(status)};
            if (!start.is_none()) search.from = from_datetime(start);
            if (!end.is_none()) search.to = from_datetime(end);
            py::list out;
            for (const auto& event : e.alert_history(search).results) out.append(to_python(to_json(event)));
            return out;
          },
          py::arg("namespace") = py::none(), py::arg("flow_id") = py::none(), py::arg("alert") = py::none(),
          py::arg("status") = py::none(), py::arg("start_date") = py::none(), py::arg("end_date") = py::none())
      .def(
          "add_silence",
          [](Engine& e, py::handle body) {
            Value given = from_python(body);
            return to_python(e.silences().add(given).to_json(e.clock().now()));
          },
          py::arg("body"))
      .def("silences",
           [](Engine& e) {
             py::list out;
             for (const auto& silence : e.silences().list()) out.append(to_python(silence.to_json(e.clock().now())));
             return out;
           })
      .def(
          "expire_silence", [](Engine& e, const std::string& id) { return e.silences().expire(id); }, py::arg("id"))
      .def(
          "wait_idle",
          [](Engine& e, Seconds timeout) {
            auto t = wait_time(timeout);
            py::gil_scoped_release release;
            return e.wait_idle(t);
          },
          py::arg("timeout") = py::none())
      .def(
          "kv_get",
          [](Engine& e, const std::string& ns, const std::string& key) {
            auto entry = e.kv().get(ns, key);
            return entry ? py::make_tuple(to_python(entry->value), entry->type) : py::object(py::none());
          },
          py::arg("namespace"), py::arg("key"))
      .def(
          "kv_set",
          [](Engine& e, const std::string& ns, const std::string& key, py::handle value, Seconds ttl, bool overwrite,
             std::optional<std::string> description) {
            KvWrite write{.description = std::move(description), .overwrite = overwrite};
            if (ttl) write.ttl = duration_of(*ttl);
            Value given = from_python(value);
            py::gil_scoped_release release;
            e.kv().put(ns, key, given, write);
          },
          py::arg("namespace"), py::arg("key"), py::arg("value"), py::arg("ttl") = py::none(),
          py::arg("overwrite") = true, py::arg("description") = py::none())
      .def(
          "kv_delete",
          [](Engine& e, const std::string& ns, const std::string& key) {
            py::gil_scoped_release release;
            return e.kv().erase(ns, key);
          },
          py::arg("namespace"), py::arg("key"))
      .def(
          "kv_keys",
          [](Engine& e, const std::string& ns) {
            std::vector<std::string> keys;
            for (const auto& entry : e.kv().list(ns)) keys.push_back(entry.key);
            return keys;
          },
          py::arg("namespace"))
      .def("stop", &Engine::stop, py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("worker_threads", &Engine::worker_threads);
}

}  // namespace runwatch::bindings
