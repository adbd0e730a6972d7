// Rendering a JSON document (a webhook payload): values printed inside JSON strings are
// escaped for them, values printed outside strings are not.
#include <gtest/gtest.h>

#include "runwatch/expr/template.h"

namespace runwatch::expr {
namespace {

std::string render_json(const std::string& text, const Value& variables) {
  return Template::compile(text)->render(variables, builtin_functions(), OutputContext::JsonDocument);
}

TEST(ExprJsonDocument, ValuesInsideStringsAreEscaped) {
  Value vars = {{"msg", "disk \"data\" full\nat C:\\tmp"}};
  auto out = render_json(R"({"text": "failure: {{ msg }}"})", vars);
  EXPECT_EQ(out, R"({"text": "failure: disk \"data\" full\nat C:\\tmp"})");
  EXPECT_EQ(Value::parse(out)["text"], "failure: disk \"data\" full\nat C:\\tmp");
}

TEST(ExprJsonDocument, ControlCharactersAreEscapedAndUtf8Kept) {
  Value vars = {{"msg", std::string("tab\there\x01\x1f bell\b feed\f \xE2\x9E\x9B")}};
  auto out = render_json(R"({"text": "{{ msg }}"})", vars);
  EXPECT_EQ(out, "{\"text\": \"tab\\there\\u0001\\u001F bell\\b feed\\f \xE2\x9E\x9B\"}");
  EXPECT_EQ(Value::parse(out)["text"], vars["msg"]);
}

TEST(ExprJsonDocument, ValuesOutsideStringsArePrintedAsTheyAre) {
  Value vars = {{"n", 3}, {"items", {"a", "b"}}};
  EXPECT_EQ(render_json(R"({"count": {{ n }}, "items": {{ items | json }}})", vars),
            R"({"count": 3, "items": ["a","b"]})");
}

TEST(ExprJsonDocument, AListPrintedInsideAStringStaysValidJson) {
  // The spec's on-failure alert prints errorLogs() inside the Slack text.
  Value vars = {{"logs", Value::array({{{"taskId", "fail"}, {"message", "Task failure"}}})}};
  auto out = render_json(R"({"text": "context: `{{ logs }}`"})", vars);
  EXPECT_EQ(Value::parse(out)["text"], R"(context: `[{"taskId":"fail","message":"Task failure"}]`)");
}

TEST(ExprJsonDocument, EscapedQuotesInTheTemplateKeepTheContext) {
  Value vars = {{"who", "o'neil \"x\""}};
  auto out = render_json(R"({"text": "say \"hi\" to {{ who }}"})", vars);
  EXPECT_EQ(Value::parse(out)["text"], "say \"hi\" to o'neil \"x\"");
}

TEST(ExprJsonDocument, MacrosAndFilterBlocksAreEscapedOnceWhereTheyArePrinted) {
  Value vars = {{"who", "o\"neil"}};
  auto out = render_json(R"({% macro greet(name) %}hi {{ name }}{% endmacro %})"
                         R"({"a": "{{ greet(who) }}", "b": "{% filter upper %}x {{ who }}{% endfilter %}", )"
                         R"("c": "{% filter lower %}Y {{ who }}{% endfilter %}", "d": {{ who | json }}})",
                         vars);
  Value parsed = Value::parse(out);
  EXPECT_EQ(parsed["a"], "hi o\"neil");
  EXPECT_EQ(parsed["b"], "X O\"NEIL");
  EXPECT_EQ(parsed["c"], "y o\"neil");
  EXPECT_EQ(parsed["d"], "o\"neil");
}

TEST(ExprJsonDocument, TextRenderingIsUnchanged) {
  Value vars = {{"msg", "a \"quote\""}};
  EXPECT_EQ(Template::compile(R"({"text": "{{ msg }}"})")->render(vars, builtin_functions()),
            R"({"text": "a "quote""})");
}

}  // namespace
}  // namespace runwatch::expr
