// Constraints: intersections, unions and complements, exact emptiness, and the
// over-approximation of what they do not model.
#include <gtest/gtest.h>

#include "runwatch/condition/constraint.h"

namespace runwatch {
namespace {

Constraint ns_equals(const std::string& ns) { return Constraint::namespace_in(TextSet::equal_to(ns)); }
Constraint ns_prefix(const std::string& prefix) { return Constraint::namespace_in(TextSet::starting_with(prefix)); }
Constraint ns_suffix(const std::string& suffix) { return Constraint::namespace_in(TextSet::ending_with(suffix)); }
const std::vector<Label> kNoLabels;

TEST(ConditionConstraint, EverythingAndNothing) {
  EXPECT_FALSE(Constraint::everything().is_empty());
  EXPECT_TRUE(Constraint::nothing().is_empty());
  EXPECT_TRUE(Constraint::everything().contains("any", "flow", State::CREATED, kNoLabels));
  EXPECT_TRUE(Constraint::everything().complement().is_empty());
  EXPECT_TRUE(Constraint::nothing().complement().contains("x", "y", State::FAILED, kNoLabels));
  EXPECT_TRUE(Constraint::state_in(0).is_empty());
}

TEST(ConditionConstraint, PrefixAndExactFlowOfAnotherNamespaceNeverMeet) {
  // The spec's bad example.
  auto both = ns_prefix("company.product").intersect(Constraint::flow_is("company.system", "cleanup"));
  EXPECT_TRUE(both.is_empty());
  auto nested = ns_prefix("company").intersect(Constraint::flow_is("company.system", "cleanup"));
  ASSERT_EQ(nested.boxes().size(), 1u);
  EXPECT_EQ(nested.boxes()[0].ns.equals, "company.system");
  EXPECT_TRUE(nested.boxes()[0].ns.prefix.empty());
}

TEST(ConditionConstraint, PrefixesAndSuffixesMeetOnlyAlongAChain) {
  EXPECT_FALSE(ns_prefix("company").intersect(ns_prefix("company.product")).is_empty());
  EXPECT_TRUE(ns_prefix("company.product").intersect(ns_prefix("company.system")).is_empty());
  EXPECT_FALSE(ns_suffix("product").intersect(ns_suffix(".product")).is_empty());
  EXPECT_TRUE(ns_suffix("product").intersect(ns_suffix("system")).is_empty());
  // A prefix and a suffix always meet: company.product...system.
  EXPECT_FALSE(ns_prefix("company.product").intersect(ns_suffix("system")).is_empty());
  EXPECT_TRUE(ns_equals("company").intersect(ns_suffix("product")).is_empty());
}

TEST(ConditionConstraint, StatesAndLabels) {
  auto failed = Constraint::state_in(state_bit(State::FAILED) | state_bit(State::WARNING));
  EXPECT_TRUE(failed.intersect(Constraint::state_in(state_bit(State::SUCCESS))).is_empty());
  EXPECT_TRUE(failed.contains("a", "b", State::WARNING, kNoLabels));
  EXPECT_FALSE(failed.contains("a", "b", State::SUCCESS, kNoLabels));
  auto prod = Constraint::labels_include({{"env", "prod"}});
  EXPECT_TRUE(prod.contains("a", "b", State::SUCCESS, {{"x", "1"}, {"env", "prod"}}));
  EXPECT_FALSE(prod.contains("a", "b", State::SUCCESS, {{"env", "dev"}}));
  // Labels are a list: an execution may carry env=prod and env=dev.
  EXPECT_FALSE(prod.intersect(Constraint::labels_include({{"env", "dev"}})).is_empty());
  EXPECT_TRUE(prod.intersect(prod.complement()).is_empty());
}

TEST(ConditionConstraint, ComplementsAreExact) {
  auto product = ns_prefix("company.product");
  auto outside = product.complement();
  EXPECT_TRUE(outside.is_exact());
  EXPECT_TRUE(outside.contains("company.system", "x", State::FAILED, kNoLabels));
  EXPECT_FALSE(outside.contains("company.product.sub", "x", State::FAILED, kNoLabels));
  EXPECT_TRUE(product.intersect(outside).is_empty());

  auto not_cleanup = Constraint::flow_is("company.system", "cleanup").complement();
  EXPECT_EQ(not_cleanup.boxes().size(), 2u);  // another namespace, or another flow id
  EXPECT_TRUE(not_cleanup.contains("company.system", "etl", State::FAILED, kNoLabels));
  EXPECT_TRUE(not_cleanup.contains("other", "cleanup", State::FAILED, kNoLabels));
  EXPECT_FALSE(not_cleanup.contains("company.system", "cleanup", State::FAILED, kNoLabels));

  auto twice = product.unite(Constraint::state_in(state_bit(State::FAILED))).complement().complement();
  for (const auto* ns : {"company.product.x", "other"})
    for (State s : all_states())
      EXPECT_EQ(twice.contains(ns, "f", s, kNoLabels), std::string_view(ns) == "company.product.x" || s == State::FAILED);
}

TEST(ConditionConstraint, NegationsThatCoverTheWholeSetEmptyIt) {
  // Starts with company.product but not with company: nothing.
  EXPECT_TRUE(ns_prefix("company.product").intersect(ns_prefix("company").complement()).is_empty());
  // Not with company.product.sub: company.product.other remains.
  auto rest = ns_prefix("company.product").intersect(ns_prefix("company.product.sub").complement());
  EXPECT_FALSE(rest.is_empty());
  EXPECT_TRUE(rest.contains("company.product.other", "f", State::FAILED, kNoLabels));
  EXPECT_FALSE(rest.contains("company.product.sub.x", "f", State::FAILED, kNoLabels));
  EXPECT_TRUE(ns_suffix("a.product").intersect(ns_suffix("product").complement()).is_empty());
  EXPECT_TRUE(ns_equals("x").intersect(ns_equals("x").complement()).is_empty());
  EXPECT_FALSE(ns_prefix("x").intersect(ns_equals("x").complement()).is_empty());
}

TEST(ConditionConstraint, UnionsMergeBoxesThatDifferOnlyByState) {
  auto either = Constraint::state_in(state_bit(State::FAILED)).unite(Constraint::state_in(state_bit(State::KILLED)));
  ASSERT_EQ(either.boxes().size(), 1u);
  EXPECT_EQ(either.boxes()[0].states, state_bit(State::FAILED) | state_bit(State::KILLED));
}

TEST(ConditionConstraint, UnknownIsEverythingAndStaysAnOverApproximation) {
  auto unknown = Constraint::unknown();
  EXPECT_FALSE(unknown.is_exact());
  EXPECT_TRUE(unknown.contains("a", "b", State::FAILED, kNoLabels));
  // Not(unknown) could be anything: still everything, never nothing.
  EXPECT_FALSE(unknown.complement().is_empty());
  EXPECT_FALSE(unknown.complement().is_exact());
  // Intersections keep what is known.
  auto known = unknown.intersect(ns_equals("company"));
  EXPECT_FALSE(known.is_exact());
  EXPECT_FALSE(known.contains("other", "b", State::FAILED, kNoLabels));
  EXPECT_TRUE(known.intersect(ns_equals("other")).is_empty());
}

TEST(ConditionConstraint, ComplementsThatGrowTooLargeGiveUpExactness) {
  // Not(a1 and b1 or a2 and b2 or ...): 2^n boxes before simplification.
  Constraint alternatives = Constraint::nothing();
  for (int i = 0; i < 12; ++i)
    alternatives = alternatives.unite(ns_equals("ns" + std::to_string(i)).intersect(
        Constraint::labels_include({{"k" + std::to_string(i), "v"}})));
  auto complement = alternatives.complement();
  EXPECT_FALSE(complement.is_exact());
  EXPECT_TRUE(complement.contains("ns0", "f", State::FAILED, {{"k0", "v"}}));  // over-approximated
}

TEST(ConditionConstraint, AdmitsFlow) {
  auto c = ns_prefix("company").intersect(Constraint::state_in(state_bit(State::FAILED)));
  EXPECT_TRUE(c.admits_flow("company.a", "x"));
  EXPECT_FALSE(c.admits_flow("other", "x"));
  EXPECT_FALSE(Constraint::flow_is("a", "b").admits_flow("a", "c"));
}

TEST(ConditionConstraint, TerminalStates) {
  EXPECT_EQ(states_of(terminal_states()),
            (std::vector<State>{State::RETRIED, State::SUCCESS, State::WARNING, State::FAILED, State::KILLED,
                                State::CANCELLED, State::SKIPPED}));
}

}  // namespace
}  // namespace runwatch
