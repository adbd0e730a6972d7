// What linear-time regular expressions and UTF-8 checks cost: runwatch's RE2 patterns
// (regex/) against libstdc++'s std::regex, the peer they replaced, per match, on an input
// validator and on a template filter's split, with subjects 10x and 100x longer; and the
// UTF-8 check every request body, form field and query parameter goes through, against
// one pass over the same bytes that only sums them (the least any check can cost).
#include <benchmark/benchmark.h>

#include <numeric>
#include <regex>
#include <string>

#include "runwatch/model/utf8.h"
#include "runwatch/regex/pattern.h"

namespace {

using runwatch::regex::Pattern;

// An e-mail validator of the kind flows put on STRING inputs, on a valid address made
// longer by its local part.
const char* kValidator = "[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}";

std::string address(int64_t length) { return std::string(static_cast<size_t>(length), 'a') + "@example.com"; }

void BM_ValidatorRe2(benchmark::State& state) {
  std::string error;
  auto pattern = Pattern::compile(kValidator, &error);
  const std::string subject = address(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(pattern->full_match(subject));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ValidatorRe2)->Arg(10)->Arg(100)->Arg(1000);

void BM_ValidatorStdRegex(benchmark::State& state) {
  const std::regex pattern(kValidator);
  const std::string subject = address(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(std::regex_match(subject, pattern));
  state.SetItemsProcessed(state.iterations());
}
// std::regex recurses once per character: 100,000 would overflow the stack.
BENCHMARK(BM_ValidatorStdRegex)->Arg(10)->Arg(100)->Arg(1000);

// The split filter: every separator of a comma-separated list of `range(0)` fields.
std::string fields(int64_t count) {
  std::string out;
  for (int64_t i = 0; i < count; ++i) out += (i ? ", " : "") + std::to_string(i);
  return out;
}

void BM_SplitRe2(benchmark::State& state) {
  std::string error;
  auto pattern = Pattern::compile(",\\s*", &error);
  const std::string subject = fields(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(pattern->find_all(subject));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SplitRe2)->Arg(10)->Arg(100)->Arg(1000);

void BM_SplitStdRegex(benchmark::State& state) {
  const std::regex pattern(",\\s*");
  const std::string subject = fields(state.range(0));
  for (auto _ : state) {
    size_t found = 0;
    for (std::sregex_iterator it(subject.begin(), subject.end(), pattern), end; it != end; ++it) ++found;
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SplitStdRegex)->Arg(10)->Arg(100)->Arg(1000);

// A request body of `range(0)` bytes, mostly ASCII with some two- and three-byte characters.
std::string body(int64_t length) {
  std::string out;
  while (out.size() < static_cast<size_t>(length)) out += "{\"name\": \"caf\xC3\xA9 \xE2\x82\xAC\", \"n\": 12345}\n";
  out.resize(static_cast<size_t>(length));
  while (!runwatch::is_valid_utf8(out)) out.pop_back();  // not cut inside a character
  return out;
}

void BM_Utf8Check(benchmark::State& state) {
  const std::string text = body(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(runwatch::is_valid_utf8(text));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_Utf8Check)->Arg(1024)->Arg(64 * 1024)->Arg(1024 * 1024);

void BM_ByteSum(benchmark::State& state) {
  const std::string text = body(state.range(0));
  for (auto _ : state)
    benchmark::DoNotOptimize(std::accumulate(text.begin(), text.end(), 0u,
                                             [](unsigned sum, char c) { return sum + static_cast<unsigned char>(c); }));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ByteSum)->Arg(1024)->Arg(64 * 1024)->Arg(1024 * 1024);

}  // namespace

BENCHMARK_MAIN();
