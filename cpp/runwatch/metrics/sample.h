#pragma once
// One sample of the exposition: what snapshot(), history() and the text parser return.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace runwatch::metrics {

struct Sample {
  std::string name;  // as exposed: a histogram gives name_bucket (with le), name_sum, name_count
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
  std::string type;  // of its family: counter, gauge, histogram, summary, untyped
  std::optional<int64_t> timestamp_ms;

  bool operator==(const Sample&) const = default;
};

// True when the sample belongs to the metric `name`: its own name, or a histogram's or
// summary's _bucket, _sum or _count.
bool sample_of_metric(const Sample& sample, const std::string& name);

}  // namespace runwatch::metrics
