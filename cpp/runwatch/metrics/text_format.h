#pragma once
// The Prometheus text exposition format 0.0.4: writing collected families.
#include <string>
#include <vector>

namespace prometheus {
struct MetricFamily;
enum class MetricType;
}

namespace runwatch::metrics {

inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// One pass over the families into one buffer: label sets are written once per series
// and reused for its histogram buckets, numbers through std::to_chars.
std::string write_text(const std::vector<prometheus::MetricFamily>& families);

// counter, gauge, histogram, summary or untyped.
const char* type_name(prometheus::MetricType type);

// How the format writes a number: shortest round-trip form, NaN, +Inf, -Inf.
void append_number(std::string& out, double value);

}  // namespace runwatch::metrics
