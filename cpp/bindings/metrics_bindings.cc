// The engine's metrics, user metric handles and the Prometheus text parser. Samples
// cross as plain tuples (name, labels, value, type, timestamp); runwatch.metrics makes
// them records.
#include <pybind11/stl.h>

#include "bindings.h"
#include "runwatch/metrics/metrics.h"
#include "runwatch/metrics/text_parser.h"
#include "runwatch/metrics/user_metrics.h"
#include "value_cast.h"

namespace runwatch::bindings {
namespace {

using metrics::Sample;

py::tuple sample_tuple(const Sample& s, py::object timestamp) {
  py::dict labels;
  for (const auto& [k, v] : s.labels) labels[py::str(k)] = py::str(v);
  return py::make_tuple(s.name, std::move(labels), s.value, s.type, std::move(timestamp));
}

py::object timestamp_of(const Sample& s) {
  if (!s.timestamp_ms) return py::none();
  return to_datetime(TimePoint(std::chrono::milliseconds(*s.timestamp_ms)));
}

py::list sample_list(const std::vector<Sample>& samples) {
  py::list out(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) out[i] = sample_tuple(samples[i], timestamp_of(samples[i]));
  return out;
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
      .def("snapshot", [](const metrics::Metrics& self) { return sample_list(self.snapshot()); })
      .def(
          "history",
          [](const metrics::Metrics& self, std::optional<std::string> name, py::object since) {
            std::optional<TimePoint> from;
            if (!since.is_none()) from = from_datetime(since);
            py::list out;
            for (const auto& h : self.history(name, from)) out.append(sample_tuple(h.sample, to_datetime(h.time)));
            return out;
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
      [](const std::string& text) {
        std::vector<Sample> samples;
        {
          py::gil_scoped_release release;
          samples = metrics::parse_text(text);
        }
        return sample_list(samples);
      },
      py::arg("text"));
}

}  // namespace runwatch::bindings
