// Templates and their exact output: Pebble's grammar and semantics as Kestra runs them.
#include <gtest/gtest.h>

#include "runwatch/expr/template.h"

namespace runwatch::expr {
namespace {

const Value& variables() {
  static const Value v = Value::parse(R"({
    "name": "world", "count": 3, "ratio": 0.5, "big": 10000000.0, "flag": true, "nothing": null,
    "empty": "", "blank": "  ", "list": [1, 2, 3], "words": ["b", "a", "c"], "map": {"a": 1, "b": "two"},
    "nested": {"x": {"y": "deep"}}, "dashed": {"x-y": 7}, "date": "2024-03-05T14:07:09.123456Z",
    "epoch": 1709647629, "html": "a\nb", "text": "Hello World",
    "execution": {"id": "exec1", "state": {"current": "SUCCESS"}}
  })");
  return v;
}

struct Row {
  const char* tmpl;
  const char* expected;
};

class ExprRender : public testing::TestWithParam<Row> {};

TEST_P(ExprRender, RendersExactly) {
  const Row& row = GetParam();
  auto functions = builtin_functions();
  std::string out;
  try {
    out = Template::compile(row.tmpl)->render(variables(), functions);
  } catch (const std::exception& e) {
    FAIL() << row.tmpl << " threw: " << e.what();
  }
  EXPECT_EQ(out, row.expected) << row.tmpl;
}

constexpr Row kLiteralsAndOutput[] = {
    {"{{ 'hi' }}", "hi"},
    {R"({{ "hi" }})", "hi"},
    {"{{ 42 }}", "42"},
    {"{{ 5L }}", "5"},
    {"{{ 1.5 }}", "1.5"},
    {"{{ 1.0 }}", "1.0"},
    {"{{ ratio }}", "0.5"},
    {"{{ big }}", "1.0E7"},
    {"{{ 0.001 }}", "0.001"},
    {"{{ 0.0001 }}", "1.0E-4"},
    {"{{ true }}", "true"},
    {"{{ FALSE }}", "false"},
    {"{{ null }}", ""},
    {"{{ none }}", ""},
    {"{{ nothing }}", ""},
    {"{{ [1, 'a', true] }}", R"([1,"a",true])"},
    {"{{ {'k': 'v', 'n': 1} }}", R"({"k":"v","n":1})"},
    {"{{ map }}", R"({"a":1,"b":"two"})"},
    {"{{ {'a': null, 'b': 1} }}", R"({"b":1})"},
    {"{{ [null, 1] }}", "[null,1]"},
    {R"({{ 'it\'s' }})", "it's"},
    {R"({{ 'a\nb' }})", R"(a\nb)"},
    {R"({{ "say \"hi\"" }})", R"(say "hi")"},
    {R"({{ "x#{name}y" }})", "xworldy"},
    {R"({{ "#{count + 1} items" }})", "4 items"},
    {"plain text", "plain text"},
    {"a {{ name }} b {{ count }}", "a world b 3"},
};

constexpr Row kAccess[] = {
    {"{{ name }}", "world"},
    {"{{ nested.x.y }}", "deep"},
    {"{{ nested['x']['y'] }}", "deep"},
    {"{{ nested.x['y'] }}", "deep"},
    {"{{ dashed['x-y'] }}", "7"},
    {"{{ list[0] }}", "1"},
    {"{{ list[2] }}", "3"},
    {"{{ list['1'] }}", "2"},
    {"{{ list[count - 2] }}", "2"},
    {"{{ execution.state.current }}", "SUCCESS"},
    {R"({{ map["b"] }})", "two"},
    {"{{ (nested).x.y }}", "deep"},
    {"{{ nested.x }}", R"({"y":"deep"})"},
};

constexpr Row kArithmetic[] = {
    {"{{ 1 + 2 }}", "3"},
    {"{{ 7 / 2 }}", "3"},
    {"{{ 7 / 2.0 }}", "3.5"},
    {"{{ 7 % 3 }}", "1"},
    {"{{ -7 % 3 }}", "-1"},
    {"{{ 7.5 % 2 }}", "1.5"},
    {"{{ 2 * 3 + 1 }}", "7"},
    {"{{ 1 + 2 * 3 }}", "7"},
    {"{{ 2 * (3 + 1) }}", "8"},
    {"{{ 10 - 2 - 3 }}", "5"},
    {"{{ 16 / 4 / 2 }}", "2"},
    {"{{ -count }}", "-3"},
    {"{{ +count }}", "3"},
    {"{{ 2 - -1 }}", "3"},
    {"{{ count * ratio }}", "1.5"},
    {"{{ 1.5 * 2 }}", "3.0"},
    {"{{ 0.1 + 0.2 }}", "0.30000000000000004"},
    {"{{ 1 / 3.0 }}", "0.3333333333333333"},
    {"{{ 100000000 * 1.0 }}", "1.0E8"},
    {"{{ 'a' + 1 }}", "a1"},
    {"{{ 1 + 'a' }}", "1a"},
    {"{{ 'n=' + nothing }}", "n=null"},
    {"{{ [1] + [2, 3] }}", "[1,2,3]"},
};

constexpr Row kComparisonAndLogic[] = {
    {"{{ 1 == 1.0 }}", "true"},
    {"{{ 'a' == 'a' }}", "true"},
    {"{{ 'a' != 'b' }}", "true"},
    {"{{ 1 == '1' }}", "false"},
    {"{{ count > 2 }}", "true"},
    {"{{ count >= 3 }}", "true"},
    {"{{ count < 3 }}", "false"},
    {"{{ count <= 2 }}", "false"},
    {"{{ 2.5 > 2 }}", "true"},
    {"{{ 'abc' < 'abd' }}", "true"},
    {"{{ name equals 'world' }}", "true"},
    {"{{ nothing == null }}", "true"},
    {"{{ nothing > 1 }}", "false"},
    {"{{ list == [1, 2, 3] }}", "true"},
    {"{{ map == {'b': 'two', 'a': 1} }}", "true"},
    {"{{ true and false }}", "false"},
    {"{{ true or false }}", "true"},
    {"{{ not flag }}", "false"},
    {"{{ not false and false }}", "false"},
    {"{{ 1 and 'x' }}", "true"},
    {"{{ false or 0 }}", "false"},
    {"{{ count > 1 and count < 5 }}", "true"},
    {"{{ false and undefinedVar }}", "false"},
    {"{{ true or undefinedVar }}", "true"},
    {"{{ 1 + 1 == 2 and 'a' ~ 'b' == 'ab' }}", "true"},
};

constexpr Row kTernaryAndCoalescing[] = {
    {"{{ flag ? 'yes' : 'no' }}", "yes"},
    {"{{ count > 5 ? 'big' : 'small' }}", "small"},
    {"{{ flag ? 1 : 2 }}", "1"},
    {"{{ false ? 'a' : true ? 'b' : 'c' }}", "b"},
    {"{{ nothing ? 'a' : 'b' }}", "b"},
    {"{{ missing ?? 'fallback' }}", "fallback"},
    {"{{ nothing ?? 'fallback' }}", "fallback"},
    {"{{ name ?? 'fallback' }}", "world"},
    {"{{ nested.nope.deeper ?? 'x' }}", "x"},
    {"{{ nothing.x ?? 'x' }}", "x"},
    {"{{ list[9] ?? 'x' }}", "x"},
    {"{{ missing ??? 'fallback' }}", "fallback"},
    {"{{ nothing ??? 'fallback' }}", ""},
    {"{{ missing ?? nothing ?? 'last' }}", "last"},
    {"{{ (missing | upper) ?? 'caught' }}", "caught"},
    {"{{ missing ?? 'a' | upper }}", "A"},
};

constexpr Row kTests[] = {
    {"{{ name is defined }}", "true"},
    {"{{ missing is defined }}", "false"},
    {"{{ missing is not defined }}", "true"},
    {"{{ nested.x.nope is defined }}", "false"},
    {"{{ nested.nope.deeper is defined }}", "false"},
    {"{{ nothing is defined }}", "false"},
    {"{{ nothing is null }}", "true"},
    {"{{ name is null }}", "false"},
    {"{{ name is not null }}", "true"},
    {"{{ empty is empty }}", "true"},
    {"{{ blank is empty }}", "true"},
    {"{{ list is empty }}", "false"},
    {"{{ [] is empty }}", "true"},
    {"{{ {} is empty }}", "true"},
    {"{{ count is odd }}", "true"},
    {"{{ 4 is even }}", "true"},
    {"{{ count is not even }}", "true"},
    {"{{ list is iterable }}", "true"},
    {"{{ map is map }}", "true"},
    {R"({{ '{"a":1}' is json }})", "true"},
    {"{{ 'nope' is json }}", "false"},
};

constexpr Row kContainsInConcatRange[] = {
    {"{{ list contains 2 }}", "true"},
    {"{{ list contains 9 }}", "false"},
    {"{{ list contains [1, 3] }}", "true"},
    {"{{ map contains 'a' }}", "true"},
    {"{{ name contains 'orl' }}", "true"},
    {"{{ 2 in list }}", "true"},
    {"{{ '2' in list }}", "true"},
    {"{{ 'z' in words }}", "false"},
    {"{{ 'z' not in words }}", "true"},
    {"{{ 'two' in map }}", "true"},
    {"{{ 'a' in map }}", "true"},
    {"{{ 'a' ~ 1 ~ true }}", "a1true"},
    {"{{ name ~ nothing }}", "world"},
    {"{{ 'x' ~ 'y' | upper }}", "XY"},
    {"{{ 1..3 }}", "[1,2,3]"},
    {"{{ 3..1 }}", "[3,2,1]"},
};

constexpr Row kFilters[] = {
    {"{{ name | upper }}", "WORLD"},
    {"{{ 'ABC' | lower }}", "abc"},
    {"{{ 'hello world' | capitalize }}", "Hello world"},
    {"{{ 'hello big  world' | title }}", "Hello Big  World"},
    {"{{ '  x  ' | trim }}", "x"},
    {"{{ missing | default('d') }}", "d"},
    {"{{ empty | default('d') }}", "d"},
    {"{{ nothing | default('d') }}", "d"},
    {"{{ name | default('d') }}", "world"},
    {"{{ nested.x.nope | default('d') }}", "d"},
    {"{{ missing | default(name) | upper }}", "WORLD"},
    {"{{ list | length }}", "3"},
    {"{{ name | length }}", "5"},
    {"{{ 'héllo' | length }}", "5"},
    {"{{ map | length }}", "2"},
    {"{{ list | first }}", "1"},
    {"{{ list | last }}", "3"},
    {"{{ name | first }}", "w"},
    {"{{ words | join(', ') }}", "b, a, c"},
    {"{{ words | join }}", "bac"},
    {"{{ 'a,b,,c,,' | split(',') }}", R"(["a","b","","c"])"},
    {R"({{ 'a.b.c' | split('\.', 2) }})", R"(["a","b.c"])"},
    {"{{ 'a.b.c' | split('.', 2) }}", R"(["",".b.c"])"},  // the delimiter is a Java regex
    {"{{ 'a.b.c' | split('.') }}", "[]"},
    {"{{ 'abc' | split(',') }}", R"(["abc"])"},
    {"{{ 'a1b22c' | split('[0-9]+') }}", R"(["a","b","c"])"},
    {"{{ 'hello' | replace({'l': 'L'}) }}", "heLLo"},
    {"{{ 'a1b2' | replace({'[0-9]': '#'}, regexp=true) }}", "a#b#"},
    {"{{ ['ab', {'k': 'cab'}] | replace({'a': 'A'}) }}", R"(["Ab",{"k":"cAb"}])"},
    {"{{ 'this is long' | abbreviate(7) }}", "this..."},
    {"{{ 'short' | abbreviate(10) }}", "short"},
    {"{{ list | slice(1, 3) }}", "[2,3]"},
    {"{{ 'abcdef' | slice(2) }}", "cdef"},
    {"{{ map | keys }}", R"(["a","b"])"},
    {"{{ map | values }}", R"([1,"two"])"},
    {"{{ map | toJson }}", R"({"a":1,"b":"two"})"},
    {"{{ name | json }}", R"("world")"},
    {"{{ 'tab\there' | toJson }}", R"("tab\there")"},
    {"{{ {'a': null} | toJson(includeNulls=true) }}", R"({"a":null})"},
    {"{{ nothing | toJson }}", "null"},
    {"{{ ratio | toJson }}", "0.5"},
    {"{{ '42' | number + 1 }}", "43"},
    {"{{ '2.5' | number }}", "2.5"},
    {R"({{ "it's" | escapeChar('single') }})", R"(it\'s)"},
    {R"({{ 'say "hi"' | escapeChar('double') }})", R"(say \"hi\")"},
    {R"({{ "it's" | escapeChar('shell') }})", R"(it'\''s)"},
    {"{{ 'a b&c' | urlencode }}", "a+b%26c"},
    {"{{ 'a+b%26c' | urldecode }}", "a b&c"},
    {"{{ 'hello' | base64encode }}", "aGVsbG8="},
    {"{{ 'aGVsbG8=' | base64decode }}", "hello"},
    {"{{ 'abc' | sha256 }}", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"{{ 'abc' | md5 }}", "900150983cd24fb0d6963f7d28e17f72"},
    {"{{ 'abc' | sha1 }}", "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {"{{ -5 | abs }}", "5"},
    {"{{ -2.5 | abs }}", "2.5"},
    {"{{ words | sort }}", R"(["a","b","c"])"},
    {"{{ words | rsort }}", R"(["c","b","a"])"},
    {"{{ list | reverse }}", "[3,2,1]"},
    {"{{ map | merge({'c': 3}) }}", R"({"a":1,"b":"two","c":3})"},
    {"{{ list | merge([4]) }}", "[1,2,3,4]"},
    {"{{ [1, 2, 3, 4, 5] | chunk(2) }}", "[[1,2],[3,4],[5]]"},
    {"{{ [1, 2, 1, 3, 2] | distinct }}", "[1,2,3]"},
    {"{{ [[1, 2], [3]] | flatten }}", "[1,2,3]"},
    {"{{ name | startsWith('wor') }}", "true"},
    {"{{ name | endsWith('xx') }}", "false"},
    {"{{ 'a.b.c' | substringBefore('.') }}", "a"},
    {"{{ 'a.b.c' | substringBeforeLast('.') }}", "a.b"},
    {"{{ 'a.b.c' | substringAfter('.') }}", "b.c"},
    {"{{ 'a.b.c' | substringAfterLast('.') }}", "c"},
    {"{{ 'Hello World!' | slugify }}", "hello-world"},
    {"{{ html | nl2br }}", "a<br />b"},
    {"{{ 'a\nb' | indent(2) }}", "a\n  b"},
    {"{{ 'a' | nindent(2) }}", "\n  a"},
    {"{{ count | string }}", "3"},
    {"{{ name | upper | lower | capitalize }}", "World"},
    {"{{ text | split(' ') | join('-') | lower }}", "hello-world"},
};

constexpr Row kDates[] = {
    {"{{ date | date('yyyy-MM-dd HH:mm') }}", "2024-03-05 14:07"},
    {"{{ date | date('yyyy-MM-dd HH:mm', timeZone='+02:00') }}", "2024-03-05 16:07"},
    {"{{ date | date(format='dd/MM/yy', timeZone='UTC') }}", "05/03/24"},
    {R"({{ date | date("EEEE d MMMM yyyy, h:mm a") }})", "Tuesday 5 March 2024, 2:07 PM"},
    {R"({{ date | date("EEE MMM D ss.SSS") }})", "Tue Mar 65 09.123"},
    {R"({{ date | date("yyyy-MM-dd'T'HH:mm:ssXXX", timeZone='-05:30') }})", "2024-03-05T08:37:09-05:30"},
    {R"({{ date | date("HH 'o''clock' Z") }})", "14 o'clock +0000"},
    {"{{ date | date }}", "2024-03-05T14:07:09.123456Z"},
    {"{{ date | date('iso_sec') }}", "2024-03-05T14:07:09Z"},
    {"{{ date | date('sql_seq') }}", "2024-03-05 14:07:09"},
    {"{{ '2024-03-05T16:07:09+02:00' | date('iso_instant') }}", "2024-03-05T14:07:09Z"},
    {"{{ date | timestamp }}", "1709647629"},
    {"{{ date | timestampMilli }}", "1709647629123"},
    {"{{ date | timestampMicro }}", "1709647629123456"},
    {"{{ epoch | date('yyyy-MM-dd') }}", "2024-03-05"},
    {"{{ '05/03/2024 10:30' | date('yyyy-MM-dd HH:mm', existingFormat='dd/MM/yyyy HH:mm') }}", "2024-03-05 10:30"},
    {"{{ date | dateAdd(1, 'DAYS', 'yyyy-MM-dd') }}", "2024-03-06"},
    {"{{ date | dateAdd(-2, 'HOURS', 'HH:mm') }}", "12:07"},
    {"{{ '2024-01-31T00:00:00Z' | dateAdd(1, 'MONTHS', 'yyyy-MM-dd') }}", "2024-02-29"},
    {"{{ '2024-02-29T00:00:00Z' | dateAdd(1, 'YEARS', 'yyyy-MM-dd') }}", "2025-02-28"},
};

constexpr Row kFunctions[] = {
    {"{{ range(1, 3) }}", "[1,2,3]"},
    {"{{ range(0, 10, 5) }}", "[0,5,10]"},
    {"{{ range(3, 1, -1) }}", "[3,2,1]"},
    {"{{ max(1, 5, 3) }}", "5"},
    {"{{ min(2, 1.5) }}", "1.5"},
    {R"({{ fromJson('{"a": [1, 2]}').a[1] }})", "2"},
    {"{{ json('[1]') }}", "[1]"},
    {"{{ fromJson(null) }}", ""},
};

constexpr Row kTags[] = {
    {"{% if flag %}y{% endif %}", "y"},
    {"{% if count > 5 %}a{% elseif count > 2 %}b{% else %}c{% endif %}", "b"},
    {"{% if false %}a{% elseif false %}b{% else %}c{% endif %}", "c"},
    {"{% if 'false' %}t{% endif %}", "t"},
    {"{% if 0 %}t{% else %}f{% endif %}", "f"},
    {"{% if missing is defined %}d{% else %}u{% endif %}", "u"},
    {"{% for x in list %}{{ x }},{% endfor %}", "1,2,3,"},
    {"{% for x in list %}{{ loop.index }}{{ loop.first ? 'F' : '' }}{{ loop.last ? 'L' : '' }}{% endfor %}", "0F12L"},
    {"{% for x in list %}{{ loop.revindex }}/{{ loop.length }} {% endfor %}", "2/3 1/3 0/3 "},
    {"{% for e in map %}{{ e.key }}={{ e.value }};{% endfor %}", "a=1;b=two;"},
    {"{% for x in [] %}x{% else %}none{% endfor %}", "none"},
    {"{% for x in nothing %}x{% else %}none{% endfor %}", ""},
    {"{% for x in 1..3 %}{{ x }}{% endfor %}", "123"},
    {"{% for x in [1, 2] %}{% for y in ['a', 'b'] %}{{ x }}{{ y }} {% endfor %}{% endfor %}", "1a 1b 2a 2b "},
    {"{% set greeting = 'hi ' ~ name %}{{ greeting }}", "hi world"},
    {"{% set total = 0 %}{% for x in list %}{% set total = total + x %}{% endfor %}{{ total }}", "6"},
    {"{% for x in list %}{% set inner = x %}{% endfor %}{{ inner ?? 'gone' }}", "gone"},
    {"{% set name = 'shadow' %}{{ name }}", "shadow"},
    {"{% set items = [1, 2] %}{% for i in items %}{% set items = [] %}{{ i }}{% endfor %}{{ items | length }}", "120"},
    {"{# comment #}text", "text"},
    {"a {{- ' b ' -}} c", "a b c"},
    {"a  {%- if true -%}  b  {%- endif -%}  c", "abc"},
    {"a {#- c -#} b", "ab"},
    {"line\n{% if true %}\nkept\n{% endif %}\n", "line\n\nkept\n\n"},
    {"{% raw %}{{ not rendered }}{% endraw %}", "{{ not rendered }}"},
    {"x {%- raw -%} {{ y }} {%- endraw -%} z", "x{{ y }}z"},
    {"{% verbatim %}{% if %}{% endverbatim %}", "{% if %}"},
    {"{% macro greet(who, punct='!') %}Hello {{ who }}{{ punct }}{% endmacro %}{{ greet(name) }} {{ greet('you', punct='?') }}",
     "Hello world! Hello you?"},
    {"{{ twice('a') }}{% macro twice(s) %}{{ s }}{{ s }}{% endmacro %}", "aa"},
    {"{% macro m(x) %}[{{ x is defined ? x : '-' }}]{% endmacro %}{{ m() }}", "[-]"},
    {"{% macro outer(v) %}<{{ inner(v) }}>{% endmacro %}{% macro inner(v) %}{{ v | upper }}{% endmacro %}{{ outer('x') }}", "<X>"},
    {"{% filter upper %}hello {{ name }}{% endfilter %}", "HELLO WORLD"},
    {"{% filter lower | capitalize %}HELLO{% endfilter %}", "Hello"},
};

INSTANTIATE_TEST_SUITE_P(ExprLiterals, ExprRender, testing::ValuesIn(kLiteralsAndOutput));
INSTANTIATE_TEST_SUITE_P(ExprAccess, ExprRender, testing::ValuesIn(kAccess));
INSTANTIATE_TEST_SUITE_P(ExprArithmetic, ExprRender, testing::ValuesIn(kArithmetic));
INSTANTIATE_TEST_SUITE_P(ExprComparisonAndLogic, ExprRender, testing::ValuesIn(kComparisonAndLogic));
INSTANTIATE_TEST_SUITE_P(ExprTernaryAndCoalescing, ExprRender, testing::ValuesIn(kTernaryAndCoalescing));
INSTANTIATE_TEST_SUITE_P(ExprTests, ExprRender, testing::ValuesIn(kTests));
INSTANTIATE_TEST_SUITE_P(ExprContainsInConcatRange, ExprRender, testing::ValuesIn(kContainsInConcatRange));
INSTANTIATE_TEST_SUITE_P(ExprFilters, ExprRender, testing::ValuesIn(kFilters));
INSTANTIATE_TEST_SUITE_P(ExprDates, ExprRender, testing::ValuesIn(kDates));
INSTANTIATE_TEST_SUITE_P(ExprFunctions, ExprRender, testing::ValuesIn(kFunctions));
INSTANTIATE_TEST_SUITE_P(ExprTags, ExprRender, testing::ValuesIn(kTags));

}  // namespace
}  // namespace runwatch::expr
