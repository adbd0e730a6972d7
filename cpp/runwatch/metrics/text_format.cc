#include "runwatch/metrics/text_format.h"

#include <charconv>
#include <cmath>

#include <prometheus/metric_family.h>

namespace runwatch::metrics {
namespace {

void append_escaped(std::string& out, const std::string& text, bool quote) {
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (quote && c == '"') out += "\\\"";
    else out.push_back(c);
  }
}

void append_integer(std::string& out, uint64_t value) {
  char buffer[24];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  out.append(buffer, end);
}

// `{a="x",b="y"` without the closing brace, so a histogram bucket can add its le.
std::string label_prefix(const prometheus::ClientMetric& metric) {
  std::string out;
  for (const auto& label : metric.label) {
    out.push_back(out.empty() ? '{' : ',');
    out += label.name;
    out += "=\"";
    append_escaped(out, label.value, true);
    out.push_back('"');
  }
  return out;
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void family(const prometheus::MetricFamily& f) {
    out_ += "# HELP ";
    out_ += f.name;
    out_.push_back(' ');
    append_escaped(out_, f.help, false);
    out_ += "\n# TYPE ";
    out_ += f.name;
    out_.push_back(' ');
    out_ += type_name(f.type);
    out_.push_back('\n');
    for (const auto& m : f.metric) metric(f, m);
  }

 private:
  void metric(const prometheus::MetricFamily& f, const prometheus::ClientMetric& m) {
    labels_ = label_prefix(m);
    switch (f.type) {
      case prometheus::MetricType::Counter: sample(f.name, "", m.counter.value, m); break;
      case prometheus::MetricType::Gauge: sample(f.name, "", m.gauge.value, m); break;
      case prometheus::MetricType::Summary:
        for (const auto& q : m.summary.quantile) sample_with(f.name, "", "quantile", q.quantile, q.value, m);
        sample(f.name, "_sum", m.summary.sample_sum, m);
        count(f.name, m.summary.sample_count, m);
        break;
      case prometheus::MetricType::Histogram:
        for (const auto& b : m.histogram.bucket)
          sample_with(f.name, "_bucket", "le", b.upper_bound, static_cast<double>(b.cumulative_count), m);
        sample(f.name, "_sum", m.histogram.sample_sum, m);
        count(f.name, m.histogram.sample_count, m);
        break;
      default: sample(f.name, "", m.untyped.value, m); break;
    }
  }

  void head(const std::string& name, const char* suffix) {
    out_ += name;
    out_ += suffix;
    out_ += labels_;
    if (!labels_.empty()) out_.push_back('}');
    out_.push_back(' ');
  }

  void tail(const prometheus::ClientMetric& m) {
    if (m.timestamp_ms != 0) {
      out_.push_back(' ');
      char buffer[24];
      out_.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, m.timestamp_ms).ptr);
    }
    out_.push_back('\n');
  }

  void sample(const std::string& name, const char* suffix, double value, const prometheus::ClientMetric& m) {
    head(name, suffix);
    append_number(out_, value);
    tail(m);
  }

  void count(const std::string& name, uint64_t value, const prometheus::ClientMetric& m) {
    head(name, "_count");
    append_integer(out_, value);
    tail(m);
  }

  void sample_with(const std::string& name, const char* suffix, const char* label, double bound, double value,
                   const prometheus::ClientMetric& m) {
    out_ += name;
    out_ += suffix;
    out_ += labels_;
    out_.push_back(labels_.empty() ? '{' : ',');
    out_ += label;
    out_ += "=\"";
    append_number(out_, bound);
    out_ += "\"} ";
    append_number(out_, value);
    tail(m);
  }

  std::string& out_;
  std::string labels_;
};

}  // namespace

const char* type_name(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter: return "counter";
    case prometheus::MetricType::Gauge: return "gauge";
    case prometheus::MetricType::Histogram: return "histogram";
    case prometheus::MetricType::Summary: return "summary";
    default: return "untyped";
  }
}

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[32];
    out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
  }
}

std::string write_text(const std::vector<prometheus::MetricFamily>& families) {
  std::string out;
  size_t series = 0;
  for (const auto& f : families) series += f.metric.size() * (f.type == prometheus::MetricType::Histogram ? 8 : 1);
  out.reserve(series * 96 + families.size() * 128);
  Writer writer(out);
  for (const auto& f : families) writer.family(f);
  return out;
}

}  // namespace runwatch::metrics
