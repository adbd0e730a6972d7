// `promtool check metrics` (Debian's prometheus package) on the engine's exposition
// after a workload.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine_fixture.h"

namespace runwatch::testing {
namespace {

using namespace std::chrono_literals;

struct Run {
  int status;
  std::string output;
};

Run promtool_check(const std::string& text) {
  auto file = std::filesystem::temp_directory_path() / ("runwatch-metrics-" + std::to_string(getpid()) + ".prom");
  std::ofstream(file) << text;
  std::string command = "promtool check metrics < " + file.string() + " 2>&1";
  Run run{0, ""};
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) run.output.append(buffer, n);
  run.status = WEXITSTATUS(pclose(pipe));
  std::filesystem::remove(file);
  return run;
}

TEST_F(EngineTest, MetricsPromtoolAcceptsTheExposition) {
  if (std::system("command -v promtool > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "promtool not found: install Debian's prometheus package (scripts/install-deps.sh)";
  add("id: ok\nnamespace: company.team\ntasks:\n  - {id: log, type: io.kestra.plugin.core.log.Log, message: hi}\n");
  add("id: ko\nnamespace: company.team\ntasks:\n  - {id: fail, type: io.kestra.plugin.core.execution.Fail}\n");
  start("ok");
  start("ko");
  auto run = promtool_check(engine.metrics().prometheus_text());
  // The one finding is Kestra's own name for a gauge: worker.running.count is exposed as
  // kestra_worker_running_count by Kestra too, and dashboards query it by that name.
  EXPECT_EQ(run.output,
            "kestra_worker_running_count non-histogram and non-summary metrics should not have \"_count\" suffix\n");
  EXPECT_EQ(run.status, 3);  // 3: lint findings only; 1 would be a text that does not parse
}

TEST_F(EngineTest, MetricsPromtoolRejectsABrokenText) {
  if (std::system("command -v promtool > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "promtool not found: install Debian's prometheus package (scripts/install-deps.sh)";
  EXPECT_EQ(promtool_check("x{a=\"b} 1\n").status, 1);  // the check above can fail
}

}  // namespace
}  // namespace runwatch::testing
