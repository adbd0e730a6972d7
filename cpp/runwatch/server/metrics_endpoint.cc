#include "runwatch/server/metrics_endpoint.h"

#include <httplib.h>

#include "runwatch/metrics/meter_view.h"

namespace runwatch {
namespace {

// Each `tag` query parameter is key:value, as Micronaut takes them.
std::vector<std::pair<std::string, std::string>> tag_filter(const httplib::Request& req) {
  std::vector<std::pair<std::string, std::string>> tags;
  for (size_t i = 0, n = req.get_param_value_count("tag"); i < n; ++i) {
    const std::string tag = req.get_param_value("tag", i);
    const auto colon = tag.find(':');
    if (colon == std::string::npos || colon == 0)
      throw HttpStatusError(400, "tag '" + tag + "' is not of the form key:value");
    tags.emplace_back(tag.substr(0, colon), tag.substr(colon + 1));
  }
  return tags;
}

Value meter_json(const metrics::MeterReading& reading) {
  Value measurements = Value::array();
  for (const auto& [statistic, value] : reading.measurements)
    measurements.push_back({{"statistic", statistic}, {"value", value}});
  Value tags = Value::array();
  for (const auto& [tag, values] : reading.available_tags) tags.push_back({{"tag", tag}, {"values", values}});
  return {{"name", reading.name},
          {"baseUnit", reading.base_unit ? Value(*reading.base_unit) : Value()},
          {"measurements", measurements},
          {"availableTags", tags}};
}

}  // namespace

void add_metrics_routes(Router& router, std::function<std::vector<metrics::Sample>()> samples) {
  router.get("/metrics", [samples](const Match&) {
    return Answer::json({{"names", metrics::meter_names(samples())}});
  });
  router.get("/metrics/{name}", [samples](const Match& m) {
    const auto tags = tag_filter(m.request);
    auto reading = metrics::read_meter(samples(), m.param("name"), tags);
    if (!reading)
      throw HttpStatusError(404, "No metric named '" + m.param("name") + "'" +
                                     (tags.empty() ? std::string() : " has series with the requested tags"));
    return Answer::json(meter_json(*reading));
  });
}

}  // namespace runwatch
