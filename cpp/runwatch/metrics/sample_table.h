#pragma once
// Samples in columns, each distinct text kept once: the form in which snapshots, history
// and parsed texts cross to Python, where a column of 100,000 names is 100,000 references
// to a few shared strings rather than 100,000 strings, and a DataFrame is one step away.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runwatch/metrics/history.h"
#include "runwatch/metrics/sample.h"

namespace runwatch::metrics {

struct SampleTable {
  static constexpr int32_t kAbsent = -1;  // a label the sample does not carry

  std::vector<std::string> texts;  // every distinct name, type and label value, once
  std::vector<int32_t> names;      // per sample: index into texts
  std::vector<int32_t> types;
  std::vector<double> values;
  // Per sample, microseconds since the epoch (a parsed sample's own timestamp, a history
  // sample's sampling time); empty when no sample has one.
  std::vector<std::optional<int64_t>> timestamps_us;
  std::vector<std::string> label_names;          // one column each, sorted by name
  std::vector<std::vector<int32_t>> label_values;  // [column][sample]: index into texts, or kAbsent

  size_t size() const { return values.size(); }
};

SampleTable tabulate(const std::vector<Sample>& samples);
SampleTable tabulate(const std::vector<HistorySample>& samples);

}  // namespace runwatch::metrics
