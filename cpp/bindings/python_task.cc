#include "python_task.h"

#include <pybind11/stl.h>

#include "bindings.h"
#include "runwatch/model/error.h"
#include "runwatch/plugins.h"
#include "value_cast.h"

namespace runwatch::bindings {
namespace {

// What a Python task receives as `ctx`. Python may keep it after the task ends; it then
// refuses every use instead of reaching a RunContext that is gone.
class PythonTaskContext {
 public:
  explicit PythonTaskContext(RunContext& ctx) : ctx_(&ctx) {}
  void end() { ctx_ = nullptr; }

  const TaskIdentity& identity() const { return context().identity(); }
  void log(const std::string& level, const std::string& message) {
    auto parsed = parse_log_level(level);
    if (!parsed) throw py::value_error("unknown log level '" + level + "' (TRACE, DEBUG, INFO, WARN or ERROR)");
    context().log(*parsed, message);
  }
  py::object render(py::handle value) const { return to_python(context().render(from_python(value))); }
  py::object variables() const { return to_python(context().variables()); }
  bool sleep(double seconds) {
    RunContext& ctx = context();
    py::gil_scoped_release release;
    return ctx.sleep_for(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds)));
  }
  bool cancelled() const { return context().cancelled(); }
  void counter(const std::string& name, double value, const py::kwargs& tags) {
    context().counter(name, value, tags_from(tags));
  }
  void timer(const std::string& name, double seconds, const py::kwargs& tags) {
    context().timer(name, std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds)), tags_from(tags));
  }

 private:
  RunContext& context() const {
    if (!ctx_) throw Error("this task context is only valid while its task runs");
    return *ctx_;
  }
  RunContext* ctx_;
};

// `ctx.metric`: the task's counters and timers, as Kestra tasks emit them.
struct TaskMetricEmitter {
  std::shared_ptr<PythonTaskContext> context;
};

class PythonTaskType final : public TaskType {
 public:
  PythonTaskType(TypeSchema schema, py::object fn) : TaskType(std::move(schema)), fn_(std::move(fn)) {}
  ~PythonTaskType() override {
    if (!Py_IsInitialized()) {
      fn_.release();  // the interpreter is gone: nothing left to release
      return;
    }
    py::gil_scoped_acquire gil;
    fn_ = py::object();
  }

  TaskResult run(RunContext& ctx, const Value& properties) const override {
    py::gil_scoped_acquire gil;
    auto context = std::make_shared<PythonTaskContext>(ctx);
    struct EndOfRun {
      PythonTaskContext& context;
      ~EndOfRun() { context.end(); }
    } end_of_run{*context};
    try {
      py::object returned = fn_(py::cast(context), to_python(properties));
      TaskResult result;
      if (returned.is_none()) return result;
      if (!py::isinstance<py::dict>(returned))
        throw TaskFailure("task " + name() + " returned a value of type " +
                          py::str(py::type::handle_of(returned).attr("__name__")).cast<std::string>() +
                          "; a task returns a dict of outputs or None");
      result.outputs = from_python(returned);
      return result;
    } catch (py::error_already_set& e) {
      std::string type = py::str(e.type().attr("__name__"));
      std::string message = py::str(e.value());
      throw TaskFailure(message.empty() ? type : type + ": " + message);
    }
  }

 private:
  py::object fn_;
};

}  // namespace

void register_python_task(TypeSchema schema, py::object fn) {
  add_task_type(std::make_shared<PythonTaskType>(std::move(schema), std::move(fn)));
}

void bind_python_tasks(py::module_& m) {
  py::class_<PythonTaskContext, std::shared_ptr<PythonTaskContext>>(m, "TaskContext")
      .def_property_readonly("execution_id", [](const PythonTaskContext& c) { return c.identity().execution_id; })
      .def_property_readonly("namespace", [](const PythonTaskContext& c) { return c.identity().ns; })
      .def_property_readonly("flow_id", [](const PythonTaskContext& c) { return c.identity().flow_id; })
      .def_property_readonly("task_id", [](const PythonTaskContext& c) { return c.identity().task_id; })
      .def_property_readonly("task_type", [](const PythonTaskContext& c) { return c.identity().task_type; })
      .def_property_readonly("task_run_id", [](const PythonTaskContext& c) { return c.identity().task_run_id; })
      .def_property_readonly("attempt", [](const PythonTaskContext& c) { return c.identity().attempt; })
      .def_property_readonly("variables", &PythonTaskContext::variables)
      .def_property_readonly("cancelled", &PythonTaskContext::cancelled)
      .def("log", &PythonTaskContext::log, py::arg("level"), py::arg("message"))
      .def("render", &PythonTaskContext::render, py::arg("value"))
      .def("sleep", &PythonTaskContext::sleep, py::arg("seconds"))
      .def_property_readonly("metric", [](std::shared_ptr<PythonTaskContext> c) { return TaskMetricEmitter{std::move(c)}; });

  py::class_<TaskMetricEmitter>(m, "TaskMetrics")
      .def(
          "counter",
          [](TaskMetricEmitter& e, const std::string& name, double value, const py::kwargs& tags) {
            e.context->counter(name, value, tags);
          },
          py::arg("name"), py::arg("value"))
      .def(
          "timer",
          [](TaskMetricEmitter& e, const std::string& name, double seconds, const py::kwargs& tags) {
            e.context->timer(name, seconds, tags);
          },
          py::arg("name"), py::arg("seconds"));

  m.def(
      "register_task",
      [](const std::string& name, const std::vector<std::string>& aliases, const std::string& description,
         std::vector<PropertySpec> properties, py::object fn) {
        TypeSchema schema;
        schema.name = name;
        schema.aliases = aliases;
        schema.description = description;
        schema.properties = std::move(properties);
        register_python_task(std::move(schema), std::move(fn));
      },
      py::arg("name"), py::arg("aliases"), py::arg("description"), py::arg("properties"), py::arg("fn"));
}

}  // namespace runwatch::bindings
