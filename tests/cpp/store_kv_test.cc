// The namespace KV store on both repositories: values and their types, ttl on a manual
// clock, overwrite: false, Kestra's key rule and the size bounds, the task state store's
// merge, and a SQLite file read back by another repository.
#include <gtest/gtest.h>

#include "runwatch/model/error.h"
#include "runwatch/model/kv_store.h"
#include "runwatch/repository_adapters.h"
#include "runwatch/store/repository.h"
#include "store_test_support.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;

const TimePoint kEpoch = TimePoint(std::chrono::seconds(1'700'000'000));

class KvStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  testing::TempFolder folder;
  ManualClock clock{kEpoch};
  std::shared_ptr<store::Repository> repository = open();
  std::unique_ptr<RepositoryKvBackend> backend = std::make_unique<RepositoryKvBackend>(*repository);
  std::unique_ptr<KvStore> kv = std::make_unique<KvStore>(*backend, clock);

  std::shared_ptr<store::Repository> open() { return store::open_repository(GetParam(), folder / "runwatch.db"); }

  // The message of the Error `call` throws, and its kind.
  template <typename Call>
  static std::pair<ErrorKind, std::string> error_of(Call call) {
    try {
      call();
    } catch (const Error& e) {
      return {e.kind(), e.what()};
    }
    return {ErrorKind::Invalid, "no error"};
  }
};

TEST_P(KvStoreTest, SetsGetsListsAndDeletesKeysOfANamespace) {
  kv->put("company.team", "b-count", 42);
  kv->put("company.team", "a.config", Value{{"url", "https://x"}, {"retries", 3}}, {.description = "the config"});
  kv->put("company", "b-count", "parent");
  kv->put("company.team2", "other", true);

  auto entry = kv->get("company.team", "a.config");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->value, Value({{"url", "https://x"}, {"retries", 3}}));
  EXPECT_EQ(entry->type, "JSON");
  EXPECT_EQ(entry->description, "the config");
  EXPECT_EQ(entry->created, kEpoch);
  EXPECT_EQ(kv->get("company.team", "b-count")->type, "NUMBER");
  EXPECT_EQ(kv->get("company", "b-count")->value, "parent");
  EXPECT_EQ(kv->get("company", "b-count")->type, "STRING");
  EXPECT_FALSE(kv->get("company.team", "missing"));

  auto listed = kv->list("company.team");
  ASSERT_EQ(listed.size(), 2u);  // not the parent's, nor company.team2's
  EXPECT_EQ(listed[0].key, "a.config");
  EXPECT_EQ(listed[1].key, "b-count");

  clock.advance(5s);
  kv->put("company.team", "b-count", 43);
  EXPECT_EQ(kv->get("company.team", "b-count")->created, kEpoch);
  EXPECT_EQ(kv->get("company.team", "b-count")->updated, kEpoch + 5s);

  EXPECT_TRUE(kv->erase("company.team", "b-count"));
  EXPECT_FALSE(kv->erase("company.team", "b-count"));
  EXPECT_FALSE(kv->get("company.team", "b-count"));
  EXPECT_EQ(kv->list("company.team").size(), 1u);
}

TEST_P(KvStoreTest, AKeyPastItsTtlReadsAsMissing) {
  kv->put("company.team", "token", "abc", {.ttl = 1h});
  EXPECT_EQ(kv->get("company.team", "token")->expires, kEpoch + 1h);
  clock.advance(1h);
  EXPECT_EQ(kv->get("company.team", "token")->value, "abc");  // as Kestra: expired once now is after
  clock.advance(1ms);
  EXPECT_FALSE(kv->get("company.team", "token"));
  EXPECT_TRUE(kv->list("company.team").empty());
  kv->put("company.team", "token", "new", {.overwrite = false});  // an expired key is free
  EXPECT_EQ(kv->get("company.team", "token")->value, "new");
  EXPECT_FALSE(kv->get("company.team", "token")->expires);
  EXPECT_EQ(error_of([&] { kv->put("company.team", "token", 1, {.ttl = -1s}); }),
            std::pair(ErrorKind::Malformed, std::string("The ttl of key 'token' must be positive")));
}

TEST_P(KvStoreTest, OverwriteFalseFailsWhenTheKeyHoldsAValue) {
  kv->put("company.team", "once", 1, {.overwrite = false});
  EXPECT_EQ(error_of([&] { kv->put("company.team", "once", 2, {.overwrite = false}); }),
            std::pair(ErrorKind::Conflict,
                      std::string("Cannot set value for key 'once'. Key already exists and `overwrite` is set to "
                                  "`false`.")));
  EXPECT_EQ(kv->get("company.team", "once")->value, 1);
}

TEST_P(KvStoreTest, KeysNamespacesAndValuesAreCheckedAndBounded) {
  const std::string rule =
      "' must start with an alphanumeric character (uppercase or lowercase) and can contain alphanumeric characters "
      "(uppercase or lowercase), dots (.), underscores (_), and hyphens (-) only.";
  EXPECT_EQ(error_of([&] { kv->put("company.team", "../etc/passwd", 1); }),
            std::pair(ErrorKind::Malformed, "Key '../etc/passwd" + rule));
  EXPECT_EQ(error_of([&] { kv->get("company.team", "a/b"); }), std::pair(ErrorKind::Malformed, "Key 'a/b" + rule));
  EXPECT_EQ(error_of([&] { kv->get("company.team", ""); }),
            std::pair(ErrorKind::Malformed, std::string("Key cannot be null or empty")));
  EXPECT_EQ(error_of([&] { kv->put("company.team", std::string(256, 'k'), 1); }).second,
            "Key '" + std::string(100, 'k') + "...' is longer than 255 characters");
  EXPECT_EQ(error_of([&] { kv->list("Company/../x"); }),
            std::pair(ErrorKind::Malformed, std::string("Invalid namespace 'Company/../x': it must match "
                                                        "[a-z0-9][a-z0-9._-]* (at most 150 characters)")));
  kv->put("company.team", "big", std::string(kMaxKvValueBytes - 2, 'x'));  // with its quotes: exactly 1 MiB
  EXPECT_EQ(error_of([&] { kv->put("company.team", "bigger", std::string(kMaxKvValueBytes - 1, 'x')); }),
            std::pair(ErrorKind::Malformed,
                      std::string("The value of key 'bigger' is 1048577 bytes as JSON, more than the 1048576 a key "
                                  "may hold")));
  EXPECT_FALSE(kv->get("company.team", "bigger"));
  EXPECT_EQ(error_of([&] { kv->put("company.team", "k", 1, {.description = std::string(4097, 'd')}); }).second,
            "The description of key 'k' is longer than 4096 characters");
}

TEST_P(KvStoreTest, TheTaskStateStoreMergesMapsAndIsApartFromTheKvStore) {
  const std::string key = R"(["company.team","flow","default",null])";
  EXPECT_FALSE(kv->task_state(key));
  EXPECT_EQ(kv->merge_task_state(key, {{"a", 1}, {"nested", {{"x", 1}}}}), Value({{"a", 1}, {"nested", {{"x", 1}}}}));
  EXPECT_EQ(kv->merge_task_state(key, {{"b", 2}, {"nested", {{"y", 2}}}}),
            Value({{"a", 1}, {"nested", {{"x", 1}, {"y", 2}}}, {"b", 2}}));
  EXPECT_TRUE(kv->list("company.team").empty());
  EXPECT_TRUE(kv->erase_task_state(key));
  EXPECT_FALSE(kv->erase_task_state(key));
}

TEST_P(KvStoreTest, KestrasKvTypesConvertText) {
  EXPECT_EQ(kv_value_of_type("42.5", "NUMBER"), 42.5);
  EXPECT_EQ(kv_value_of_type("TRUE", "BOOLEAN"), true);
  EXPECT_EQ(kv_value_of_type("yes", "BOOLEAN"), false);  // Java's parseBoolean
  EXPECT_EQ(kv_value_of_type("2024-01-02T03:04:05+01:00", "DATETIME"), "2024-01-02T02:04:05Z");
  EXPECT_EQ(kv_value_of_type("2024-01-02", "DATE"), "2024-01-02");
  EXPECT_EQ(kv_value_of_type("PT90M", "DURATION"), "PT1H30M");
  EXPECT_EQ(kv_value_of_type(R"({"a": [1]})", "JSON"), Value({{"a", {1}}}));
  EXPECT_EQ(error_of([] { kv_value_of_type("forty", "NUMBER"); }).second, "'forty' is not a NUMBER value");
  EXPECT_EQ(error_of([] { kv_value_of_type("{", "JSON"); }).second, "'{' is not a JSON value");
}

INSTANTIATE_TEST_SUITE_P(Store, KvStoreTest, ::testing::Values("memory", "sqlite"));

TEST(SqliteKvStore, KeysAndStatesAreBackAfterARestart) {
  testing::TempFolder folder;
  ManualClock clock{kEpoch};
  {
    auto repository = store::open_repository("sqlite", folder / "runwatch.db");
    RepositoryKvBackend backend(*repository);
    KvStore kv(backend, clock);
    kv.put("company.team", "last-alert", "2024-01-02T03:04:05Z", {.type = "DATETIME", .ttl = 24h});
    kv.merge_task_state("state-key", {{"count", 3}});
    repository->close();
  }
  auto repository = store::open_repository("sqlite", folder / "runwatch.db");
  RepositoryKvBackend backend(*repository);
  KvStore kv(backend, clock);
  auto entry = kv.get("company.team", "last-alert");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->value, "2024-01-02T03:04:05Z");
  EXPECT_EQ(entry->type, "DATETIME");
  EXPECT_EQ(entry->expires, kEpoch + 24h);
  EXPECT_EQ(kv.task_state("state-key"), Value({{"count", 3}}));
}

}  // namespace
}  // namespace runwatch
