// The `jq` filter: jq's answers for the programs flows write, and a clear refusal for the
// rest of jq and for programs that would run away.
#include <gtest/gtest.h>

#include "runwatch/expr/jq.h"
#include "runwatch/expr/template.h"

namespace runwatch::expr {
namespace {

const char* const kDocument = R"({
  "key": "my-key", "value": {"sub": 1, "bool": true}, "n": 3, "f": 1.5, "none": null, "no": false,
  "items": [{"id": 2, "name": "b", "tags": ["x"]}, {"id": 1, "name": "a", "tags": []}, {"id": 3, "name": "c"}],
  "words": ["kestra", "runwatch", "jq"], "text": "a,b,,c", "ünï": "çödé"
})";

std::string outputs_of(std::string_view program, const char* input = kDocument) {
  Value all = Value::array();
  for (auto& v : JqProgram::compile(program).run(Value::parse(input))) all.push_back(v);
  return all.dump();
}

struct Row {
  const char* program;
  const char* expected;  // every output, as a JSON list
};

class Jq : public testing::TestWithParam<Row> {};

TEST_P(Jq, OutputsWhatJqOutputs) {
  const Row& row = GetParam();
  try {
    EXPECT_EQ(outputs_of(row.program), row.expected) << row.program;
  } catch (const std::exception& e) {
    FAIL() << row.program << " threw: " << e.what();
  }
}

constexpr Row kPaths[] = {
    {".",
     R"([{"key":"my-key","value":{"sub":1,"bool":true},"n":3,"f":1.5,"none":null,"no":false,"items":[{"id":2,"name":"b","tags":["x"]},{"id":1,"name":"a","tags":[]},{"id":3,"name":"c"}],"words":["kestra","runwatch","jq"],"text":"a,b,,c","ünï":"çödé"}])"},
    {".key", R"(["my-key"])"},
    {".value.sub", "[1]"},
    {".missing", "[null]"},
    {".missing.deeper", "[null]"},
    {R"(."ünï")", R"(["çödé"])"},
    {R"(.["key"])", R"(["my-key"])"},
    {".items[0].name", R"(["b"])"},
    {".items[-1].id", "[3]"},
    {".items[7]", "[null]"},
    {".items[1.7].id", "[1]"},
    {".items[].id", "[2,1,3]"},
    {".items[] | .name", R"(["b","a","c"])"},
    {".words[1:]", R"([["runwatch","jq"]])"},
    {".words[:-1]", R"([["kestra","runwatch"]])"},
    {".words[0][1:3]", R"(["es"])"},
    {R"(."ünï"[1:3])", R"(["öd"])"},
    {".value[]", "[1,true]"},
    {".items[2].tags[]?", "[]"},
    {".n.x?", "[]"},
    {".[\"items\"][0][\"tags\"][0]", R"(["x"])"},
    {"[.items[] | .tags[]?]", R"([["x"]])"},
    {"[.. | numbers]", "[[1,3,1.5,2,1,3]]"},
    {".items[.n - 2].name", R"(["a"])"},
};
INSTANTIATE_TEST_SUITE_P(Paths, Jq, testing::ValuesIn(kPaths));

constexpr Row kOperators[] = {
    {".key, .n", R"(["my-key",3])"},
    {".n + 1", "[4]"},
    {".n - 5", "[-2]"},
    {".n * .f", "[4.5]"},
    {".n / 2", "[1.5]"},
    {"6 / 3", "[2]"},
    {".n % 2", "[1]"},
    {"-.n", "[-3]"},
    {".key + \"!\"", R"(["my-key!"])"},
    {".words + [\"x\"]", R"([["kestra","runwatch","jq","x"]])"},
    {".words - [\"jq\"]", R"([["kestra","runwatch"]])"},
    {".value + {\"sub\": 2}", R"([{"sub":2,"bool":true}])"},
    {"{a: {b: 1}} * {a: {c: 2}}", R"([{"a":{"b":1,"c":2}}])"},
    {".text / \",\"", R"([["a","b","","c"]])"},
    {"null + 1", "[1]"},
    {".n == 3, .n != 3, .n < 4, .n >= 4", "[true,false,true,false]"},
    {"1 == 1.0", "[true]"},
    {"null < false, false < true, true < 0, 0 < \"\", \"\" < [], [] < {}", "[true,true,true,true,true,true]"},
    {".no or .n, .no and .n, .none // \"fallback\", .key // \"fallback\"", R"([true,false,"fallback","my-key"])"},
    {"(.missing.x // 7)", "[7]"},
    {"[.items[].tags[0] // \"none\"]", R"([["x"]])"},
    {"[.items[] | .tags[0] // \"none\"]", R"([["x","none","none"]])"},
    {"(1, 2) + (10, 20)", "[11,12,21,22]"},
    {"if .n > 2 then \"big\" elif .n > 1 then \"mid\" else \"small\" end", R"(["big"])"},
    {".no | if . then 1 end", "[false]"},
    {"[.items[] | if .id == 1 then .name else empty end]", R"([["a"]])"},
    {"{key, id: .n}", R"([{"key":"my-key","id":3}])"},
    {"{(.key): .n, \"q\": 1}", R"([{"my-key":3,"q":1}])"},
    {"{a: (1, 2)}", R"([{"a":1},{"a":2}])"},
    {"[]", "[[]]"},
    {"{}", "[{}]"},
    {"# a comment\n.n", "[3]"},
    {"",
     R"([{"key":"my-key","value":{"sub":1,"bool":true},"n":3,"f":1.5,"none":null,"no":false,"items":[{"id":2,"name":"b","tags":["x"]},{"id":1,"name":"a","tags":[]},{"id":3,"name":"c"}],"words":["kestra","runwatch","jq"],"text":"a,b,,c","ünï":"çödé"}])"},
    {"9223372036854775807 + 1", "[9.223372036854776e+18]"},
    {"1e3, 0.25, \"\\u00e9\\n\"", R"([1000.0,0.25,"é\n"])"},
};
INSTANTIATE_TEST_SUITE_P(Operators, Jq, testing::ValuesIn(kOperators));

constexpr Row kBuiltins[] = {
    {"(.items | length), (.key | length), (.value | length), (null | length), (-2 | length)", "[3,6,2,0,2]"},
    {".\"ünï\" | length, utf8bytelength", "[4,7]"},
    {".value | keys", R"([["bool","sub"]])"},
    {".value | keys_unsorted", R"([["sub","bool"]])"},
    {".words | keys", "[[0,1,2]]"},
    {".value | has(\"sub\"), has(\"x\")", "[true,false]"},
    {".words | has(2), has(3)", "[true,false]"},
    {".value | to_entries", R"([[{"key":"sub","value":1},{"key":"bool","value":true}]])"},
    {"[{name: \"a\", v: 1}, {k: \"b\", value: 2}] | from_entries", R"([{"a":1,"b":2}])"},
    {".value | with_entries(select(.key == \"sub\"))", R"([{"sub":1}])"},
    {"[.items[].id] | add", "[6]"},
    {".words | add", R"(["kestrarunwatchjq"])"},
    {"[] | add", "[null]"},
    {"[true, false] | any, all", "[true,false]"},
    {".items | any(.id == 3), all(.id > 0)", "[true,true]"},
    {"[1, [2, [3, [4]]]] | flatten, flatten(1)", "[[1,2,3,4],[1,2,[3,[4]]]]"},
    {"[.none, .no, .n, .key, .words, .value] | map(type)",
     R"([["null","boolean","number","string","array","object"]])"},
    {"(.n | tostring), (.value | tostring)", R"(["3","{\"sub\":1,\"bool\":true}"])"},
    {"\"42\" | tonumber, (\"1.5\" | tonumber)", "[42,1.5]"},
    {".value | tojson", R"(["{\"sub\":1,\"bool\":true}"])"},
    {"\"{\\\"a\\\":[1]}\" | fromjson | .a[0]", "[1]"},
    {"\"Mixed Ünï\" | ascii_downcase, ascii_upcase", R"(["mixed Ünï","MIXED ÜNï"])"},
    {".words | sort, reverse", R"([["jq","kestra","runwatch"],["jq","runwatch","kestra"]])"},
    {".items | sort_by(.id) | map(.name)", R"([["a","b","c"]])"},
    {"[3, 1, 3, 2, 1] | unique", "[[1,2,3]]"},
    {".items | unique_by(.tags | length) | map(.id)", "[[1,2]]"},
    {"[{a: 1, b: 1}, {a: 2, b: 1}, {a: 3, b: 2}] | group_by(.b) | map(map(.a))", "[[[1,2],[3]]]"},
    {".items | min_by(.id).name, max_by(.id).name", R"(["a","c"])"},
    {"[5, 2, 9] | min, max", "[2,9]"},
    {"[] | min", "[null]"},
    {"\"abc\" | reverse", R"(["cba"])"},
    {".items | map(.id * 10)", "[[20,10,30]]"},
    {".value | map_values(. == 1)", R"([{"sub":true,"bool":false}])"},
    {".items[] | select(.id >= 2) | .name", R"(["b","c"])"},
    {".words | first, last", R"(["kestra","jq"])"},
    {"first(.items[].name), last(.items[].name)", R"(["b","c"])"},
    {"first(empty)", "[]"},
    {"[limit(2; .items[].id)]", "[[2,1]]"},
    {"[range(3)], [range(2; 4)]", "[[0,1,2],[2,3]]"},
    {".key | startswith(\"my\"), endswith(\"key\"), ltrimstr(\"my-\"), rtrimstr(\"-key\")",
     R"([true,true,"key","my"])"},
    {".text | split(\",\")", R"([["a","b","","c"]])"},
    {"\"ab\" | split(\"\")", R"([["a","b"]])"},
    {".words | join(\", \")", R"(["kestra, runwatch, jq"])"},
    {"[1, null, \"a\", true] | join(\"-\")", R"(["1--a-true"])"},
    {". | contains({value: {sub: 1}}), (.words | contains([\"jq\"])), (.key | contains(\"y-k\"))", "[true,true,true]"},
    {".f | floor, ceil, round", "[1,2,2]"},
    {".[] | numbers", "[3,1.5]"},
    {"[.[] | strings]", R"([["my-key","a,b,,c","çödé"]])"},
    {"([.[] | scalars] | length), ([.[] | iterables] | length)", "[7,3]"},
    {"[.[] | booleans, nulls]", "[[null,false]]"},
    {"[.[] | arrays | length], [.[] | objects | length]", "[[3,3],[2]]"},
    {"[.value[] | not]", "[[false,false]]"},
    {".none | values", "[]"},
};
INSTANTIATE_TEST_SUITE_P(Builtins, Jq, testing::ValuesIn(kBuiltins));

struct Refusal {
  const char* program;
  const char* message;
};

class JqRefuses : public testing::TestWithParam<Refusal> {};

TEST_P(JqRefuses, SayingWhatAndWhere) {
  const Refusal& row = GetParam();
  try {
    outputs_of(row.program);
    FAIL() << row.program << " ran";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), row.message) << row.program;
  }
}

constexpr Refusal kRefusals[] = {
    {".a |", "jq: expected a value before the end at column 5"},
    {".a )", "jq: unexpected ')' at column 4"},
    {"[.a", "jq: expected ']' before the end at column 4"},
    {".a as $x | $x", "jq: 'as' is not supported by runwatch at column 4"},
    {"$x", "jq: variables are not supported by runwatch at column 1"},
    {"def f: 1; f", "jq: 'def' is not supported by runwatch at column 1"},
    {"reduce .[] as $x (0; . + $x)", "jq: 'reduce' is not supported by runwatch at column 1"},
    {"\"a \\(.key)\"", "jq: string interpolation is not supported by runwatch at column 4"},
    {".a = 1", "jq: assignment operators are not supported by runwatch at column 4"},
    {".a |= 1", "jq: assignment operators are not supported by runwatch at column 4"},
    {".a += 1", "jq: assignment operators are not supported by runwatch at column 4"},
    {"@base64", "jq: formats (@csv, @base64...) are not supported by runwatch at column 1"},
    {"test(\"a\")", "jq: 'test' is not supported by runwatch at column 1"},
    {"frobnicate(1)", "jq: unknown function 'frobnicate/1' at column 1"},
    {"length(1)", "jq: unknown function 'length/1' at column 1"},
    {"1 == 1 == 1", "jq: comparisons do not chain: add parentheses at column 8"},
    {"\"abc", "jq: unterminated string at column 1"},
    {"\"\\q\"", "jq: invalid escape in a string at column 1"},
    {"if . then 1", "jq: expected 'end' before the end at column 12"},
    {"{(.a)}", "jq: expected ':' after a computed object key at column 6"},
    {"1e999", "jq: number out of range at column 1"},
    {"\xff", "jq: invalid UTF-8 at byte 1"},
    {".key.x", "Cannot index string with \"x\""},
    {".n[0]", "Cannot index number with number"},
    {".words.x", "Cannot index array with \"x\""},
    {".n[]", "Cannot iterate over number"},
    {".key + 1", "string and number cannot be added"},
    {".value - 1", "object and number cannot be subtracted"},
    {".n / 0", "number and number cannot be divided because the divisor is zero"},
    {".n % 0", "number and number cannot be divided because the divisor is zero"},
    {"{(.n): 1}", "Object keys must be strings, not number"},
    {".key | keys", "keys cannot be applied to string (it takes an object or an array)"},
    {"\"x\" | tonumber", "Cannot parse 'x' as a number"},
    {"\"{\" | fromjson", "fromjson: the string is not JSON"},
    {"true | length", "length cannot be applied to boolean (it takes a string, an array, an object, a number or null)"},
    {".items | .[0]? | .x.y.z | keys", "keys cannot be applied to null (it takes an object or an array)"},
};
INSTANTIATE_TEST_SUITE_P(Errors, JqRefuses, testing::ValuesIn(kRefusals));

TEST(JqLimits, AProgramPastFourKibibytesIsRefusedUnread) {
  std::string program(kMaxJqProgramBytes + 1, ' ');
  EXPECT_THROW(
      {
        try {
          JqProgram::compile(program);
        } catch (const std::invalid_argument& e) {
          EXPECT_STREQ(e.what(), "jq: a program is at most 4096 bytes");
          throw;
        }
      },
      std::invalid_argument);
}

TEST(JqLimits, NestingPastItsLimitIsRefusedNotOverflowed) {
  std::string parens = std::string(200, '(') + "1" + std::string(200, ')');
  EXPECT_THROW(JqProgram::compile(parens), std::invalid_argument);
  std::string chain = ".";
  for (int i = 0; i < 300; ++i) chain += "a.";
  chain += "a";
  try {
    JqProgram::compile(chain);
    FAIL() << "a chain of 301 fields compiled";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "jq: program nested deeper than 256 levels");
  }
  EXPECT_EQ(outputs_of(std::string(30, '(') + ".n" + std::string(30, ')')), "[3]");
}

TEST(JqLimits, AProgramThatDoublesItsValueEachStageStopsAtItsWorkLimit) {
  std::string program = "[.,.]";
  for (int i = 0; i < 40; ++i) program += " | [.,.]";
  try {
    JqProgram::compile(program).run(Value::parse("[1]"), 100'000);
    FAIL() << "2^41 elements built";
  } catch (const std::length_error& e) {
    EXPECT_STREQ(e.what(), "jq: the program did more than 100000 steps of work");
  }
}

TEST(JqLimits, AnEndlessRangeStopsAtALimit) {
  try {
    outputs_of("[range(1e300)] | length", "null");
    FAIL() << "an endless range ended";
  } catch (const std::length_error& e) {
    EXPECT_STREQ(e.what(), "jq: the collection would have more than 1000000 elements");
  }
  try {
    outputs_of("first(range(1e300) | select(. < 0))", "null");
    FAIL() << "an endless range ended";
  } catch (const std::length_error& e) {
    EXPECT_STREQ(e.what(), "jq: the program did more than 10000000 steps of work");
  }
}

TEST(JqLimits, AnErrorFurtherDownThePipeIsNotSwallowedByAnEarlierQuestionMark) {
  try {
    outputs_of(".items[]? | .name + 1");
    FAIL() << "the error after ? was suppressed";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "string and number cannot be added");
  }
  EXPECT_EQ(outputs_of("(.items[]? | .name + 1)?"), "[]");
  EXPECT_EQ(outputs_of("[.items[] | (.name + 1)? // .name]"), R"([["b","a","c"]])");
}

// The filter as flows use it: Kestra's JqFilter gives every output in a list.
std::string render(const std::string& tmpl, const Value& variables) {
  auto functions = builtin_functions();
  return Template::compile(tmpl)->render(variables, functions);
}

TEST(JqFilter, ReadsAStringAsJsonAndListsTheOutputs) {
  Value vars = {{"value", R"({"key": "my-key", "list": [1, 2]})"}, {"map", {{"a", {{"b", "c"}}}}}};
  EXPECT_EQ(render("{{ value | jq('.key') }}", vars), R"(["my-key"])");
  EXPECT_EQ(render("{{ value | jq('.key') | first }}", vars), "my-key");
  EXPECT_EQ(render("{{ value | jq('.list[]') }}", vars), "[1,2]");
  EXPECT_EQ(render("{{ map | jq('.a.b') | first }}", vars), "c");
  EXPECT_EQ(render("{{ value | jq('.none') }}", vars), "[null]");
  EXPECT_EQ(render("{{ missing | default(null) | jq('.a') }}", vars), "");
}

TEST(JqFilter, SaysWhatIsWrongWithAnInputOrAProgram) {
  Value vars = {{"text", "value 1"}, {"value", R"({"key": 1})"}};
  EXPECT_THROW(render("{{ text | jq('.key') }}", vars), std::exception);
  try {
    render("{{ text | jq('.key') }}", vars);
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("jq: the input is a string that is not JSON text"), std::string::npos)
        << e.what();
  }
  try {
    render("{{ value | jq('.key as $k') }}", vars);
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("jq: 'as' is not supported by runwatch at column 6"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace runwatch::expr
