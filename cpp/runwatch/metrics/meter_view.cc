#include "runwatch/metrics/meter_view.h"

#include <algorithm>

namespace runwatch::metrics {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view without(std::string_view s, std::string_view suffix) {
  return ends_with(s, suffix) ? s.substr(0, s.size() - suffix.size()) : s;
}

// The Prometheus family a sample belongs to, and which part of it the sample is.
struct Part {
  std::string_view family;
  std::string_view suffix;  // "", "_bucket", "_sum" or "_count"
};

Part part_of(const Sample& s) {
  if (s.type == "histogram" || s.type == "summary") {
    for (std::string_view suffix : {"_bucket", "_sum", "_count"})
      if (ends_with(s.name, suffix) && (suffix != "_bucket" || s.type == "histogram"))
        return {without(s.name, suffix), suffix};
  }
  return {s.name, ""};
}

std::string dotted(const Sample& s, std::string_view family) {
  std::string_view base = family;
  if (s.type == "counter") base = without(base, "_total");
  if (s.type == "histogram") base = without(base, "_seconds");
  std::string out(base);
  std::replace(out.begin(), out.end(), '_', '.');
  return out;
}

bool has_tags(const Sample& s, const std::vector<std::pair<std::string, std::string>>& required) {
  return std::all_of(required.begin(), required.end(), [&](const auto& tag) {
    return std::find(s.labels.begin(), s.labels.end(), tag) != s.labels.end();
  });
}

// Micrometer's statistics, in the order it lists them.
constexpr std::string_view kStatistics[] = {"COUNT", "VALUE", "TOTAL_TIME", "TOTAL"};

class Totals {
 public:
  void add(std::string_view statistic, double value) {
    for (size_t i = 0; i < std::size(kStatistics); ++i)
      if (kStatistics[i] == statistic) {
        totals_[i] = totals_[i].value_or(0) + value;
        return;
      }
  }
  std::vector<std::pair<std::string, double>> take() const {
    std::vector<std::pair<std::string, double>> out;
    for (size_t i = 0; i < std::size(kStatistics); ++i)
      if (totals_[i]) out.emplace_back(kStatistics[i], *totals_[i]);
    return out;
  }

 private:
  std::optional<double> totals_[std::size(kStatistics)];
};

}  // namespace

std::vector<std::string> meter_names(const std::vector<Sample>& samples) {
  std::set<std::string> names;
  for (const auto& s : samples) names.insert(dotted(s, part_of(s).family));
  return {names.begin(), names.end()};
}

std::optional<MeterReading> read_meter(const std::vector<Sample>& samples, std::string_view name,
                                       const std::vector<std::pair<std::string, std::string>>& required) {
  MeterReading reading;
  Totals totals;
  bool found = false;
  for (const auto& s : samples) {
    const Part part = part_of(s);
    const std::string meter = dotted(s, part.family);
    if ((meter != name && part.family != name) || !has_tags(s, required)) continue;
    found = true;
    reading.name = meter;
    if (s.type == "histogram") reading.base_unit = ends_with(part.family, "_seconds") ? "seconds" : std::optional<std::string>();
    if (part.suffix == "_count") totals.add("COUNT", s.value);
    else if (part.suffix == "_sum") totals.add(s.type == "histogram" && reading.base_unit ? "TOTAL_TIME" : "TOTAL", s.value);
    else if (part.suffix.empty() && s.type == "counter") totals.add("COUNT", s.value);
    else if (part.suffix.empty() && s.type != "summary") totals.add("VALUE", s.value);
    for (const auto& label : s.labels) {
      const std::string& tag = label.first;  // named, not bound: clang 14 cannot capture a structured binding
      if (tag == "le" || tag == "quantile") continue;
      if (std::any_of(required.begin(), required.end(), [&](const auto& r) { return r.first == tag; })) continue;
      reading.available_tags[tag].insert(label.second);
    }
  }
  if (!found) return std::nullopt;
  reading.measurements = totals.take();
  return reading;
}

}  // namespace runwatch::metrics
