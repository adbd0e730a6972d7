// Taint tracking: every text a render computes from a function that reveals a secret is
// reported, through filters, operators, members, {% set %}, loops, filter blocks and
// macros, and nothing computed only from other values is.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runwatch/expr/errors.h"
#include "runwatch/expr/functions.h"
#include "runwatch/expr/template.h"

namespace runwatch::expr {
namespace {

class ExprTaint : public testing::Test {
 protected:
  ExprTaint() : functions(builtin_functions()) {
    functions.add_secret("secret", [](const std::vector<Value>&, const Value&) { return Value("s3cr3t-value"); });
  }
  // What the render computed from the secret, in the order it did.
  std::vector<std::string> derived(const std::string& text, const Value& variables = Value::object()) {
    std::vector<std::string> found;
    Template::compile(text)->render(variables, functions, OutputContext::Text,
                                    RenderOptions::within(std::chrono::seconds(10), nullptr, &found));
    return found;
  }
  Functions functions;
};

using Texts = std::vector<std::string>;

TEST_F(ExprTaint, FiltersOfASecretAreDerivedFromIt) {
  EXPECT_EQ(derived("{{ secret('A') | upper }}"), (Texts{"s3cr3t-value", "S3CR3T-VALUE"}));
  EXPECT_EQ(derived("{{ secret('A') | base64encode }}"), (Texts{"s3cr3t-value", "czNjcjN0LXZhbHVl"}));
  EXPECT_EQ(derived("{{ secret('A') | reverse }}"), (Texts{"s3cr3t-value", "eulav-t3rc3s"}));
  EXPECT_EQ(derived("{{ secret('A') | slice(0, 6) }}"), (Texts{"s3cr3t-value", "s3cr3t"}));
  EXPECT_EQ(derived("{{ fromJson(secret('A') | json) | upper }}"),
            (Texts{"s3cr3t-value", "\"s3cr3t-value\"", "S3CR3T-VALUE"}));
  EXPECT_EQ(derived("{{ 'Bearer ' ~ secret('A') }}"), (Texts{"s3cr3t-value", "Bearer s3cr3t-value"}));
}

TEST_F(ExprTaint, TaintFollowsVariablesLoopsBlocksAndMacros) {
  EXPECT_EQ(derived("{% set x = secret('A') | upper %}{{ x | lower | title }}"),
            (Texts{"s3cr3t-value", "S3CR3T-VALUE", "S3cr3t-value"}));
  // A collection that holds a secret is tainted whole, each of its items with it.
  EXPECT_EQ(derived("{% for c in [secret('A'), 'plain'] %}{{ c | capitalize }}{% endfor %}"),
            (Texts{"s3cr3t-value", "plain", "S3cr3t-value", "Plain"}));
  EXPECT_EQ(derived("{% filter upper %}key={{ secret('A') }}{% endfilter %}"),
            (Texts{"s3cr3t-value", "key=s3cr3t-value", "KEY=S3CR3T-VALUE"}));
  EXPECT_EQ(derived("{% macro wrap(v) %}<{{ v }}>{% endmacro %}{{ wrap(secret('A')) | trim }}"),
            (Texts{"s3cr3t-value", "<s3cr3t-value>"}));
  EXPECT_EQ(derived("{% set creds = {'user': 'ops', 'token': secret('A')} %}{{ creds.token | upper }}"),
            (Texts{"s3cr3t-value", "user", "token", "S3CR3T-VALUE"}));
}

TEST_F(ExprTaint, WhatIsNotComputedFromTheSecretIsNotDerived) {
  EXPECT_EQ(derived("{{ secret('A') is defined ? 'configured' : 'missing' }}"), Texts{});
  EXPECT_EQ(derived("{{ secret('A') | length }} {{ secret('A') | slice(0, 2) }}"), (Texts{"s3cr3t-value"}));
  EXPECT_EQ(derived("{{ name | upper }}", {{"name", "world"}}), Texts{});
  EXPECT_EQ(derived("{% set x = secret('A') %}{% set x = 'plain text' %}{{ x | upper }}"), (Texts{"s3cr3t-value"}));
}

TEST_F(ExprTaint, TooManyDerivedValuesFailTheRender) {
  try {
    derived("{% for i in range(1, 2000) %}{{ secret('A') ~ i }}{% endfor %}");
    FAIL() << "rendered";
  } catch (const RenderError& e) {
    EXPECT_NE(std::string(e.what()).find("More than 1000 values computed from secrets in one render"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace runwatch::expr
