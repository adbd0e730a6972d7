#include "runwatch/metrics/sample_table.h"

#include <algorithm>
#include <chrono>

namespace runwatch::metrics {
namespace {

class TableBuilder {
 public:
  explicit TableBuilder(size_t expected) {
    table_.names.reserve(expected);
    table_.types.reserve(expected);
    table_.values.reserve(expected);
  }

  void add(const Sample& s, std::optional<int64_t> timestamp_us) {
    const size_t row = table_.values.size();
    table_.names.push_back(text(s.name));
    table_.types.push_back(text(s.type));
    table_.values.push_back(s.value);
    if (timestamp_us && !timestamped_) {
      timestamped_ = true;
      table_.timestamps_us.resize(row);
    }
    if (timestamped_) table_.timestamps_us.push_back(timestamp_us);
    for (const auto& [name, value] : s.labels) {
      auto& column = this->column(name);
      column.resize(row, SampleTable::kAbsent);
      column.push_back(text(value));
    }
  }

  SampleTable finish() && {
    const size_t rows = table_.values.size();
    std::vector<size_t> order(columns_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return column_names_[a] < column_names_[b]; });
    for (size_t i : order) {
      columns_[i].resize(rows, SampleTable::kAbsent);
      table_.label_names.push_back(std::move(column_names_[i]));
      table_.label_values.push_back(std::move(columns_[i]));
    }
    return std::move(table_);
  }

 private:
  int32_t text(const std::string& s) {
    auto [it, added] = text_index_.try_emplace(s, static_cast<int32_t>(table_.texts.size()));
    if (added) table_.texts.push_back(s);
    return it->second;
  }

  std::vector<int32_t>& column(const std::string& name) {
    auto [it, added] = column_index_.try_emplace(name, columns_.size());
    if (added) {
      column_names_.push_back(name);
      columns_.emplace_back();
      columns_.back().reserve(table_.values.capacity());
    }
    return columns_[it->second];
  }

  SampleTable table_;
  bool timestamped_ = false;
  std::unordered_map<std::string, int32_t> text_index_;
  std::unordered_map<std::string, size_t> column_index_;
  std::vector<std::string> column_names_;
  std::vector<std::vector<int32_t>> columns_;
};

}  // namespace

SampleTable tabulate(const std::vector<Sample>& samples) {
  TableBuilder builder(samples.size());
  for (const auto& s : samples)
    builder.add(s, s.timestamp_ms ? std::optional<int64_t>(*s.timestamp_ms * 1000) : std::nullopt);
  return std::move(builder).finish();
}

SampleTable tabulate(const std::vector<HistorySample>& samples) {
  TableBuilder builder(samples.size());
  for (const auto& h : samples)
    builder.add(h.sample,
                std::chrono::duration_cast<std::chrono::microseconds>(h.time.time_since_epoch()).count());
  return std::move(builder).finish();
}

}  // namespace runwatch::metrics
