// The history: samplings on the manual clock, into a bounded ring buffer.
#include <gtest/gtest.h>

#include <prometheus/counter.h>

#include "runwatch/metrics/metrics.h"

namespace runwatch::metrics {
namespace {

using namespace std::chrono_literals;

const TimePoint kStart = TimePoint(std::chrono::seconds(1'700'000'000));

class MetricsHistory : public ::testing::Test {
 protected:
  ManualClock clock{kStart};

  static MetricsOptions options(size_t capacity = 360) {
    MetricsOptions o;
    o.history_capacity = capacity;
    return o;
  }
  void advance(Metrics& m, Duration d) {
    clock.advance(d);
    ASSERT_TRUE(m.wait_idle(std::chrono::seconds(10)));
  }
  static std::vector<std::pair<TimePoint, double>> points(const Metrics& m, const std::string& name,
                                                          std::optional<TimePoint> since = std::nullopt) {
    std::vector<std::pair<TimePoint, double>> out;
    for (const auto& h : m.history(name, since)) out.emplace_back(h.time, h.sample.value);
    return out;
  }
};

TEST_F(MetricsHistory, SamplesEveryIntervalOnTheEngineClock) {
  Metrics m(clock, options());
  auto& jobs = m.registry().counter("jobs_total", "jobs", {}).with({});
  jobs.Increment(1);
  advance(m, 9s);
  EXPECT_TRUE(points(m, "jobs_total").empty());
  advance(m, 1s);
  jobs.Increment(2);
  advance(m, 10s);
  EXPECT_EQ(points(m, "jobs_total"), (std::vector<std::pair<TimePoint, double>>{{kStart + 10s, 1}, {kStart + 20s, 3}}));
  EXPECT_EQ(points(m, "jobs_total", kStart + 15s), (std::vector<std::pair<TimePoint, double>>{{kStart + 20s, 3}}));
}

TEST_F(MetricsHistory, AJumpOverSeveralInstantsTakesOneSamplingAtTheLatest) {
  Metrics m(clock, options());
  m.registry().gauge("level", "level", {}).with({}).Set(4);
  advance(m, 35s);
  EXPECT_EQ(points(m, "level"), (std::vector<std::pair<TimePoint, double>>{{kStart + 30s, 4}}));
  advance(m, 5s);
  EXPECT_EQ(points(m, "level").back(), (std::pair<TimePoint, double>{kStart + 40s, 4}));
}

TEST_F(MetricsHistory, TheRingBufferKeepsTheLatestSamplings) {
  Metrics m(clock, options(2));
  m.registry().gauge("level", "level", {}).with({}).Set(1);
  for (int i = 0; i < 3; ++i) advance(m, 10s);
  EXPECT_EQ(points(m, "level"), (std::vector<std::pair<TimePoint, double>>{{kStart + 20s, 1}, {kStart + 30s, 1}}));
}

TEST_F(MetricsHistory, WithoutANameEveryMetricIsReturned) {
  Metrics m(clock, options());
  advance(m, 10s);
  auto all = m.history(std::nullopt, std::nullopt);
  bool catalog = false, process = false;
  for (const auto& h : all) {
    catalog = catalog || h.sample.name == "kestra_worker_job_thread";
    process = process || h.sample.name == "process_threads";
  }
  EXPECT_TRUE(catalog);
  EXPECT_TRUE(process);
}

TEST_F(MetricsHistory, BadSettingsAreRefused) {
  auto o = options(0);
  EXPECT_THROW(Metrics(clock, o), Error);
  o = options();
  o.history_interval = Duration::zero();
  EXPECT_THROW(Metrics(clock, o), Error);
}

}  // namespace
}  // namespace runwatch::metrics
