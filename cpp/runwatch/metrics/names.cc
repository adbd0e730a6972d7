#include "runwatch/metrics/names.h"

namespace runwatch::metrics {
namespace {

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_metric_name(std::string_view name) {
  if (name.empty() || !(is_letter(name[0]) || name[0] == ':')) return false;
  for (char c : name)
    if (!(is_letter(c) || is_digit(c) || c == ':')) return false;
  return true;
}

bool is_label_name(std::string_view name) {
  if (name.empty() || !is_letter(name[0]) || name.substr(0, 2) == "__") return false;
  for (char c : name)
    if (!(is_letter(c) || is_digit(c))) return false;
  return true;
}

void check_metric_name(std::string_view name) {
  if (!is_metric_name(name))
    throw MetricError("invalid metric name '" + std::string(name) +
                      "': Prometheus metric names match [a-zA-Z_:][a-zA-Z0-9_:]*");
}

void check_label_name(std::string_view name) {
  if (name.substr(0, 2) == "__")
    throw MetricError("invalid tag name '" + std::string(name) + "': names starting with '__' are reserved by Prometheus");
  if (!is_label_name(name))
    throw MetricError("invalid tag name '" + std::string(name) + "': Prometheus label names match [a-zA-Z_][a-zA-Z0-9_]*");
}

std::string exposed_name(std::string_view prefix, std::string_view dotted) {
  std::string out;
  out.reserve(prefix.size() + 1 + dotted.size());
  if (!prefix.empty()) {
    out.append(prefix);
    out.push_back('.');
  }
  out.append(dotted);
  for (auto& c : out)
    if (c == '.') c = '_';
  return out;
}

}  // namespace runwatch::metrics
