// The trigger index on hand-picked triggers: each bucket, removal, replacement, labels.
#include <gtest/gtest.h>

#include "runwatch/condition/trigger_index.h"

namespace runwatch {
namespace {

using Ids = std::vector<std::uint32_t>;

Constraint failed() { return Constraint::state_in(state_bit(State::FAILED)); }
Constraint ns(TextSet set) { return Constraint::namespace_in(std::move(set)); }

class ConditionIndex : public ::testing::Test {
 protected:
  ConditionIndex() {
    index.add(1, Constraint::flow_is("company.system", "cleanup").intersect(failed()));
    index.add(2, ns(TextSet::equal_to("company.product")));
    index.add(3, ns(TextSet::starting_with("company.")).intersect(failed()));
    index.add(4, ns(TextSet::ending_with(".product")));
    index.add(5, failed());
    index.add(6, Constraint::labels_include({{"env", "prod"}}));
    index.add(7, ns(TextSet::starting_with("company")).intersect(ns(TextSet::equal_to("company.system")).complement()));
    index.add(8, Constraint::nothing());
  }
  TriggerIndex index;
};

TEST_F(ConditionIndex, EachEventMeetsExactlyTheTriggersWhoseNamespaceFlowAndStateMatch) {
  EXPECT_EQ(index.candidates("company.system", "cleanup", State::FAILED), (Ids{1, 3, 5, 6}));
  EXPECT_EQ(index.candidates("company.system", "cleanup", State::SUCCESS), (Ids{6}));
  EXPECT_EQ(index.candidates("company.product", "etl", State::SUCCESS), (Ids{2, 4, 6, 7}));
  EXPECT_EQ(index.candidates("company.product", "etl", State::FAILED), (Ids{2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(index.candidates("other.product", "etl", State::RUNNING), (Ids{4, 6}));
  EXPECT_EQ(index.candidates("company", "etl", State::RUNNING), (Ids{6, 7}));  // "company." needs the dot
  EXPECT_EQ(index.candidates("", "", State::CREATED), (Ids{6}));
}

TEST_F(ConditionIndex, AFlowMeetsTheTriggersThatAdmitSomeOfItsExecutions) {
  EXPECT_EQ(index.candidates_of_flow("company.system", "cleanup"), (Ids{1, 3, 5, 6}));
  EXPECT_EQ(index.candidates_of_flow("company.system", "other"), (Ids{3, 5, 6}));
  EXPECT_EQ(index.candidates_of_flow("company.product", "etl"), (Ids{2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(index.candidates_of_flow("other", "x"), (Ids{5, 6}));
}

TEST_F(ConditionIndex, RemoveAndReplace) {
  index.remove(3);
  index.remove(42);  // not there: nothing happens
  EXPECT_EQ(index.size(), 7u);
  EXPECT_EQ(index.candidates("company.system", "cleanup", State::FAILED), (Ids{1, 5, 6}));
  index.add(1, Constraint::flow_is("company.system", "cleanup"));  // replaces trigger 1
  EXPECT_EQ(index.candidates("company.system", "cleanup", State::SUCCESS), (Ids{1, 6}));
  for (std::uint32_t id = 1; id <= 8; ++id) index.remove(id);
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.candidates("company.system", "cleanup", State::FAILED), Ids{});
}

TEST_F(ConditionIndex, ATriggerWithSeveralBoxesIsReturnedOnce) {
  index.add(9, ns(TextSet::starting_with("company")).unite(ns(TextSet::ending_with("system"))).unite(failed()));
  EXPECT_EQ(index.candidates("company.system", "x", State::FAILED), (Ids{3, 5, 6, 9}));
}

}  // namespace
}  // namespace runwatch
