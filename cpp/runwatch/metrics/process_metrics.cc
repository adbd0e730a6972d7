#include "runwatch/metrics/process_metrics.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <prometheus/metric_family.h>
#include <unistd.h>

namespace runwatch::metrics {
namespace {

struct ProcStat {
  double cpu_seconds;
  double threads;
  double start_ticks;  // since boot
};

// /proc/self/stat: the command (field 2) may hold spaces, so fields are counted after its ')'.
std::optional<ProcStat> read_stat() {
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::vector<std::string> f{std::istream_iterator<std::string>(fields), std::istream_iterator<std::string>()};
  // f[0] is field 3 (state): field n is f[n - 3].
  if (f.size() < 20) return std::nullopt;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return ProcStat{(std::stod(f[11]) + std::stod(f[12])) / ticks, std::stod(f[17]), std::stod(f[19]) / ticks};
}

std::optional<double> boot_time() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return std::nullopt;
}

std::optional<double> resident_bytes() {
  std::ifstream in("/proc/self/statm");
  double size, resident;
  if (!(in >> size >> resident)) return std::nullopt;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE));
}

std::optional<double> open_fds() {
  std::error_code error;
  double n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end; it.increment(error))
    ++n;
  if (error) return std::nullopt;
  return n - 1;  // the iterator's own descriptor
}

void add(std::vector<prometheus::MetricFamily>& out, const Tags& tags, std::string name, std::string help,
         prometheus::MetricType type, std::optional<double> value) {
  if (!value) return;
  prometheus::ClientMetric metric;
  for (const auto& [k, v] : tags) metric.label.push_back({k, v});
  if (type == prometheus::MetricType::Counter) metric.counter.value = *value;
  else metric.gauge.value = *value;
  out.push_back({std::move(name), std::move(help), type, {std::move(metric)}});
}

}  // namespace

std::vector<prometheus::MetricFamily> process_metrics(const Tags& tags) {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  auto stat = read_stat();
  auto boot = boot_time();
  add(out, tags, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", MetricType::Counter,
      stat ? std::optional(stat->cpu_seconds) : std::nullopt);
  add(out, tags, "process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
      resident_bytes());
  add(out, tags, "process_open_fds", "Number of open file descriptors.", MetricType::Gauge, open_fds());
  add(out, tags, "process_threads", "Number of OS threads in the process.", MetricType::Gauge,
      stat ? std::optional(stat->threads) : std::nullopt);
  add(out, tags, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
      MetricType::Gauge, stat && boot ? std::optional(*boot + stat->start_ticks) : std::nullopt);
  return out;
}

}  // namespace runwatch::metrics
