// The engine's metrics, user metric handles and the Prometheus text parser. Samples
// cross as the columns of a SampleTable (names, types, values, timestamps, one column per
// label), each distinct text one Python string; runwatch.metrics.Records wraps them.
#include <pybind11/stl.h>

#include <unordered_map>

#include "bindings.h"
#include "runwatch/metrics/metrics.h"
#include "runwatch/metrics/sample_table.h"
#include "runwatch/metrics/text_parser.h"
#include "runwatch/metrics/user_metrics.h"
#include "value_cast.h"

namespace runwatch::bindings {
namespace {

using metrics::SampleTable;

py::list column(const std::vector<int32_t>& indexes, const std::vector<py::object>& texts) {
  py::list out(indexes.size());
  for (size_t i = 0; i < indexes.size(); ++i)
    out[i] = indexes[i] == SampleTable::kAbsent ? py::none() : texts[static_cast<size_t>(indexes[i])];
  return out;
}

py::object timestamps(const SampleTable& table) {
  if (table.timestamps_us.empty()) return py::none();
  std::unordered_map<int64_t, py::object> made;  // history: one datetime per sampling
  py::list out(table.size());
  for (size_t i = 0; i < table.size(); ++i) {
    const auto& us = table.timestamps_us[i];
    if (!us) {
      out[i] = py::none();
      continue;
    }
    auto& t = made[*us];
    if (!t) t = to_datetime(TimePoint(std::chrono::microseconds(*us)));
    out[i] = t;
  }
  return out;
}

// (names, types, values, timestamps or None, {label: column}).
py::tuple columns(const SampleTable& table) {
  std::vector<py::object> texts;
  texts.reserve(table.texts.size());
  for (const auto& t : table.texts) texts.push_back(py::str(t));
  py::dict labels;
  for (size_t c = 0; c < table.label_names.size(); ++c)
    labels[py::str(table.label_names[c])] = column(table.label_values[c], texts);
  return py::make_tuple(column(table.names, texts), column(table.types, texts), py::cast(table.values),
                        timestamps(table), std::move(labels));
}

}  // namespace

metrics::Tags tags_from(const py::dict& tags) {
  metrics::Tags out;
  for (auto [k, v] : tags) out.emplace(py::str(k), py::str(v));
  return out;
}

void bind_metrics(py::module_& m) {
  py::class_<metrics::UserCounter>(m, "CounterHandle")
      .def("inc", &metrics::UserCounter::inc, py::arg("amount") = 1.0)
      .def_property_readonly("value", &metrics::UserCounter::value);
  py::class_<metrics::UserGauge>(m, "GaugeHandle")
      .def("set", &metrics::UserGauge::set, py::arg("value"))
      .def("inc", &metrics::UserGauge::inc, py::arg("amount") = 1.0)
      .def("dec", &metrics::UserGauge::dec, py::arg("amount") = 1.0)
      .def_property_readonly("value", &metrics::UserGauge::value);
  py::class_<metrics::UserHistogram>(m, "HistogramHandle").def("observe", &metrics::UserHistogram::observe, py::arg("value"));

  // Handles keep a pointer into the registry: reference_internal keeps the engine alive.
  py::class_<metrics::Metrics>(m, "Metrics")
      .def("prometheus_text", &metrics::Metrics::prometheus_text, py::call_guard<py::gil_scoped_release>())
      .def("snapshot", [](const metrics::Metrics& self) { return columns(metrics::tabulate(self.snapshot())); })
      .def(
          "history",
          [](const metrics::Metrics& self, std::optional<std::string> name, py::object since) {
            std::optional<TimePoint> from;
            if (!since.is_none()) from = from_datetime(since);
            return columns(metrics::tabulate(self.history(name, from)));
          },
          py::arg("name") = py::none(), py::arg("since") = py::none())
      .def(
          "counter",
          [](metrics::Metrics& self, const std::string& name, const py::dict& tags) {
            return metrics::user_counter(self.registry(), name, tags_from(tags));
          },
          py::arg("name"), py::arg("tags"), py::keep_alive<0, 1>())
      .def(
          "gauge",
          [](metrics::Metrics& self, const std::string& name, const py::dict& tags) {
            return metrics::user_gauge(self.registry(), name, tags_from(tags));
          },
          py::arg("name"), py::arg("tags"), py::keep_alive<0, 1>())
      .def(
          "histogram",
          [](metrics::Metrics& self, const std::string& name, const py::dict& tags, std::vector<double> buckets) {
            return metrics::user_histogram(self.registry(), name, tags_from(tags), std::move(buckets));
          },
          py::arg("name"), py::arg("tags"), py::arg("buckets"), py::keep_alive<0, 1>());

  m.def(
      "parse_prometheus",
      [](py::handle text_or_bytes) {
        std::string text = text_bytes(text_or_bytes);
        SampleTable table;
        {
          py::gil_scoped_release release;
          table = metrics::tabulate(metrics::parse_text(text));
        }
        return columns(table);
      },
      py::arg("text"));
}

}  // namespace runwatch::bindings
