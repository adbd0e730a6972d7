// Python notifiers (runwatch.Notifier): Python registers its notifier as a task type like
// any Python task, then makes it a notifier (make_summarizing_notifier), so that each run
// hands it the execution summary the *Execution tasks send beside the rendered properties.
#include "bindings.h"
#include "runwatch/plugins.h"

namespace runwatch::bindings {

void bind_notifiers(py::module_& m) {
  // The property under which the Python side finds the summary.
  static constexpr const char* kMessageKey = "__notification_message__";
  m.attr("NOTIFIER_MESSAGE_KEY") = kMessageKey;
  m.def(
      "wrap_notifier", [](const std::string& name) { make_summarizing_notifier(name, kMessageKey); }, py::arg("name"),
      "Makes the registered Python task type `name` a notifier: its runs receive the execution summary.");
}

}  // namespace runwatch::bindings
