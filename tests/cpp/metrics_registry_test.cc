// The registry's rules: Prometheus names, one type and one tag set per metric, common
// tags; user handles; task metrics.
#include <gtest/gtest.h>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>

#include "metrics_test_support.h"
#include "runwatch/metrics/registry.h"
#include "runwatch/metrics/text_parser.h"
#include "runwatch/metrics/task_metrics.h"

namespace runwatch::metrics {
namespace {

using testing::LabelMap;
using testing::sample_value;

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const MetricError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MetricsNames, PrometheusRules) {
  EXPECT_TRUE(is_metric_name("kestra_worker:rate5m"));
  EXPECT_TRUE(is_metric_name("_x"));
  EXPECT_FALSE(is_metric_name(""));
  EXPECT_FALSE(is_metric_name("9lives"));
  EXPECT_FALSE(is_metric_name("a-b"));
  EXPECT_FALSE(is_metric_name("a.b"));
  EXPECT_TRUE(is_label_name("namespace_id"));
  EXPECT_FALSE(is_label_name("__name__"));
  EXPECT_FALSE(is_label_name("a:b"));
  EXPECT_FALSE(is_label_name("1a"));
  EXPECT_FALSE(is_label_name(""));
  EXPECT_EQ(exposed_name("kestra", "worker.started.count"), "kestra_worker_started_count");
  EXPECT_EQ(exposed_name("", "records.read"), "records_read");
  EXPECT_EQ(error_of([] { check_label_name("__x"); }),
            "invalid tag name '__x': names starting with '__' are reserved by Prometheus");
  EXPECT_EQ(error_of([] { check_label_name("a-b"); }),
            "invalid tag name 'a-b': Prometheus label names match [a-zA-Z_][a-zA-Z0-9_]*");
}

TEST(MetricsRegistry, OneTypeAndOneTagSetPerName) {
  MetricRegistry r("kestra", {{"env", "prod"}});
  auto& jobs = r.counter("jobs_total", "jobs", {"team"});
  EXPECT_EQ(&r.counter("jobs_total", "jobs", {"team"}), &jobs);
  EXPECT_EQ(error_of([&] { r.counter("jobs_total", "jobs", {"team", "site"}); }),
            "metric 'jobs_total' has the tags [team], not [team, site]: every series of a metric carries the same tags");
  EXPECT_EQ(error_of([&] { r.gauge("jobs_total", "jobs", {"team"}); }), "metric 'jobs_total' is a counter, not a gauge");
  EXPECT_EQ(error_of([&] { r.counter("bad name", "", {}); }),
            "invalid metric name 'bad name': Prometheus metric names match [a-zA-Z_:][a-zA-Z0-9_:]*");
  EXPECT_EQ(error_of([&] { r.counter("x_total", "", {"env"}); }), "tag 'env' of metric 'x_total' is already a common tag");
  EXPECT_EQ(error_of([&] { r.counter("y_total", "", {"a", "a"}); }), "metric 'y_total' names a tag twice: [a, a]");
  EXPECT_EQ(error_of([&] { jobs.with({"a", "b"}); }), "expected values for the tags [team], got 2 values");
}

TEST(MetricsRegistry, SeriesCarryTheCommonTagsAndKeepTheirValues) {
  MetricRegistry r("kestra", {{"env", "prod"}});
  r.counter("jobs_total", "jobs", {"team"}).with({"a"}).Increment(3);
  r.gauge("queue", "queue", {}).with({}).Set(7);
  r.histogram("wait_seconds", "wait", {"team"}, {1, 5}).with({"a"}).Observe(2);
  auto samples = parse_text(r.text());
  EXPECT_EQ(sample_value(samples, "jobs_total", {{"env", "prod"}, {"team", "a"}}), 3);
  EXPECT_EQ(sample_value(samples, "queue", {{"env", "prod"}}), 7);
  EXPECT_EQ(sample_value(samples, "wait_seconds_bucket", {{"env", "prod"}, {"team", "a"}, {"le", "1"}}), 0);
  EXPECT_EQ(sample_value(samples, "wait_seconds_bucket", {{"env", "prod"}, {"team", "a"}, {"le", "5"}}), 1);
  EXPECT_EQ(sample_value(samples, "wait_seconds_bucket", {{"env", "prod"}, {"team", "a"}, {"le", "+Inf"}}), 1);
  EXPECT_EQ(sample_value(samples, "wait_seconds_sum", {{"env", "prod"}, {"team", "a"}}), 2);
  EXPECT_EQ(sample_value(samples, "wait_seconds_count", {{"env", "prod"}, {"team", "a"}}), 1);
  for (const auto& s : samples) EXPECT_EQ(sample_of_metric(s, "wait_seconds"), s.name.rfind("wait_seconds_", 0) == 0);
  EXPECT_FALSE(sample_of_metric(testing::samples_named(samples, "jobs_total").at(0), "jobs"));
}

TEST(MetricsTaskMetrics, NamesAreDottedAndTagsFixedByTheFirstEmission) {
  MetricRegistry r("kestra", {});
  TaskMetricSource source{"company.team", "etl", "load"};
  task_counter(r, source, "rows.written", 10, {{"table", "orders"}});
  task_timer(r, source, "load.time", std::chrono::milliseconds(250), {});
  auto samples = parse_text(r.text());
  EXPECT_EQ(sample_value(samples, "kestra_rows_written_total",
                         {{"namespace_id", "company.team"}, {"flow_id", "etl"}, {"task_id", "load"}, {"table", "orders"}}),
            10);
  EXPECT_EQ(sample_value(samples, "kestra_load_time_seconds_sum",
                         {{"namespace_id", "company.team"}, {"flow_id", "etl"}, {"task_id", "load"}}),
            0.25);
  EXPECT_EQ(error_of([&] { task_counter(r, source, "rows.written", 1, {}); }),
            "metric 'kestra_rows_written_total' has the tags [namespace_id, flow_id, task_id, table], not "
            "[namespace_id, flow_id, task_id]: every series of a metric carries the same tags");
  EXPECT_EQ(error_of([&] { task_counter(r, source, "rows.written", -1, {{"table", "orders"}}); }),
            "counter 'rows.written' can only grow: got -1.000000");
  EXPECT_EQ(error_of([&] { task_counter(r, source, "x", 1, {{"flow_id", "other"}}); }),
            "metric 'x': tag 'flow_id' is set by the engine");
  EXPECT_EQ(error_of([&] { task_counter(r, source, "", 1, {}); }), "a metric needs a name");
  EXPECT_EQ(error_of([&] { task_counter(r, source, "rows-written", 1, {}); }),
            "invalid metric name 'kestra_rows-written_total': Prometheus metric names match [a-zA-Z_:][a-zA-Z0-9_:]*");
  EXPECT_EQ(error_of([&] { task_timer(r, source, "t", std::chrono::seconds(-1), {}); }), "timer 't' cannot be negative");
}

}  // namespace
}  // namespace runwatch::metrics
