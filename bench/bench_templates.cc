// Template rendering: Kestra's Slack notification message (the SlackExecution template
// of plugin-notifications) rendered from its compiled form, against the peer that
// compiles it on every render (what a template engine without a compile-once cache does).
#include <benchmark/benchmark.h>

#include "../tests/cpp/kestra_notification_templates.h"
#include "runwatch/expr/template.h"

namespace {

using namespace runwatch::expr;

void BM_RenderSlackMessageCompiledOnce(benchmark::State& state) {
  auto slack = Template::compile(kestra::kSlackTemplate);
  auto functions = builtin_functions();
  const auto& variables = kestra::failed_execution();
  size_t bytes = 0;
  for (auto _ : state) bytes += slack->render(variables, functions).size();
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_RenderSlackMessageCompiledOnce);

void BM_RenderSlackMessageCompiledEachTime(benchmark::State& state) {
  auto functions = builtin_functions();
  const auto& variables = kestra::failed_execution();
  size_t bytes = 0;
  for (auto _ : state) bytes += Template::compile(kestra::kSlackTemplate)->render(variables, functions).size();
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_RenderSlackMessageCompiledEachTime);

void BM_RenderSlackMessageAsJsonDocument(benchmark::State& state) {
  auto slack = Template::compile(kestra::kSlackTemplate);
  auto functions = builtin_functions();
  const auto& variables = kestra::failed_execution();
  for (auto _ : state) benchmark::DoNotOptimize(slack->render(variables, functions, OutputContext::JsonDocument));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderSlackMessageAsJsonDocument);

}  // namespace

BENCHMARK_MAIN();
