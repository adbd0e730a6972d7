// Kestra's KV tasks, kv() and the state tasks in an engine: a value set by one execution
// read by the next, ttl on the manual clock, overwrite: false, errorOnMissing, hostile
// keys and values, kv() in the executor's own renders.
#include <gtest/gtest.h>

#include "engine_fixture.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;

class KvTasksTest : public testing::EngineTest {
 protected:
  Value output(const Engine::Snapshot& e, const std::string& task_id) { return run_of(*e, task_id).outputs; }
  State state_of(const Engine::Snapshot& e, const std::string& task_id) { return run_of(*e, task_id).state.current(); }
};

TEST_F(KvTasksTest, AValueSetByOneExecutionIsReadByTheNextWithKvAndGet) {
  add(R"(id: writer
namespace: company.team
tasks:
  - id: count
    type: io.kestra.plugin.core.kv.Set
    key: alert-count
    value: 3
  - id: config
    type: io.kestra.plugin.core.kv.Set
    key: config
    value: {"channel": "#ops", "retries": 2}
    kvDescription: where alerts go
  - id: when
    type: io.kestra.plugin.core.kv.Set
    key: last.failure
    value: "2024-01-02T03:04:05+01:00"
    kvType: DATETIME
  - id: shared
    type: io.kestra.plugin.core.kv.Set
    namespace: company
    key: shared
    value: from the parent
)");
  add(R"(id: reader
namespace: company.team
tasks:
  - id: next
    type: io.kestra.plugin.core.debug.Return
    format: "{{ kv('alert-count') + 1 }} {{ kv('config').channel }} {{ kv('last.failure') }}"
  - id: inherited
    type: io.kestra.plugin.core.debug.Return
    format: "{{ kv('shared') }} / {{ kv('shared', 'company') }} / {{ kv('absent', errorOnMissing=false) | default('none') }}"
  - id: get
    type: io.kestra.plugin.core.kv.Get
    key: config
  - id: missing
    type: io.kestra.plugin.core.kv.Get
    key: absent
  - id: keys
    type: io.kestra.plugin.core.kv.GetKeys
  - id: prefixed
    type: io.kestra.plugin.core.kv.GetKeys
    prefix: last
)");
  auto written = start("writer");
  ASSERT_EQ(written->state.current(), State::SUCCESS) << ::testing::PrintToString(messages(*written, LogLevel::ERROR));
  EXPECT_EQ(output(written, "count"), Value::object());  // Set has no outputs, as Kestra's

  auto read = start("reader");
  ASSERT_EQ(read->state.current(), State::SUCCESS) << ::testing::PrintToString(messages(*read, LogLevel::ERROR));
  EXPECT_EQ(output(read, "next")["value"], "4 #ops 2024-01-02T02:04:05Z");
  EXPECT_EQ(output(read, "inherited")["value"], "from the parent / from the parent / none");
  EXPECT_EQ(output(read, "get")["value"], Value({{"channel", "#ops"}, {"retries", 2}}));
  EXPECT_EQ(output(read, "missing")["value"], Value());
  EXPECT_EQ(output(read, "keys")["keys"], Value({"alert-count", "config", "last.failure"}));
  EXPECT_EQ(output(read, "prefixed")["keys"], Value({"last.failure"}));

  auto entry = engine.kv().get("company.team", "config");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->description, "where alerts go");
  EXPECT_EQ(engine.kv().get("company.team", "last.failure")->type, "DATETIME");
}

TEST_F(KvTasksTest, OverwriteFalseFailsTheSecondExecution) {
  add(R"(id: once
namespace: company.team
tasks:
  - id: claim
    type: io.kestra.plugin.core.kv.Set
    key: claimed
    value: "{{ execution.id }}"
    overwrite: false
)");
  auto first = start("once");
  EXPECT_EQ(first->state.current(), State::SUCCESS);
  auto second = start("once");
  EXPECT_EQ(second->state.current(), State::FAILED);
  EXPECT_EQ(messages(*second, LogLevel::ERROR),
            std::vector<std::string>{
                "claim: Cannot set value for key 'claimed'. Key already exists and `overwrite` is set to `false`."});
  EXPECT_EQ(engine.kv().get("company.team", "claimed")->value, first->id);
}

TEST_F(KvTasksTest, AKeyPastItsTtlIsMissingForGetAndKv) {
  add(R"(id: token
namespace: company.team
tasks:
  - id: set
    type: io.kestra.plugin.core.kv.Set
    key: token
    value: abc
    ttl: PT1M
)");
  add(R"(id: strict
namespace: company.team
tasks:
  - id: get
    type: io.kestra.plugin.core.kv.Get
    key: token
    errorOnMissing: true
)");
  add(R"(id: templated
namespace: company.team
tasks:
  - id: use
    type: io.kestra.plugin.core.debug.Return
    format: "{{ kv('token') }}"
)");
  start("token");
  EXPECT_EQ(output(start("strict"), "get")["value"], "abc");
  advance(61s);
  auto strict = start("strict");
  EXPECT_EQ(strict->state.current(), State::FAILED);
  EXPECT_EQ(messages(*strict, LogLevel::ERROR),
            std::vector<std::string>{"get: No value found for key 'token' in namespace 'company.team' and "
                                     "`errorOnMissing` is set to true"});
  auto templated = start("templated");
  EXPECT_EQ(templated->state.current(), State::FAILED);
  ASSERT_EQ(messages(*templated, LogLevel::ERROR).size(), 1u);
  EXPECT_NE(
      messages(*templated, LogLevel::ERROR)[0].find("The key 'token' does not exist in the namespace 'company.team'."),
      std::string::npos)
      << messages(*templated, LogLevel::ERROR)[0];
}

TEST_F(KvTasksTest, DeleteSaysWhetherTheKeyHeldAValue) {
  engine.kv().put("company.team", "old", 1);
  add(R"(id: cleanup
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.kv.Delete
    key: old
  - id: again
    type: io.kestra.plugin.core.kv.Delete
    key: old
  - id: strict
    type: io.kestra.plugin.core.kv.Delete
    key: old
    errorOnMissing: true
)");
  auto e = start("cleanup");
  EXPECT_EQ(output(e, "first")["deleted"], true);
  EXPECT_EQ(output(e, "again")["deleted"], false);
  EXPECT_EQ(state_of(e, "strict"), State::FAILED);
  EXPECT_EQ(messages(*e, LogLevel::ERROR),
            std::vector<std::string>{"strict: No value found for key 'old' in namespace 'company.team' and "
                                     "`errorOnMissing` is set to true"});
}

TEST_F(KvTasksTest, HostileKeysAndValuesFailTheTaskWithAClearMessage) {
  add(R"(id: hostile
namespace: company.team
inputs:
  - id: key
    type: STRING
tasks:
  - id: set
    type: io.kestra.plugin.core.kv.Set
    key: "{{ inputs.key }}"
    value: x
    allowFailure: true
  - id: huge
    type: io.kestra.plugin.core.kv.Set
    key: huge
    value: "{{ range(1, 300000) | join(',') }}"
    allowFailure: true
  - id: typed
    type: io.kestra.plugin.core.kv.Set
    key: typed
    value: forty-two
    kvType: NUMBER
    allowFailure: true
)");
  auto e = start("hostile", {{"key", "../../etc/passwd"}});
  EXPECT_EQ(messages(*e, LogLevel::ERROR),
            (std::vector<std::string>{
                "set: Key '../../etc/passwd' must start with an alphanumeric character (uppercase or lowercase) and "
                "can contain alphanumeric characters (uppercase or lowercase), dots (.), underscores (_), and hyphens "
                "(-) only.",
                "huge: The value of key 'huge' is 1988896 bytes as JSON, more than the 1048576 a key may hold",
                "typed: 'forty-two' is not a NUMBER value"}));
  EXPECT_TRUE(engine.kv().list("company.team").empty());
}

TEST_F(KvTasksTest, KvWorksInTheTemplatesTheExecutorRenders) {
  add(R"(id: guarded
namespace: company.team
tasks:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: paging
    runIf: "{{ kv('maintenance', errorOnMissing=false) != true }}"
)");
  EXPECT_EQ(state_of(start("guarded"), "alert"), State::SUCCESS);
  engine.kv().put("company.team", "maintenance", true);
  EXPECT_EQ(state_of(start("guarded"), "alert"), State::SKIPPED);
}

TEST_F(KvTasksTest, StateTasksKeepAStatePerFlowAcrossExecutions) {
  add(R"(id: counter
namespace: company.team
tasks:
  - id: get
    type: io.kestra.plugin.core.state.Get
    name: runs
  - id: set
    type: io.kestra.plugin.core.state.Set
    name: runs
    data:
      seen: "{{ outputs.get.count }}"
      last: "{{ execution.id }}"
  - id: legacy
    type: io.kestra.core.tasks.states.Get
    name: runs
)");
  auto first = start("counter");
  ASSERT_EQ(first->state.current(), State::SUCCESS) << ::testing::PrintToString(messages(*first, LogLevel::ERROR));
  EXPECT_EQ(output(first, "get"), Value({{"count", 0}, {"data", Value::object()}}));
  EXPECT_EQ(output(first, "set")["count"], 2);
  EXPECT_EQ(output(first, "set")["key"], R"(["company.team","counter","runs",null])");
  auto second = start("counter");
  EXPECT_EQ(output(second, "get")["data"], Value({{"seen", "0"}, {"last", first->id}}));
  EXPECT_EQ(output(second, "legacy")["data"], Value({{"seen", "2"}, {"last", second->id}}));
  EXPECT_TRUE(engine.kv().list("company.team").empty());  // apart from the KV store

  add(R"(id: reset
namespace: company.team
tasks:
  - id: delete
    type: io.kestra.plugin.core.state.Delete
    name: runs
  - id: again
    type: io.kestra.plugin.core.state.Delete
    name: runs
    errorOnMissing: true
)");
  auto reset = start("reset");
  EXPECT_EQ(output(reset, "delete")["deleted"], false);  // another flow: another state
  EXPECT_EQ(messages(*reset, LogLevel::ERROR), std::vector<std::string>{"again: Unable to find the state file 'runs'"});
}

}  // namespace
}  // namespace runwatch
