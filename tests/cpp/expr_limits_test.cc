// What a hostile template cannot do: nest deep enough to overflow the stack, build a
// collection or a text without bound, or render past its time budget or a kill.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <utility>
#include <string>

#include "runwatch/expr/template.h"
#include "runwatch/model/size_limits.h"

namespace runwatch::expr {
namespace {

std::string repeated(std::string_view part, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += part;
  return out;
}

TemplateError compile_error(const std::string& text) {
  try {
    Template::compile(text);
  } catch (const TemplateError& e) {
    return e;
  }
  ADD_FAILURE() << "compiled: " << text.substr(0, 80);
  return TemplateError(0, 0, "");
}

RenderError render_error(const std::string& text, const Value& variables = Value::object(),
                         const RenderOptions& limits = {}) {
  try {
    Template::compile(text)->render(variables, builtin_functions(), OutputContext::Text, limits);
  } catch (const RenderError& e) {
    return e;
  }
  ADD_FAILURE() << "rendered: " << text.substr(0, 80);
  return RenderError(0, "", "");
}

std::string render(const std::string& text, const Value& variables = Value::object()) {
  return Template::compile(text)->render(variables, builtin_functions());
}

TEST(ExprLimits, ParenthesesNestedPastTheLimitAreRefusedAtTheFirstTooDeepOne) {
  auto e = compile_error("{{ " + repeated("(", 40'000) + "1" + repeated(")", 40'000) + " }}");
  EXPECT_EQ(e.message, "Expression nested deeper than 500 levels");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 504);  // the 501st "("
}

TEST(ExprLimits, EveryRecursiveFormIsBounded) {
  const std::pair<std::string_view, std::string_view> forms[] = {
      {"[", "]"}, {"not ", ""}, {"-", ""}, {"{'k': ", "}"}, {"x[", "]"}, {"f(", ")"}, {"true ? ", " : 0"}};
  for (auto [open, close] : forms) {
    auto e = compile_error("{{ " + repeated(open, 40'000) + "1" + repeated(close, 40'000) + " }}");
    EXPECT_EQ(e.message, "Expression nested deeper than 500 levels") << open;
  }
}

TEST(ExprLimits, LongOperatorChainsAreBoundedLikeNesting) {
  // Built by a loop, not by recursion: the tree is as deep as the chain is long.
  EXPECT_EQ(compile_error("{{ " + repeated("1 + ", 100'000) + "1 }}").message, "Expression nested deeper than 500 levels");
  EXPECT_EQ(compile_error("{{ x" + repeated(".a", 100'000) + " }}").message, "Expression nested deeper than 500 levels");
  EXPECT_EQ(compile_error("{{ x" + repeated(" | trim", 100'000) + " }}").message,
            "Expression nested deeper than 500 levels");
}

TEST(ExprLimits, NestingWithinTheLimitStillRenders) {
  EXPECT_EQ(render("{{ " + repeated("(", 400) + "41 + 1" + repeated(")", 400) + " }}"), "42");
  EXPECT_EQ(render("{{ " + repeated("1 + ", 300) + "1 }}"), "301");
}

TEST(ExprLimits, TagsNestedPastOneHundredAreRefusedWithTheirPosition) {
  auto e = compile_error(repeated("{% if true %}", 6'600) + "x" + repeated("{% endif %}", 6'600));
  EXPECT_EQ(e.message, "Tags nested deeper than 100 levels");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 1 + 100 * 13 + 3);  // the name of the 101st {% if %}
  EXPECT_EQ(render(repeated("{% if true %}", 100) + "x" + repeated("{% endif %}", 100)), "x");
}

TEST(ExprLimits, RangeNearTheInt64EndsStopsWhereItShould) {
  auto max = std::numeric_limits<std::int64_t>::max();
  auto min = std::numeric_limits<std::int64_t>::min();
  auto vars = Value{{"max", max}, {"min", min}};
  EXPECT_EQ(render("{{ range(max - 2, max) | json }}", vars),
            "[9223372036854775805,9223372036854775806,9223372036854775807]");
  EXPECT_EQ(render("{{ (min + 1)..min | json }}", vars), "[-9223372036854775807,-9223372036854775808]");
  EXPECT_EQ(render("{{ range(min, max, max) | json }}", vars),
            "[-9223372036854775808,-1,9223372036854775806]");
  EXPECT_EQ(render("{{ range(3, 1) | json }}"), "[]");
}

TEST(ExprLimits, RangesPastAMillionElementsFailInsteadOfFillingMemory) {
  auto vars = Value{{"max", std::numeric_limits<std::int64_t>::max()}, {"min", std::numeric_limits<std::int64_t>::min()}};
  EXPECT_EQ(render_error("{{ range(0, max) }}", vars).message,
            "Function \"range\": range: the collection would have more than 1000000 elements");
  EXPECT_EQ(render_error("{{ 0..max }}", vars).message, "range: the collection would have more than 1000000 elements");
  EXPECT_EQ(render_error("{{ range(min, max) }}", vars).message,
            "Function \"range\": range: the collection would have more than 1000000 elements");
  EXPECT_EQ(render("{{ range(1, 1000000) | length }}"), "1000000");
}

TEST(ExprLimits, TextsPastTheCapFailWhereverTheyAreBuilt) {
  const std::string big(kMaxTextBytes / 2 + 1, 'a');
  auto vars = Value{{"big", big}, {"parts", Value::array({big, big})}};
  EXPECT_EQ(render_error("{{ big ~ big }}", vars).message, "~: the text would be longer than 64 MiB");
  EXPECT_EQ(render_error("{{ big + big }}", vars).message, "+: the text would be longer than 64 MiB");
  EXPECT_EQ(render_error("{{ parts | join }}", vars).message,
            "Filter \"join\": join: the text would be longer than 64 MiB");
  EXPECT_EQ(render_error("{{ big | replace({'a': 'aa'}) }}", vars).message,
            "Filter \"replace\": replace: the text would be longer than 64 MiB");
  EXPECT_EQ(render_error("{{ big | replace({'a+': '$0$0'}, regexp=true) }}", vars).message,
            "Filter \"replace\": replace: the text would be longer than 64 MiB");
}

TEST(ExprLimits, OutputPastTheCapFailsAtTheLoop) {
  auto vars = Value{{"line", std::string(100, 'x')}};
  auto e = render_error("{% for i in range(1, 1000) %}{% for j in range(1, 1000) %}{{ line }}{% endfor %}{% endfor %}", vars);
  EXPECT_EQ(e.message, "The rendered text would be longer than 64 MiB");
}

TEST(ExprLimits, ReplaceWithManyMatchesIsLinear) {
  // Quadratic in-place replacement would take minutes on this; one pass takes milliseconds.
  auto vars = Value{{"text", std::string(4'000'000, 'a')}};
  EXPECT_EQ(render("{{ text | replace({'a': 'b'}) | length }}", vars), "4000000");
}

TEST(ExprLimits, ARenderPastItsDeadlineStopsAtTheNextLoopIteration) {
  auto expired = RenderOptions{std::chrono::steady_clock::now() - std::chrono::seconds(1), nullptr};
  auto e = render_error("{% for i in range(1, 1000000) %}{% for j in range(1, 1000000) %}x{% endfor %}{% endfor %}",
                        Value::object(), expired);
  EXPECT_EQ(e.message, "Rendering took longer than its time budget");
  EXPECT_EQ(e.line, 1);
}

TEST(ExprLimits, AKilledTaskStopsItsRender) {
  Cancellation killed;
  killed.cancel("Killed");
  auto e = render_error("{% macro f(n) %}{{ n }}{% endmacro %}{% for i in range(1, 10) %}{{ f(i) }}{% endfor %}",
                        Value::object(), RenderOptions{std::chrono::steady_clock::time_point::max(), &killed});
  EXPECT_EQ(e.message, "Rendering stopped: Killed");
}

TEST(ExprLimits, WithinTheBudgetNothingChanges) {
  Cancellation running;
  auto limits = RenderOptions::within(std::chrono::seconds(60), &running);
  EXPECT_EQ(Template::compile("{% for i in [1, 2, 3] %}{{ i }}{% endfor %}")->render(Value::object(), builtin_functions(),
                                                                                     OutputContext::Text, limits),
            "123");
}

}  // namespace
}  // namespace runwatch::expr
