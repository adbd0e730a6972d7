#pragma once
// The Prometheus text exposition format 0.0.4: writing families and series.
#include <string>
#include <string_view>
#include <vector>

namespace prometheus {
struct ClientMetric;
struct MetricFamily;
enum class MetricType;
}  // namespace prometheus

namespace runwatch::metrics {

inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// The HELP and TYPE lines of a family.
void append_family_header(std::string& out, std::string_view name, std::string_view help, prometheus::MetricType type);

// Appends to a label set being built: `{name="value"` into an empty one, else
// `,name="value"`; the value escaped.
void append_label(std::string& out, std::string_view name, std::string_view value);

// The sample lines of one series: `labels` is its label set without the closing brace
// (`{a="x",b="y"`, empty for none), written once per line and followed by a histogram's
// le; values come from `values` (a counter's, gauge's, histogram's or summary's).
void append_series(std::string& out, std::string_view name, prometheus::MetricType type, std::string_view labels,
                   const prometheus::ClientMetric& values);

// Collected families (prometheus-cpp's ClientMetric form), one pass into `out`.
void append_families(std::string& out, const std::vector<prometheus::MetricFamily>& families);
std::string write_text(const std::vector<prometheus::MetricFamily>& families);

// counter, gauge, histogram, summary or untyped.
const char* type_name(prometheus::MetricType type);

// How the format writes a number: shortest round-trip form, NaN, +Inf, -Inf.
void append_number(std::string& out, double value);

}  // namespace runwatch::metrics
