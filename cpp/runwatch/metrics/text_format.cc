#include "runwatch/metrics/text_format.h"

#include <charconv>
#include <cmath>

#include <prometheus/metric_family.h>

namespace runwatch::metrics {
namespace {

void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (quote && c == '"') out += "\\\"";
    else out.push_back(c);
  }
}

void append_integer(std::string& out, uint64_t value) {
  char buffer[24];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

class SeriesWriter {
 public:
  SeriesWriter(std::string& out, std::string_view name, std::string_view labels, const prometheus::ClientMetric& m)
      : out_(out), name_(name), labels_(labels), m_(m) {}

  void write(prometheus::MetricType type) {
    switch (type) {
      case prometheus::MetricType::Counter: sample("", m_.counter.value); break;
      case prometheus::MetricType::Gauge: sample("", m_.gauge.value); break;
      case prometheus::MetricType::Summary:
        for (const auto& q : m_.summary.quantile) sample_with("", "quantile", q.quantile, q.value);
        sample("_sum", m_.summary.sample_sum);
        count(m_.summary.sample_count);
        break;
      case prometheus::MetricType::Histogram:
        for (const auto& b : m_.histogram.bucket)
          sample_with("_bucket", "le", b.upper_bound, static_cast<double>(b.cumulative_count));
        sample("_sum", m_.histogram.sample_sum);
        count(m_.histogram.sample_count);
        break;
      default: sample("", m_.untyped.value); break;
    }
  }

 private:
  void head(const char* suffix) {
    out_ += name_;
    out_ += suffix;
    out_ += labels_;
    if (!labels_.empty()) out_.push_back('}');
    out_.push_back(' ');
  }

  void tail() {
    if (m_.timestamp_ms != 0) {
      out_.push_back(' ');
      char buffer[24];
      out_.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, m_.timestamp_ms).ptr);
    }
    out_.push_back('\n');
  }

  void sample(const char* suffix, double value) {
    head(suffix);
    append_number(out_, value);
    tail();
  }

  void count(uint64_t value) {
    head("_count");
    append_integer(out_, value);
    tail();
  }

  void sample_with(const char* suffix, const char* label, double bound, double value) {
    out_ += name_;
    out_ += suffix;
    out_ += labels_;
    out_.push_back(labels_.empty() ? '{' : ',');
    out_ += label;
    out_ += "=\"";
    append_number(out_, bound);
    out_ += "\"} ";
    append_number(out_, value);
    tail();
  }

  std::string& out_;
  std::string_view name_;
  std::string_view labels_;
  const prometheus::ClientMetric& m_;
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

void append_family_header(std::string& out, std::string_view name, std::string_view help, prometheus::MetricType type) {
  out += "# HELP ";
  out += name;
  out.push_back(' ');
  append_escaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out.push_back(' ');
  out += type_name(type);
  out.push_back('\n');
}

void append_label(std::string& out, std::string_view name, std::string_view value) {
  out.push_back(out.empty() ? '{' : ',');
  out += name;
  out += "=\"";
  append_escaped(out, value, true);
  out.push_back('"');
}

void append_series(std::string& out, std::string_view name, prometheus::MetricType type, std::string_view labels,
                   const prometheus::ClientMetric& values) {
  SeriesWriter(out, name, labels, values).write(type);
}

void append_families(std::string& out, const std::vector<prometheus::MetricFamily>& families) {
  std::string labels;
  for (const auto& f : families) {
    append_family_header(out, f.name, f.help, f.type);
    for (const auto& m : f.metric) {
      labels.clear();
      for (const auto& label : m.label) append_label(labels, label.name, label.value);
      append_series(out, f.name, f.type, labels, m);
    }
  }
}

std::string write_text(const std::vector<prometheus::MetricFamily>& families) {
  std::string out;
  size_t series = 0;
  for (const auto& f : families) series += f.metric.size() * (f.type == prometheus::MetricType::Histogram ? 8 : 1);
  out.reserve(series * 96 + families.size() * 128);
  append_families(out, families);
  return out;
}

}  // namespace runwatch::metrics
