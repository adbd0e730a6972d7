// The exposition (text format 0.0.4) and the parser: exact texts, round trips, agreement
// with prometheus-cpp's own serializer, and every parse error naming its line.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include "metrics_test_support.h"
#include "runwatch/metrics/registry.h"
#include "runwatch/metrics/text_format.h"
#include "runwatch/metrics/text_parser.h"

namespace runwatch::metrics {
namespace {

const MetricRegistry& sample_registry() {
  static MetricRegistry r("kestra", {{"env", "prod"}});
  static bool filled = [] {
    r.counter("jobs_total", "Jobs done.\nSecond line with \\ backslash", {"team"}).with({"a \"quoted\"\nb\\c"}).Increment(3);
    r.gauge("temperature", "Temp", {}).with({}).Set(-1.5e-7);
    r.gauge("big", "Big", {}).with({}).Set(1e21);
    r.gauge("not_a_number", "NaN", {}).with({}).Set(std::nan(""));
    r.gauge("infinite", "Inf", {}).with({}).Set(-HUGE_VAL);
    auto& h = r.histogram("wait_seconds", "Wait", {"team"}, {0.1, 1}).with({"a"});
    h.Observe(0.05);
    h.Observe(3);
    return true;
  }();
  (void)filled;
  return r;
}

std::vector<prometheus::MetricFamily> sample_families() { return sample_registry().collect(); }

TEST(MetricsText, ExactExposition) {
  MetricRegistry r("", {});
  r.counter("jobs_total", "Jobs \\ done\nnow", {"team"}).with({"a\"b\nc\\d"}).Increment(2);
  auto& h = r.histogram("wait_seconds", "Wait", {}, {0.5, 1}).with({});
  h.Observe(0.25);
  h.Observe(2);
  r.gauge("ratio", "Ratio", {}).with({}).Set(HUGE_VAL);
  const std::string expected =
            "# HELP jobs_total Jobs \\\\ done\\nnow\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{team=\"a\\\"b\\nc\\\\d\"} 2\n"
            "# HELP ratio Ratio\n"
            "# TYPE ratio gauge\n"
            "ratio +Inf\n"
            "# HELP wait_seconds Wait\n"
            "# TYPE wait_seconds histogram\n"
            "wait_seconds_bucket{le=\"0.5\"} 1\n"
            "wait_seconds_bucket{le=\"1\"} 1\n"
            "wait_seconds_bucket{le=\"+Inf\"} 2\n"
            "wait_seconds_sum 2.25\n"
            "wait_seconds_count 2\n";
  EXPECT_EQ(r.text(), expected);
  EXPECT_EQ(write_text(r.collect()), expected);  // the same text from prometheus-cpp's copy of the series
}

bool same(const std::vector<Sample>& a, const std::vector<Sample>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    bool both_nan = std::isnan(a[i].value) && std::isnan(b[i].value);
    if (a[i].name != b[i].name || a[i].labels != b[i].labels || a[i].type != b[i].type ||
        a[i].timestamp_ms != b[i].timestamp_ms || !(both_nan || a[i].value == b[i].value))
      return false;
  }
  return true;
}

TEST(MetricsText, TheParserRoundTripsTheExposition) {
  using Labels = std::vector<std::pair<std::string, std::string>>;
  const Labels env{{"env", "prod"}};
  const Labels team{{"env", "prod"}, {"team", "a"}};
  auto bucket = [&](const char* le) {
    auto labels = team;
    labels.emplace_back("le", le);
    return labels;
  };
  const std::vector<Sample> expected{
      {"jobs_total", {{"env", "prod"}, {"team", "a \"quoted\"\nb\\c"}}, 3, "counter", std::nullopt},
      {"temperature", env, -1.5e-7, "gauge", std::nullopt},
      {"big", env, 1e21, "gauge", std::nullopt},
      {"not_a_number", env, std::nan(""), "gauge", std::nullopt},
      {"infinite", env, -HUGE_VAL, "gauge", std::nullopt},
      {"wait_seconds_bucket", bucket("0.1"), 1, "histogram", std::nullopt},
      {"wait_seconds_bucket", bucket("1"), 1, "histogram", std::nullopt},
      {"wait_seconds_bucket", bucket("+Inf"), 2, "histogram", std::nullopt},
      {"wait_seconds_sum", team, 0.05 + 3, "histogram", std::nullopt},
      {"wait_seconds_count", team, 2, "histogram", std::nullopt},
  };
  EXPECT_TRUE(same(parse_text(sample_registry().text()), expected));
}

// prometheus-cpp 1.0.1 writes a HELP text's newline as is (the next line is then a
// broken sample) and NaN as "Nan"; with single-line help texts both parse the same.
TEST(MetricsText, OurExpositionAndPrometheusCppsParseToTheSameSamples) {
  MetricRegistry r("", {});
  r.counter("jobs_total", "Jobs with a \\ backslash", {"team"}).with({"a \"q\"\nb\\c"}).Increment(3);
  r.gauge("level", "Level", {"k"}).with({"nan"}).Set(std::nan(""));
  r.gauge("level", "Level", {"k"}).with({"tiny"}).Set(-1.5e-7);
  // Bounds exact in binary: prometheus-cpp writes le with 17 digits (0.1 as 0.10000000000000001).
  r.histogram("wait_seconds", "Wait", {}, {0.5, 1}).with({}).Observe(3);
  auto families = r.collect();
  // prometheus-cpp writes a histogram's _count and _sum before its buckets: compare in one order.
  auto by_name = [](std::vector<Sample> samples) {
    std::stable_sort(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) {
      return std::tie(a.name, a.labels) < std::tie(b.name, b.labels);
    });
    return samples;
  };
  EXPECT_TRUE(same(by_name(parse_text(write_text(families))),
                   by_name(parse_text(prometheus::TextSerializer().Serialize(families)))));
  EXPECT_NE(prometheus::TextSerializer().Serialize(families).find("level{k=\"nan\"} Nan\n"), std::string::npos);
}

TEST(MetricsText, PrometheusCppsSerializerBreaksOnAMultiLineHelp) {
  auto families = sample_families();
  EXPECT_THROW(parse_text(prometheus::TextSerializer().Serialize(families)), ParseError);
  EXPECT_NO_THROW(parse_text(write_text(families)));
}

TEST(MetricsText, ParsesWhatOtherExportersWrite) {
  auto samples = parse_text(
      "# A comment\n"
      "\n"
      "# HELP http_requests_total The total.\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total{method=\"post\",code=\"200\",} 1027 1395066363000\n"
      "  http_requests_total { method = \"get\" , code=\"400\" }\t3\n"
      "# TYPE rpc summary\n"
      "rpc{quantile=\"0.5\"} 4773\n"
      "rpc_sum 1.7560473e+07\n"
      "rpc_count 2693\n"
      "free_floating NaN\n"
      "minus -Inf\n"
      "plus +Inf\n"
      "negative_ts 1 -5\n");
  ASSERT_EQ(samples.size(), 9u);
  EXPECT_EQ(samples[0].name, "http_requests_total");
  EXPECT_EQ(samples[0].labels, (std::vector<std::pair<std::string, std::string>>{{"method", "post"}, {"code", "200"}}));
  EXPECT_EQ(samples[0].value, 1027);
  EXPECT_EQ(samples[0].timestamp_ms, 1395066363000);
  EXPECT_EQ(samples[0].type, "counter");
  EXPECT_EQ(samples[1].labels, (std::vector<std::pair<std::string, std::string>>{{"method", "get"}, {"code", "400"}}));
  EXPECT_EQ(samples[1].value, 3);
  EXPECT_EQ(samples[1].timestamp_ms, std::nullopt);
  EXPECT_EQ(samples[2].type, "summary");
  EXPECT_EQ(samples[3].value, 1.7560473e+07);
  EXPECT_EQ(samples[4].type, "summary");
  EXPECT_TRUE(std::isnan(samples[5].value));
  EXPECT_EQ(samples[5].type, "untyped");
  EXPECT_EQ(samples[6].value, -HUGE_VAL);
  EXPECT_EQ(samples[7].value, HUGE_VAL);
  EXPECT_EQ(samples[8].timestamp_ms, -5);
}

std::string parse_error(const std::string& text) {
  try {
    parse_text(text);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MetricsText, MalformedTextIsAnErrorNamingTheLine) {
  EXPECT_EQ(parse_error("ok 1\n9bad 1\n"), "line 2: expected a metric name: 9bad 1");
  EXPECT_EQ(parse_error("x{a=\"1\" 2\n"), "line 1: expected ',' or '}' in the label set: x{a=\"1\" 2");
  EXPECT_EQ(parse_error("x{a=\"1\",\n"), "line 1: unterminated label set: x{a=\"1\",");
  EXPECT_EQ(parse_error("x{a=\"1\n"), "line 1: unterminated label value: x{a=\"1");
  EXPECT_EQ(parse_error("x{a=\"1\\\n"), "line 1: unterminated label value: x{a=\"1\\");
  EXPECT_EQ(parse_error("x{a=\"\\t\"} 1\n"), "line 1: invalid escape sequence '\\t' in a label value: x{a=\"\\t\"} 1");
  EXPECT_EQ(parse_error("x{a=\"\\\u00e9\"} 1\n"),
            "line 1: invalid escape sequence '\\\u00e9' in a label value: x{a=\"\\\u00e9\"} 1");
  EXPECT_EQ(parse_error("x{a 1\n"), "line 1: expected '=' after label name 'a': x{a 1");
  EXPECT_EQ(parse_error("x{a=1} 1\n"), "line 1: expected a quoted label value: x{a=1} 1");
  EXPECT_EQ(parse_error("x{=\"1\"} 1\n"), "line 1: expected a label name: x{=\"1\"} 1");
  EXPECT_EQ(parse_error("x{__name__=\"y\"} 1\n"), "line 1: invalid label name '__name__': x{__name__=\"y\"} 1");
  EXPECT_EQ(parse_error("x{a=\"1\",a=\"2\"} 1\n"), "line 1: label 'a' appears twice: x{a=\"1\",a=\"2\"} 1");
  EXPECT_EQ(parse_error("x\n"), "line 1: expected a value: x");
  EXPECT_EQ(parse_error("x one\n"), "line 1: invalid value 'one': x one");
  EXPECT_EQ(parse_error("x ++1\n"), "line 1: invalid value '++1': x ++1");
  EXPECT_EQ(parse_error("x 1 1.5\n"), "line 1: invalid timestamp '1.5': x 1 1.5");
  EXPECT_EQ(parse_error("x 1 2 3\n"), "line 1: unexpected text after the timestamp: x 1 2 3");
  EXPECT_EQ(parse_error("# TYPE x countr\n"), "line 1: unknown metric type 'countr': # TYPE x countr");
  EXPECT_EQ(parse_error("# TYPE x counter extra\n"), "line 1: unexpected text after the type: # TYPE x counter extra");
  EXPECT_EQ(parse_error("# TYPE x gauge\n# TYPE x gauge\n"), "line 2: second TYPE line for metric 'x': # TYPE x gauge");
  EXPECT_EQ(parse_error("# HELP 1x help\n"), "line 1: expected a metric name: # HELP 1x help");
  EXPECT_EQ(parse_error("# HELP x-y help\n"), "line 1: invalid metric name: # HELP x-y help");
  EXPECT_EQ(parse_error(std::string("x{a=\"") + std::string(200, 'v')),
            "line 1: unterminated label value: x{a=\"" + std::string(115, 'v') + "...");
}

TEST(MetricsText, TextThatIsNotUtf8IsAnErrorNamingLineAndColumn) {
  EXPECT_EQ(parse_error("ok 1\nx{a=\"caf\xC3\xA9 \x86\"} 1\n"),
            "line 2: invalid UTF-8 at column 11: x{a=\"caf\u00e9 \ufffd\"} 1");
  EXPECT_EQ(parse_error("x{a=\"\xED\xA0\x80\"} 1\n"), "line 1: invalid UTF-8 at column 6: x{a=\"\ufffd\ufffd\ufffd\"} 1");
}

TEST(MetricsText, AShortenedLineIsNeverCutInsideACharacter) {
  // 118 ASCII bytes then "é" (2 bytes): cutting at 120 bytes would split it.
  std::string line = "x{a=\"" + std::string(113, 'v') + "\u00e9\u00e9";
  EXPECT_EQ(parse_error(line), "line 1: unterminated label value: x{a=\"" + std::string(113, 'v') + "\u00e9...");
}

TEST(MetricsText, ADuplicateLabelAmongManyIsFoundInOnePass) {
  std::string text = "x{";
  for (int i = 0; i < 100'000; ++i) text += "l" + std::to_string(i) + "=\"v\",";
  text += "l99999=\"again\"} 1\n";
  std::string error = parse_error(text);
  EXPECT_EQ(error.substr(0, 40), "line 1: label 'l99999' appears twice: x{");
}

TEST(MetricsText, OverflowingValuesBecomeInfinityOrZero) {
  auto samples = parse_text("a 1e999\nb -1e999\nc 1e-999\n");
  EXPECT_EQ(samples[0].value, HUGE_VAL);
  EXPECT_EQ(samples[1].value, -HUGE_VAL);
  EXPECT_EQ(samples[2].value, 0);
}

}  // namespace
}  // namespace runwatch::metrics
