// Read-only views of flows, executions, task runs and log lines.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.h"
#include "runwatch/model/execution.h"
#include "runwatch/validation.h"
#include "value_cast.h"

namespace runwatch::bindings {
namespace {

py::list history_of(const StateHistory& h) {
  py::list out;
  for (const auto& t : h.history()) out.append(py::make_tuple(std::string(to_string(t.state)), to_datetime(t.date)));
  return out;
}

py::object end_of(const StateHistory& h) {
  auto end = h.end_date();
  return end ? to_datetime(*end) : py::none();
}

py::dict labels_of(const std::vector<Label>& labels) {
  py::dict out;
  for (const auto& l : labels) out[py::str(l.key)] = l.value;
  return out;
}

void bind_flow(py::module_& m) {
  py::class_<ValidationIssue>(m, "ValidationIssue")
      .def_readonly("file", &ValidationIssue::file)
      .def_readonly("path", &ValidationIssue::path)
      .def_readonly("line", &ValidationIssue::line)
      .def_readonly("column", &ValidationIssue::column)
      .def_readonly("message", &ValidationIssue::message)
      .def_property_readonly("severity",
                             [](const ValidationIssue& i) {
                               return i.severity == ValidationIssue::Severity::Error ? "error" : "warning";
                             })
      .def("__str__", &ValidationIssue::to_string)
      .def("__repr__", [](const ValidationIssue& i) { return "<ValidationIssue " + i.to_string() + ">"; });

  py::class_<TaskDef>(m, "TaskDef")
      .def_readonly("id", &TaskDef::id)
      .def_readonly("type", &TaskDef::type)
      .def_readonly("description", &TaskDef::description)
      .def_readonly("disabled", &TaskDef::disabled)
      .def_readonly("allow_failure", &TaskDef::allow_failure)
      .def_property_readonly("properties", [](const TaskDef& t) { return to_python(t.properties); })
      .def_property_readonly("branches",
                             [](const TaskDef& t) {
                               py::dict out;
                               for (const auto& b : t.branches) {
                                 auto key = b.key.empty() ? b.property : b.property + "." + b.key;
                                 out[py::str(key)] = py::cast(b.tasks, py::return_value_policy::copy);
                               }
                               return out;
                             })
      .def_property_readonly("line", [](const TaskDef& t) { return t.pos.line; })
      .def("__repr__", [](const TaskDef& t) { return "<TaskDef " + t.id + " " + t.type + ">"; });

  py::class_<TriggerDef>(m, "TriggerDef")
      .def_readonly("id", &TriggerDef::id)
      .def_readonly("type", &TriggerDef::type)
      .def_readonly("disabled", &TriggerDef::disabled)
      .def_property_readonly("properties", [](const TriggerDef& t) { return to_python(t.properties); })
      .def("__repr__", [](const TriggerDef& t) { return "<TriggerDef " + t.id + " " + t.type + ">"; });

  py::class_<Flow, std::shared_ptr<Flow>>(m, "Flow")
      .def_readonly("id", &Flow::id)
      .def_readonly("namespace", &Flow::ns)
      .def_readonly("revision", &Flow::revision)
      .def_readonly("description", &Flow::description)
      .def_readonly("disabled", &Flow::disabled)
      .def_readonly("source", &Flow::source)
      .def_readonly("source_file", &Flow::source_file)
      .def_readonly("tasks", &Flow::tasks)
      .def_readonly("errors", &Flow::errors)
      .def_readonly("triggers", &Flow::triggers)
      .def_property_readonly("labels", [](const Flow& f) { return labels_of(f.labels); })
      .def_property_readonly("variables", [](const Flow& f) { return to_python(f.variables); })
      .def_property_readonly("inputs",
                             [](const Flow& f) {
                               py::list out;
                               for (const auto& in : f.inputs) {
                                 py::dict d;
                                 d["id"] = in.id;
                                 d["type"] = in.type;
                                 d["required"] = in.required;
                                 d["defaults"] = in.defaults ? to_python(*in.defaults) : py::none();
                                 d["description"] = in.description;
                                 out.append(d);
                               }
                               return out;
                             })
      .def_static(
          "from_yaml",
          [](py::handle yaml, const std::string& file) { return flow_from_text(text_bytes(yaml), file); },
          py::arg("text"), py::arg("file") = "", "Parses a flow; raises FlowValidationError with every problem.")
      .def_static(
          "from_file",
          [](const std::filesystem::path& path) { return flow_from_file(path); },
          py::arg("path"), "Loads a flow file; raises FlowValidationError with every problem.")
      .def(
          "lint", [](std::shared_ptr<Flow> f) { return issues_to_python(lint_flows({std::move(f)}, {})); },
          "Warnings about this flow's triggers: conditions that can never all hold, states never seen.")
      .def("__repr__", [](const Flow& f) { return "<Flow " + f.ns + "." + f.id + " rev " + std::to_string(f.revision) + ">"; });
  m.def(
      "validate",
      [](const std::vector<std::filesystem::path>& paths, const std::vector<std::string>& texts) {
        auto validation = validate_flows(paths, texts);
        return py::make_tuple(validation.checked, issues_to_python(validation.issues));
      },
      py::arg("paths"), py::arg("texts"), "(files and texts checked, [ValidationIssue]): see runwatch.validate.");
}

void bind_execution(py::module_& m) {
  py::class_<LogEntry>(m, "LogEntry")
      .def_property_readonly("timestamp", [](const LogEntry& l) { return to_datetime(l.timestamp); })
      .def_property_readonly("level", [](const LogEntry& l) { return std::string(to_string(l.level)); })
      .def_readonly("task_id", &LogEntry::task_id)
      .def_readonly("task_run_id", &LogEntry::task_run_id)
      .def_readonly("attempt", &LogEntry::attempt)
      .def_readonly("message", &LogEntry::message)
      .def("__repr__", [](const LogEntry& l) {
        return "<LogEntry " + std::string(to_string(l.level)) + " " + l.task_id + ": " + l.message + ">";
      });

  py::class_<Attempt>(m, "Attempt")
      .def_property_readonly("state", [](const Attempt& a) { return std::string(to_string(a.state.current())); })
      .def_property_readonly("state_history", [](const Attempt& a) { return history_of(a.state); })
      .def_property_readonly("start_date", [](const Attempt& a) { return to_datetime(a.state.start_date()); })
      .def_property_readonly("end_date", [](const Attempt& a) { return end_of(a.state); });

  py::class_<TaskRun>(m, "TaskRun")
      .def_readonly("id", &TaskRun::id)
      .def_readonly("task_id", &TaskRun::task_id)
      .def_readonly("parent_task_run_id", &TaskRun::parent_task_run_id)
      .def_readonly("value", &TaskRun::value)
      .def_readonly("iteration", &TaskRun::iteration)
      .def_readonly("attempts", &TaskRun::attempts)
      .def_property_readonly("state", [](const TaskRun& r) { return std::string(to_string(r.state.current())); })
      .def_property_readonly("state_history", [](const TaskRun& r) { return history_of(r.state); })
      .def_property_readonly("start_date", [](const TaskRun& r) { return to_datetime(r.state.start_date()); })
      .def_property_readonly("end_date", [](const TaskRun& r) { return end_of(r.state); })
      .def_property_readonly("outputs", [](const TaskRun& r) { return to_python(r.outputs); })
      .def("__repr__", [](const TaskRun& r) {
        return "<TaskRun " + r.task_id + " " + std::string(to_string(r.state.current())) + ">";
      });

  // Snapshots are immutable; Python only reads them (holders cannot be shared_ptr<const T>).
  py::class_<Execution, std::shared_ptr<Execution>>(m, "Execution")
      .def_readonly("id", &Execution::id)
      .def_readonly("namespace", &Execution::ns)
      .def_readonly("flow_id", &Execution::flow_id)
      .def_readonly("flow_revision", &Execution::flow_revision)
      .def_readonly("task_runs", &Execution::task_runs)
      .def_readonly("log_entries", &Execution::logs)
      .def_property_readonly("state", [](const Execution& e) { return std::string(to_string(e.state.current())); })
      .def_property_readonly("state_history", [](const Execution& e) { return history_of(e.state); })
      .def_property_readonly("start_date", [](const Execution& e) { return to_datetime(e.state.start_date()); })
      .def_property_readonly("end_date", [](const Execution& e) { return end_of(e.state); })
      .def_property_readonly("duration",
                             [](const Execution& e) -> py::object {
                               auto d = e.duration();
                               return d ? to_timedelta(*d) : py::none();
                             })
      .def_property_readonly("inputs", [](const Execution& e) { return to_python(e.inputs); })
      .def_property_readonly("outputs", [](const Execution& e) { return to_python(e.outputs()); })
      .def_property_readonly("labels", [](const Execution& e) { return labels_of(e.labels); })
      .def_property_readonly("trigger", [](const Execution& e) { return to_python(e.trigger); })
      .def_property_readonly("flow_outputs", [](const Execution& e) { return to_python(e.flow_outputs); })
      .def_readonly("attempt_number", &Execution::attempt_number)
      .def_property_readonly("original_id",
                             [](const Execution& e) { return e.original_id.empty() ? e.id : e.original_id; })
      .def("__repr__", [](const Execution& e) {
        return "<Execution " + e.id + " " + e.ns + "." + e.flow_id + " " + std::string(to_string(e.state.current())) + ">";
      });
}

}  // namespace

void bind_model(py::module_& m) {
  bind_flow(m);
  bind_execution(m);
}

py::list issues_to_python(const std::vector<ValidationIssue>& issues) {
  py::list out;
  for (const auto& issue : issues) out.append(py::cast(issue));
  return out;
}

}  // namespace runwatch::bindings
