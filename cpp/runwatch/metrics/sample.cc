#include "runwatch/metrics/sample.h"

namespace runwatch::metrics {

bool sample_of_metric(const Sample& sample, const std::string& name) {
  if (sample.name == name) return true;
  if (sample.type != "histogram" && sample.type != "summary") return false;
  if (sample.name.compare(0, name.size(), name) != 0) return false;
  std::string_view rest(sample.name);
  rest.remove_prefix(name.size());
  return rest == "_sum" || rest == "_count" || (sample.type == "histogram" && rest == "_bucket");
}

}  // namespace runwatch::metrics
