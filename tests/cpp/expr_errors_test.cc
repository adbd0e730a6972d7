// Every compile error with its position, and the render errors with Kestra's messages.
#include <gtest/gtest.h>

#include "runwatch/expr/template.h"

namespace runwatch::expr {
namespace {

struct SyntaxErrorRow {
  const char* tmpl;
  int line, column;
  const char* message;
};

class ExprSyntaxError : public testing::TestWithParam<SyntaxErrorRow> {};

TEST_P(ExprSyntaxError, ReportsPositionAndMessage) {
  const auto& row = GetParam();
  try {
    Template::compile(row.tmpl);
    FAIL() << "compiled: " << row.tmpl;
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.message, row.message) << row.tmpl;
    EXPECT_EQ(e.line, row.line) << row.tmpl;
    EXPECT_EQ(e.column, row.column) << row.tmpl;
    EXPECT_EQ(std::string(e.what()), std::string(row.message) + " (line " + std::to_string(row.line) + ", column " +
                                         std::to_string(row.column) + ")");
  }
}

constexpr SyntaxErrorRow kSyntaxErrors[] = {
    {"{{ name ", 1, 1, R"(Unclosed "{{": expected "}}")"},
    {"ab {% if x ", 1, 4, R"(Unclosed "{%": expected "%}")"},
    {"line1\n  {% if x %}y", 2, 3, R"(Unclosed tag "if": expected "endif")"},
    {"{% for x in list %}y{% else %}z", 1, 1, R"(Unclosed tag "for": expected "endfor")"},
    {"{% macro m() %}y", 1, 1, R"(Unclosed tag "macro": expected "endmacro")"},
    {"{% filter upper %}y", 1, 1, R"(Unclosed tag "filter": expected "endfilter")"},
    {"{% foo %}", 1, 4, R"(Unexpected tag name "foo")"},
    {"{% endif %}", 1, 4, R"(Unexpected tag name "endif")"},
    {"{% if x %}a{% else %}b{% else %}c{% endif %}", 1, 26, R"(Unexpected tag name "else")"},
    {"{% %}", 1, 4, R"(A tag must start with a tag name, found "%}")"},
    {"{% 1 %}", 1, 4, R"(A tag must start with a tag name, found "1")"},
    {"{{ name | nope }}", 1, 11, R"(Filter "nope" does not exist)"},
    {"x\ny\n  {{ a | bad }}", 3, 10, R"(Filter "bad" does not exist)"},
    {"{{ x is nope }}", 1, 9, R"(Test "nope" does not exist)"},
    {"{{ x is defined(1) }}", 1, 16, R"(Test "defined" takes no arguments)"},
    {"{{ 1 + }}", 1, 8, R"(Unexpected "}}", expected an expression)"},
    {"{{ }}", 1, 4, R"(Unexpected "}}", expected an expression)"},
    {"{{ (1 }}", 1, 7, R"~(Unexpected "}": expected ")")~"},
    {"{{ 1) }}", 1, 5, R"~(Unexpected ")")~"},
    {"{{ [1, 2 }}", 1, 10, R"(Unexpected "}": expected "]")"},
    {"{{ [1 2] }}", 1, 7, R"(Unexpected "2", expected "," or "]")"},
    {"{{ {'a' 1} }}", 1, 9, R"(Unexpected "1", expected ":")"},
    {"{{ a b }}", 1, 6, R"(Unexpected "b", expected "}}")"},
    {"{# open", 1, 1, "Unclosed comment"},
    {"{{ 'abc }}", 1, 4, "Unclosed string"},
    {R"({{ "a#{b" }})", 1, 6, R"(Unclosed "#{": expected "}")"},
    {"{{ a $ b }}", 1, 6, R"(Unexpected character "$")"},
    {"é{{ a ! b }}", 1, 7, R"(Unexpected character "!")"},
    {"{% for x list %}{% endfor %}", 1, 10, R"(Unexpected "list", expected "in")"},
    {"{% for true in list %}{% endfor %}", 1, 8, "Can not assign a value to true"},
    {"{% set null = 1 %}", 1, 8, "Can not assign a value to null"},
    {"{% set x 1 %}", 1, 10, R"(Unexpected "1", expected "=")"},
    {"{% if x %}", 1, 1, R"(Unclosed tag "if": expected "endif")"},
    {"{% if x y %}{% endif %}", 1, 9, R"(Unexpected "y", expected "%}")"},
    {"{{ f(a=1, 2) }}", 1, 11, "Positional arguments must come before named arguments"},
    {"{{ name | abbreviate(1, 2) }}", 1, 21, R"(Filter "abbreviate" takes 1 argument(s), 2 given)"},
    {"{{ name | upper(1) }}", 1, 16, R"(Filter "upper" takes 0 argument(s), 1 given)"},
    {"{{ name | date(zone='UTC') }}", 1, 16, R"(Filter "date" has no argument "zone")"},
    {"{{ a.b() }}", 1, 7, R"~(Method calls are not supported: "b(...)")~"},
    {"{{ a. }}", 1, 7, R"(Unexpected "}}", expected an attribute name)"},
    {"{{ a | }}", 1, 8, R"(Unexpected "}}", expected a filter name)"},
    {"{% raw %}abc", 1, 1, R"(Unclosed "raw" block: expected "endraw")"},
    {"{% macro m() %}{% endmacro %}{% macro m() %}{% endmacro %}", 1, 39, R"(Macro "m" is already defined)"},
    {"{% macro m(a b) %}{% endmacro %}", 1, 14, R"~(Unexpected "b", expected "," or ")")~"},
    {"{{ 99999999999999999999 }}", 1, 4, "Number too large: 99999999999999999999"},
    {"{{ a ? b }}", 1, 10, R"(Unexpected "}}", expected ":")"},
    {"ok\n{{ 'x' | base\xC0\xC0" "64decode }}", 2, 14, "the template is not valid UTF-8: byte 0xC0 here"},
};

INSTANTIATE_TEST_SUITE_P(Expr, ExprSyntaxError, testing::ValuesIn(kSyntaxErrors));

const Value& variables() {
  static const Value v = Value::parse(R"({"name": "world", "nothing": null, "list": [1, 2],
    "nested": {"x": {"y": 1}}, "date": "2024-03-05T14:07:09Z"})");
  return v;
}

struct RenderErrorRow {
  const char* tmpl;
  int line;
  const char* what;
};

class ExprRenderError : public testing::TestWithParam<RenderErrorRow> {};

TEST_P(ExprRenderError, ReportsKestraMessage) {
  const auto& row = GetParam();
  Functions functions = builtin_functions();
  functions.add("boom", [](const std::vector<Value>&, const Value&) -> Value { throw std::runtime_error("kaput"); });
  auto t = Template::compile(row.tmpl);
  try {
    t->render(variables(), functions);
    FAIL() << "rendered: " << row.tmpl;
  } catch (const RenderError& e) {
    EXPECT_EQ(std::string(e.what()), row.what) << row.tmpl;
    EXPECT_EQ(e.line, row.line) << row.tmpl;
  }
}

constexpr RenderErrorRow kRenderErrors[] = {
    {"{{ foo }}", 1, "Unable to find `foo` used in the expression `{{ foo }}` at line 1"},
    {"{{ nested.x.nope }}", 1, "Unable to find `nope` used in the expression `{{ nested.x.nope }}` at line 1"},
    {"{{ nested.nope.deeper }}", 1, "Unable to find `nope` used in the expression `{{ nested.nope.deeper }}` at line 1"},
    {"{{ nothing.x }}", 1, "Unable to find `nothing` used in the expression `{{ nothing.x }}` at line 1"},
    {"a\n{{ list[5] }}", 2, "Unable to find `5` used in the expression `a\n{{ list[5] }}` at line 2"},
    {"{{ name.length }}", 1, "Unable to find `length` used in the expression `{{ name.length }}` at line 1"},
    {"{{ false or missing }}", 1, "Unable to find `missing` used in the expression `{{ false or missing }}` at line 1"},
    {"{{ missing | upper }}", 1, "Unable to find `missing` used in the expression `{{ missing | upper }}` at line 1"},
    {"{% macro m() %}{{ name }}{% endmacro %}{{ m() }}", 1,
     "Unable to find `name` used in the expression `{% macro m() %}{{ name }}{% endmacro %}{{ m() }}` at line 1"},
    {"{{ nope() }}", 1, R"(Function or macro "nope" does not exist ({{ nope() }}:1))"},
    {"{{ boom() }}", 1, R"(Function "boom": kaput ({{ boom() }}:1))"},
    {"{{ 1 / 0 }}", 1, "Could not perform division: / by zero ({{ 1 / 0 }}:1)"},
    {"{{ 1 % 0 }}", 1, "Could not perform modulus: / by zero ({{ 1 % 0 }}:1)"},
    {"{{ 'a' - 1 }}", 1, "Could not perform subtraction ({{ 'a' - 1 }}:1)"},
    {"{{ -name }}", 1, "Could not perform multiplication ({{ -name }}:1)"},
    {"{% if nothing %}{% endif %}", 1, "null value used in if statement ({% if nothing %}{% endif %}:1)"},
    {"{% if list %}{% endif %}", 1, "a list is not a condition in if statement ({% if list %}{% endif %}:1)"},
    {"{{ nothing and true }}", 1, "null value used in and operator ({{ nothing and true }}:1)"},
    {"{{ not list }}", 1, "a list is not a condition in not operator ({{ not list }}:1)"},
    {"{{ 'x' > 1 }}", 1, "Could not perform greater than comparison: cannot compare x with 1 ({{ 'x' > 1 }}:1)"},
    {"{{ list < 1 }}", 1, "Could not perform less than comparison: cannot compare [1, 2] with 1 ({{ list < 1 }}:1)"},
    {"{{ name | abbreviate('x') }}", 1,
     R"(Filter "abbreviate": argument 'length' must be an integer ({{ name | abbreviate('x') }}:1))"},
    {"{{ 'x' | date }}", 1,
     R"(Filter "date": Text 'x' could not be parsed as a date-time with an offset ({{ 'x' | date }}:1))"},
    {"{{ date | date('yyyy', timeZone='Europe/Paris') }}", 1,
     R"(Filter "date": Unsupported time zone "Europe/Paris": use UTC or a fixed offset such as +02:00 ({{ date | date('yyyy', timeZone='Europe/Paris') }}:1))"},
    {"{{ date | date('yyyy qq') }}", 1, R"(Filter "date": Unknown pattern letter: q ({{ date | date('yyyy qq') }}:1))"},
    {"{{ '5858-01-02T03:04:05Z' | date('HH:mm') }}", 1,
     R"(Filter "date": Date '5858-01-02T03:04:05Z' is outside the dates supported, from 1677-09-22 to 2262-04-10 ({{ '5858-01-02T03:04:05Z' | date('HH:mm') }}:1))"},
    {"{{ 9223372036854775807 | date('yyyy') }}", 1,
     R"(Filter "date": Date '9223372036854775807' is outside the dates supported, from 1677-09-22 to 2262-04-10 ({{ 9223372036854775807 | date('yyyy') }}:1))"},
    {"{{ '12/31/9999' | date('yyyy', existingFormat='MM/dd/yyyy') }}", 1,
     R"(Filter "date": Date '12/31/9999' is outside the dates supported, from 1677-09-22 to 2262-04-10 ({{ '12/31/9999' | date('yyyy', existingFormat='MM/dd/yyyy') }}:1))"},
    {"{{ '2024-01-01T00:00:00Z' | dateAdd(9223372036854775807, 'NANOS') }}", 1,
     R"(Filter "dateAdd": Adding 9223372036854775807 NANOS to 2024-01-01T00:00:00Z leaves the dates supported, from 1677-09-22 to 2262-04-10 ({{ '2024-01-01T00:00:00Z' | dateAdd(9223372036854775807, 'NANOS') }}:1))"},
    {"{{ '2024-01-01T00:00:00Z' | dateAdd(300, 'YEARS') }}", 1,
     R"(Filter "dateAdd": Adding 300 YEARS to 2024-01-01T00:00:00Z leaves the dates supported, from 1677-09-22 to 2262-04-10 ({{ '2024-01-01T00:00:00Z' | dateAdd(300, 'YEARS') }}:1))"},
    {"{{ '2024-01-01T00:00:00Z' | dateAdd(-9223372036854775807, 'DECADES') }}", 1,
     R"(Filter "dateAdd": Adding -9223372036854775807 DECADES to 2024-01-01T00:00:00Z leaves the dates supported, from 1677-09-22 to 2262-04-10 ({{ '2024-01-01T00:00:00Z' | dateAdd(-9223372036854775807, 'DECADES') }}:1))"},
    {"{{ date | dateAdd(1, 'FORTNIGHTS') }}", 1,
     R"(Filter "dateAdd": Unsupported unit "FORTNIGHTS" ({{ date | dateAdd(1, 'FORTNIGHTS') }}:1))"},
    {"{{ name | escapeChar('weird') }}", 1,
     R"(Filter "escapeChar": The 'escapeChar' filter expects the value of 'type' to be either 'single', 'double', or 'shell'. ({{ name | escapeChar('weird') }}:1))"},
    {"{{ 'x1' | number }}", 1, R"(Filter "number": x1 is not a valid number. ({{ 'x1' | number }}:1))"},
    {"{{ list | number }}", 1,
     R"(Filter "number": 'number' filter can only be applied to String. Actual type was: [1, 2] ({{ list | number }}:1))"},
    {"{{ name | join }}", 1,
     R"(Filter "join": The 'join' filter expects that the input is either a collection or an array. ({{ name | join }}:1))"},
    {"{{ 'a' | chunk }}", 1, R"(Filter "chunk": 'chunk' filter expects an argument 'size'. ({{ 'a' | chunk }}:1))"},
    {"{{ '%%' | base64decode }}", 1, R"(Filter "base64decode": Illegal base64 input: %% ({{ '%%' | base64decode }}:1))"},
    {"{{ 'abc' | slice(1, 9) }}", 1, R"(Filter "slice": toIndex must be smaller than input size: 3 ({{ 'abc' | slice(1, 9) }}:1))"},
    {"{{ 'x' | replace }}", 1, R"(Filter "replace": The argument 'replace_pairs' is required. ({{ 'x' | replace }}:1))"},
    {"{{ 'x' is even }}", 1,
     R"(Test "even": Can not evaluate "even" on a value that is not an integer ({{ 'x' is even }}:1))"},
    {"{% for x in 5 %}{% endfor %}", 1, "Not an iterable object. Value = [5] ({% for x in 5 %}{% endfor %}:1)"},
    {"{{ fromJson('{') }}", 1, R"(Function "fromJson": fromJson: invalid JSON: { ({{ fromJson('{') }}:1))"},
    {"{{ range(1, 'a') }}", 1, R"(Function "range": range: argument 'end' must be an integer ({{ range(1, 'a') }}:1))"},
    {"{{ 'a'..3 }}", 1, "a range needs integer bounds ({{ 'a'..3 }}:1)"},
    {"{% macro m(a) %}{% endmacro %}{{ m(b=1) }}", 1,
     R"(Macro "m" has no parameter "b" ({% macro m(a) %}{% endmacro %}{{ m(b=1) }}:1))"},
    {"{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", 1,
     R"(Macro "m" calls itself too deeply ({% macro m() %}{{ m() }}{% endmacro %}{{ m() }}:1))"},
};

INSTANTIATE_TEST_SUITE_P(Expr, ExprRenderError, testing::ValuesIn(kRenderErrors));

TEST(ExprRenderErrors, UndefinedVariableErrorNamesTheVariable) {
  auto t = Template::compile("{{ inputs.invalid }}");
  try {
    t->render(Value::object(), builtin_functions());
    FAIL();
  } catch (const UndefinedVariableError& e) {
    EXPECT_EQ(e.name, "inputs");
    EXPECT_EQ(e.message, "Unable to find `inputs`");
    EXPECT_EQ(std::string(e.what()), "Unable to find `inputs` used in the expression `{{ inputs.invalid }}` at line 1");
  }
}

}  // namespace
}  // namespace runwatch::expr
