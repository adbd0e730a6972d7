// Samples in columns: each distinct text once, a column per label with absent cells,
// timestamps only when some sample has one.
#include <gtest/gtest.h>

#include "runwatch/metrics/sample_table.h"

namespace runwatch::metrics {
namespace {

std::vector<std::string> texts_of(const SampleTable& t, const std::vector<int32_t>& column) {
  std::vector<std::string> out;
  for (int32_t i : column) out.push_back(i == SampleTable::kAbsent ? "<absent>" : t.texts.at(static_cast<size_t>(i)));
  return out;
}

TEST(MetricsSampleTable, ColumnsShareTextsAndMarkAbsentLabels) {
  std::vector<Sample> samples{
      {"jobs_total", {{"team", "a"}}, 1, "counter", std::nullopt},
      {"jobs_total", {{"team", "b"}, {"env", "a"}}, 2, "counter", 1700000000123},
      {"queue", {}, 3, "gauge", std::nullopt},
  };
  auto t = tabulate(samples);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t.texts, (std::vector<std::string>{"jobs_total", "counter", "a", "b", "queue", "gauge"}));
  EXPECT_EQ(texts_of(t, t.names), (std::vector<std::string>{"jobs_total", "jobs_total", "queue"}));
  EXPECT_EQ(texts_of(t, t.types), (std::vector<std::string>{"counter", "counter", "gauge"}));
  EXPECT_EQ(t.values, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(t.label_names, (std::vector<std::string>{"env", "team"}));
  EXPECT_EQ(texts_of(t, t.label_values[0]), (std::vector<std::string>{"<absent>", "a", "<absent>"}));
  EXPECT_EQ(texts_of(t, t.label_values[1]), (std::vector<std::string>{"a", "b", "<absent>"}));
  EXPECT_EQ(t.timestamps_us,
            (std::vector<std::optional<int64_t>>{std::nullopt, 1700000000123000, std::nullopt}));
}

TEST(MetricsSampleTable, NoTimestampColumnWithoutTimestamps) {
  auto t = tabulate(std::vector<Sample>{{"up", {}, 1, "gauge", std::nullopt}});
  EXPECT_TRUE(t.timestamps_us.empty());
  EXPECT_TRUE(t.label_names.empty());
}

TEST(MetricsSampleTable, HistorySamplesCarryTheirSamplingTime) {
  const TimePoint at{std::chrono::seconds(1700000000)};
  auto t = tabulate(std::vector<HistorySample>{{at, {"up", {}, 1, "gauge", std::nullopt}}});
  EXPECT_EQ(t.timestamps_us, (std::vector<std::optional<int64_t>>{1700000000000000}));
}

}  // namespace
}  // namespace runwatch::metrics
