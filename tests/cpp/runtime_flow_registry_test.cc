// The loaded flows by key: all() in namespace then id order through puts, replacements
// and removals; revisions counted across deletions.
#include <gtest/gtest.h>

#include "runwatch/runtime/flow_registry.h"

namespace runwatch {
namespace {

std::shared_ptr<const Flow> flow(const std::string& ns, const std::string& id, int revision = 1) {
  auto f = std::make_shared<Flow>();
  f->ns = ns;
  f->id = id;
  f->revision = revision;
  return f;
}

std::vector<std::string> keys(const FlowRegistry& registry) {
  std::vector<std::string> out;
  for (const auto& f : registry.all()) out.push_back(f->ns + "/" + f->id + "@" + std::to_string(f->revision));
  return out;
}

TEST(FlowRegistry, AllListsTheLiveFlowsByNamespaceThenIdThroughChanges) {
  FlowRegistry registry;
  registry.put(flow("company.team", "b"));
  registry.put(flow("company", "z"));
  registry.put(flow("company.team", "a"));
  registry.put(flow("company.team.sub", "a"));
  EXPECT_EQ(keys(registry),
            (std::vector<std::string>{"company/z@1", "company.team/a@1", "company.team/b@1", "company.team.sub/a@1"}));
  registry.put(flow("company.team", "a", 2));  // a new revision replaces the old one in place
  EXPECT_EQ(registry.remove("company", "z")->id, "z");
  EXPECT_EQ(registry.remove("company", "z"), nullptr);
  EXPECT_EQ(keys(registry), (std::vector<std::string>{"company.team/a@2", "company.team/b@1", "company.team.sub/a@1"}));
  EXPECT_EQ(registry.find("company.team", "a")->revision, 2);
  EXPECT_EQ(registry.next_revision("company", "z"), 3);  // its deletion was revision 2
  registry.put(flow("company", "z", 3));
  EXPECT_EQ(keys(registry).front(), "company/z@3");
}

}  // namespace
}  // namespace runwatch
