#pragma once
// Reading one sample out of a snapshot, by name and exact label set.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/metrics/sample.h"

namespace runwatch::testing {

using LabelMap = std::map<std::string, std::string>;

inline LabelMap label_map(const metrics::Sample& s) { return LabelMap(s.labels.begin(), s.labels.end()); }

// The value of the sample with this name and exactly these labels; nullopt when absent.
inline std::optional<double> sample_value(const std::vector<metrics::Sample>& samples, const std::string& name,
                                          const LabelMap& labels) {
  for (const auto& s : samples)
    if (s.name == name && label_map(s) == labels) return s.value;
  return std::nullopt;
}

// The samples named `name`, whatever their labels.
inline std::vector<metrics::Sample> samples_named(const std::vector<metrics::Sample>& samples, const std::string& name) {
  std::vector<metrics::Sample> out;
  for (const auto& s : samples)
    if (s.name == name) out.push_back(s);
  return out;
}

}  // namespace runwatch::testing
