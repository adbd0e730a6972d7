// Users' regular expressions on RE2: Java's matching and replacement as far as RE2 speaks
// it, what it cannot express refused with the reason, and subjects of any length.
#include <gtest/gtest.h>

#include "runwatch/regex/pattern.h"

namespace runwatch::regex {
namespace {

std::shared_ptr<const Pattern> compiled(const std::string& pattern) {
  std::string error;
  auto p = Pattern::compile(pattern, &error);
  if (!p) ADD_FAILURE() << pattern << ": " << error;
  return p;
}

TEST(RegexPattern, FullMatchIsJavasMatches) {
  EXPECT_TRUE(compiled("A\\d+")->full_match("A12"));
  EXPECT_FALSE(compiled("A\\d+")->full_match("xA12"));
  EXPECT_TRUE(compiled("(?i)prod-.*")->full_match("PROD-eu"));
}

TEST(RegexPattern, ReplaceAllTakesJavasGroupsAndQuotes) {
  EXPECT_EQ(compiled("(\\w+)@(\\w+)")->replace_all("ann@acme bob@corp", "$2:$1"), "acme:ann corp:bob");
  EXPECT_EQ(compiled("(?<user>\\w+)@")->replace_all("ann@acme", "${user} at "), "ann at acme");
  EXPECT_EQ(compiled("a")->replace_all("banana", "\\$"), "b$n$n$");
  EXPECT_THROW(compiled("a")->replace_all("banana", "$3"), std::invalid_argument);
  EXPECT_THROW(compiled("a")->replace_all("banana", "${nope}"), std::invalid_argument);
}

TEST(RegexPattern, FindAllAdvancesOverEmptyMatchesOneCharacterAtATime) {
  auto spans = compiled("x*")->find_all("aé");
  ASSERT_EQ(spans.size(), 3u);  // before a, before é (two bytes), at the end
  EXPECT_EQ(spans[1].start, 1u);
  EXPECT_EQ(spans[2].start, 3u);
}

TEST(RegexPattern, WhatNeedsBacktrackingIsRefusedWithTheReason) {
  EXPECT_EQ(pattern_error("(a)\\1"), "invalid escape sequence: \\1");
  EXPECT_EQ(pattern_error("a(?=b)"), "invalid perl operator: (?=");
  EXPECT_EQ(pattern_error("(?<=a)b"), "invalid perl operator: (?<");
  EXPECT_EQ(pattern_error("[a-"), "missing ]: [a-");
  EXPECT_EQ(pattern_error("a{1000}{1000}"), "bad repetition operator: {1000}{1000}");
  EXPECT_EQ(pattern_error("^[a-z]+$"), "");
}

// What overflowed std::regex's recursion: a long subject, and a pattern known to
// backtrack exponentially; both answer at once.
TEST(RegexPattern, LongSubjectsAndBacktrackingPatternsAnswerInLinearTime) {
  std::string long_text(1'000'000, 'a');
  EXPECT_TRUE(compiled("(a|b)*")->full_match(long_text));
  std::string backtracking(5'000, 'a');
  backtracking.push_back('!');
  EXPECT_FALSE(compiled("(a+)+$b")->full_match(backtracking));
  EXPECT_EQ(compiled(",")->find_all(std::string(100'000, ',')).size(), 100'000u);
}

TEST(RegexPattern, TheCacheHandsBackTheSameCompiledPattern) {
  std::string error;
  auto first = Pattern::cached("[0-9]+", &error);
  EXPECT_EQ(first, Pattern::cached("[0-9]+", &error));
  EXPECT_EQ(Pattern::cached("(", &error), nullptr);
  EXPECT_EQ(error, "missing ): (");
}

}  // namespace
}  // namespace runwatch::regex
