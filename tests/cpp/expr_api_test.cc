// The Template API as the integrator uses it: constant fast path, raw values, host
// functions, and concurrent renders of one compiled template.
#include <gtest/gtest.h>

#include <thread>

#include "runwatch/expr/template.h"

namespace runwatch::expr {
namespace {

const Value kVariables = Value::parse(R"({"n": 2, "items": [1, 2], "map": {"a": true}, "name": "x"})");

TEST(ExprTemplate, ConstantTextIsReturnedAsIs) {
  auto t = Template::compile("just { text } with braces %} and #}");
  EXPECT_TRUE(t->is_constant());
  EXPECT_EQ(t->render(Value(), Functions()), "just { text } with braces %} and #}");
  EXPECT_EQ(t->evaluate(Value(), Functions()), "just { text } with braces %} and #}");
  EXPECT_FALSE(Template::compile("{# only a comment #}")->is_constant());
  EXPECT_FALSE(Template::compile("{{ 1 }}")->is_constant());
  EXPECT_EQ(Template::compile("")->render(Value(), Functions()), "");
}

TEST(ExprTemplate, EvaluateKeepsTheTypeOfASingleExpression) {
  auto functions = builtin_functions();
  EXPECT_EQ(Template::compile("{{ n + 1 }}")->evaluate(kVariables, functions), 3);
  EXPECT_EQ(Template::compile("  {{ items }}\n")->evaluate(kVariables, functions), Value::parse("[1, 2]"));
  EXPECT_EQ(Template::compile("{{ map }}")->evaluate(kVariables, functions), Value::parse(R"({"a": true})"));
  EXPECT_EQ(Template::compile("{{ 0.5 }}")->evaluate(kVariables, functions), 0.5);
  EXPECT_EQ(Template::compile("{{ null }}")->evaluate(kVariables, functions), Value());
  EXPECT_EQ(Template::compile("{{ n }} items")->evaluate(kVariables, functions), "2 items");
  EXPECT_EQ(Template::compile("{{ n }}{{ n }}")->evaluate(kVariables, functions), "22");
  EXPECT_EQ(Template::compile("{% if true %}{{ n }}{% endif %}")->evaluate(kVariables, functions), "2");
  EXPECT_THROW(Template::compile("{{ missing }}")->evaluate(kVariables, functions), UndefinedVariableError);
}

TEST(ExprTemplate, RendersManyTimesWithDifferentVariables) {
  auto t = Template::compile("{{ name }}:{{ n }}");
  auto functions = builtin_functions();
  EXPECT_EQ(t->render(kVariables, functions), "x:2");
  EXPECT_EQ(t->render(Value::parse(R"({"name": "y", "n": 3})"), functions), "y:3");
  EXPECT_EQ(t->text(), "{{ name }}:{{ n }}");
}

TEST(ExprFunctions, HostFunctionsGetPositionalAndNamedArguments) {
  Functions functions;
  functions.add("secret", [](const std::vector<Value>& args, const Value& named) -> Value {
    return "secret(" + args.at(0).get<std::string>() + ")" + (named.is_null() ? "" : named.dump());
  });
  auto t = Template::compile("{{ secret('KEY') }} {{ secret('K', ns='prod') }}");
  EXPECT_EQ(t->render(Value::object(), functions), R"(secret(KEY) secret(K){"ns":"prod"})");
  EXPECT_NE(functions.find("secret"), nullptr);
  EXPECT_EQ(functions.find("nope"), nullptr);
}

TEST(ExprFunctions, AddReplacesAFunctionOfTheSameName) {
  Functions functions = builtin_functions();
  functions.add("now", now_function([] { return std::chrono::system_clock::time_point(std::chrono::seconds(1709647629)); }));
  EXPECT_EQ(Template::compile("{{ now() }}")->render(Value(), functions), "2024-03-05T14:07:09.000000Z");
  EXPECT_EQ(Template::compile("{{ now(format='yyyy-MM-dd HH:mm', timeZone='+01:00') }}")->render(Value(), functions),
            "2024-03-05 15:07");
  functions.add("now", [](const std::vector<Value>&, const Value&) -> Value { return "fixed"; });
  EXPECT_EQ(Template::compile("{{ now() }}")->render(Value(), functions), "fixed");
}

TEST(ExprFunctions, AHostFunctionOverridesAMacroOfTheSameName) {
  Functions functions;
  functions.add("m", [](const std::vector<Value>&, const Value&) -> Value { return "host"; });
  EXPECT_EQ(Template::compile("{% macro m() %}macro{% endmacro %}{{ m() }}")->render(Value(), functions), "host");
}

TEST(ExprTemplate, RendersConcurrentlyFromFourThreads) {
  auto t = Template::compile(
      "{% macro row(k, v) %}{{ k }}={{ v | upper }};{% endmacro %}"
      "{% set total = 0 %}{% for e in map %}{{ row(e.key, e.value) }}{% set total = total + 1 %}{% endfor %}"
      "{{ total }}|{{ missing ?? id }}");
  auto functions = builtin_functions();
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&, thread] {
      for (int i = 0; i < 2000; ++i) {
        Value variables = {{"map", {{"a", "x"}, {"b", "y"}}}, {"id", thread * 10000 + i}};
        std::string expected = "a=X;b=Y;2|" + std::to_string(thread * 10000 + i);
        if (t->render(variables, functions) != expected) ++mismatches[thread];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace runwatch::expr
