// SECRET inputs: encrypted at rest with kestra.encryption.secret-key (AES-GCM, Kestra's
// format), decrypted only for the task runs, masked wherever they write.
#include <gtest/gtest.h>

#include "engine_fixture.h"
#include "runwatch/crypto/secret_cipher.h"
#include "runwatch/model/json_text.h"
#include "runwatch/runtime/secret_inputs.h"
#include "runwatch/store/repository.h"
#include "store_test_support.h"

namespace runwatch::testing {
namespace {

using namespace std::chrono_literals;
using crypto::CryptoError;
using crypto::SecretCipher;

// Base64 of the 32 bytes "runwatch-test-key-0123456789abcd" (AES-256), and of the 24
// bytes "kestra-docs-24-byte-key!" (AES-192: Kestra's documented 32-character keys).
constexpr const char* kKey256 = "cnVud2F0Y2gtdGVzdC1rZXktMDEyMzQ1Njc4OWFiY2Q=";
constexpr const char* kKey192 = "a2VzdHJhLWRvY3MtMjQtYnl0ZS1rZXkh";
constexpr const char* kOtherKey = "b3RoZXItcnVud2F0Y2gta2V5LTAxMjM0NTY3ODlhYmM=";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

TEST(SecretCipher, DecryptsWhatAnotherAesGcmImplementationEncryptedInKestrasLayout) {
  // Base64(IV 00..0b || ciphertext || tag), made with Python's cryptography AESGCM.
  EXPECT_EQ(SecretCipher::from_configured_key(kKey256).decrypt("AAECAwQFBgcICQoLNsVN84XxrYrjXdRVgXMZybnptTwBQmbp1YU="),
            "hunter2-\xc3\xa9");
  EXPECT_EQ(SecretCipher::from_configured_key(kKey192).decrypt("AAECAwQFBgcICQoLbjSFxJ4PdwHVREzBwSSBXfi/gXGlHA=="),
            "s3cr3t");
}

TEST(SecretCipher, EachEncryptionHasItsOwnIvAndReadsBack) {
  auto cipher = SecretCipher::from_configured_key(kKey256);
  auto first = cipher.encrypt("hunter22");
  auto second = cipher.encrypt("hunter22");
  EXPECT_NE(first, second);
  EXPECT_EQ(first.size(), 48u);  // Base64 of 12 + 8 + 16 bytes
  EXPECT_EQ(cipher.decrypt(first), "hunter22");
  EXPECT_EQ(cipher.decrypt(second), "hunter22");
  EXPECT_EQ(cipher.decrypt(cipher.encrypt("")), "");
  auto ephemeral = SecretCipher::ephemeral();
  EXPECT_EQ(ephemeral.decrypt(ephemeral.encrypt("in memory")), "in memory");
}

TEST(SecretCipher, AKeyBreakingKestrasRulesIsRefusedWithoutBeingQuoted) {
  EXPECT_EQ(error_of([] { SecretCipher::from_configured_key("c2hvcnQta2V5"); }),
            "must be at least 32 characters, got 12");
  EXPECT_EQ(error_of([] { SecretCipher::from_configured_key("this key is not base64 at all!!!"); }),
            "must be Base64 (Kestra decodes it to the AES key)");
  EXPECT_EQ(error_of([] { SecretCipher::from_configured_key("YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWZn"); }),
            "decodes to 33 bytes; an AES key is 16, 24 or 32 bytes");
}

TEST(SecretCipher, WhatWasNotEncryptedWithTheKeyOrWasAlteredDoesNotOpen) {
  auto cipher = SecretCipher::from_configured_key(kKey256);
  auto sealed = cipher.encrypt("hunter22");
  auto altered = sealed;
  altered[20] = altered[20] == 'A' ? 'B' : 'A';
  const std::string refused = "the encrypted value does not open with the configured kestra.encryption.secret-key";
  EXPECT_EQ(error_of([&] { cipher.decrypt(altered); }), refused);
  EXPECT_EQ(error_of([&] { SecretCipher::from_configured_key(kOtherKey).decrypt(sealed); }), refused);
  EXPECT_EQ(error_of([&] { cipher.decrypt("not base64!"); }), "the encrypted value is not Base64");
  EXPECT_EQ(error_of([&] { cipher.decrypt("AAAAAAAA"); }), "the encrypted value is too short");
}

constexpr const char* kLogin = R"(
id: login
namespace: company.team
inputs:
  - id: password
    type: SECRET
  - id: db.token
    type: SECRET
    required: false
  - id: user
    type: STRING
    defaults: admin
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message:
      - "password {{ inputs.password }}"
      - "upper {{ inputs.password | upper }}"
      - "reversed {{ inputs['password'] | reverse }}"
      - "token {{ inputs.db.token }}"
      - "user {{ inputs.user }}"
  - id: check
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.password == 'hunter22' }} {{ inputs.password | length }}"
  - id: leak
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.password | base64encode }}"
)";

class SecretInputs : public EngineTest {};

TEST_F(SecretInputs, AreEncryptedInTheExecutionAndReadOnlyByItsTasksMasked) {
  add(kLogin);
  auto e = start("login", {{"password", "hunter22"}, {"db.token", "tok-42"}});
  ASSERT_EQ(e->state.current(), State::SUCCESS);
  const auto& sealed = e->inputs["password"];
  ASSERT_TRUE(sealed.is_object());
  EXPECT_EQ(sealed["type"], "io.kestra.datatype:aes_encrypted");
  EXPECT_EQ(sealed["value"].get<std::string>().size(), 48u);
  EXPECT_EQ(e->inputs["db"]["token"]["type"], "io.kestra.datatype:aes_encrypted");
  EXPECT_EQ(e->inputs["user"], "admin");
  EXPECT_EQ(dump_json(e->inputs).find("hunter22"), std::string::npos);
  EXPECT_EQ(messages(*e, LogLevel::INFO),
            (std::vector<std::string>{"say: password ******", "say: upper ******", "say: reversed ******",
                                      "say: token ******", "say: user admin"}));
  EXPECT_EQ(run_of(*e, "check").outputs["value"], "true 8");
  EXPECT_EQ(run_of(*e, "leak").outputs["value"], "******");
}

TEST_F(SecretInputs, AValueRefusedByItsValidatorIsNotQuoted) {
  add(R"(
id: pin
namespace: company.team
inputs:
  - id: pin
    type: SECRET
    validator: "[0-9]{4}"
tasks:
  - id: ok
    type: io.kestra.plugin.core.debug.Return
    format: ok
)");
  EXPECT_EQ(error_of([&] { engine.submit("company.team", "pin", {{"pin", "12a4"}}); }),
            "Invalid input 'pin' (SECRET): the value does not match the validator [0-9]{4}");
  EXPECT_EQ(error_of([&] { engine.submit("company.team", "pin", {{"pin", {{"nested", "1234"}}}}); }),
            "Invalid input 'pin' (SECRET): expected a string");
}

TEST(SecretInputsStored, WithoutAKeyAPersistentEngineRefusesThemAsKestraDoes) {
  TempFolder folder;
  EngineOptions o;
  o.clock = std::make_shared<ManualClock>(test_epoch());
  o.repository = store::open_repository("sqlite", folder / "runwatch.db");
  Engine engine(std::move(o));
  engine.add_flow(kLogin, "login.yaml");
  EXPECT_EQ(error_of([&] { engine.submit("company.team", "login", {{"password", "hunter22"}}); }),
            "Invalid input 'password' (SECRET): Unable to use a SECRET input as encryption is not configured "
            "(kestra.encryption.secret-key)");
  EXPECT_TRUE(engine.executions().empty());
}

TEST(SecretInputsStored, AServerEngineWithoutAKeyRefusesThemEvenInMemory) {
  EngineOptions o;
  o.clock = std::make_shared<ManualClock>(test_epoch());
  o.secret_inputs_need_key = true;
  Engine engine(std::move(o));
  engine.add_flow(kLogin, "login.yaml");
  EXPECT_THROW(engine.submit("company.team", "login", {{"password", "hunter22"}}), InputError);
  // A flow whose SECRET input is not given still runs.
  engine.add_flow(R"(
id: optional
namespace: company.team
inputs:
  - id: token
    type: SECRET
    required: false
tasks:
  - id: ok
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.token ?? 'none' }}"
)");
  auto created = engine.submit("company.team", "optional");
  EXPECT_EQ(engine.wait(created->id, 20s)->state.current(), State::SUCCESS);
}

TEST(SecretInputsStored, AreStoredEncryptedAndAnExecutionWhoseKeyChangedEndsFailedSayingWhy) {
  TempFolder folder;
  auto engine_with = [&](const char* key) {
    EngineOptions o;
    o.clock = std::make_shared<ManualClock>(test_epoch());
    o.worker_threads = 2;
    o.encryption_secret_key = key;
    o.repository = store::open_repository("sqlite", folder / "runwatch.db");
    return std::make_unique<Engine>(std::move(o));
  };
  std::shared_ptr<const Execution> ran;
  {
    auto engine = engine_with(kKey256);
    engine->add_flow(kLogin, "login.yaml");
    auto created = engine->submit("company.team", "login", {{"password", "hunter22"}});
    ASSERT_TRUE(engine->wait_idle(20s));
    ran = engine->execution(created->id);
    ASSERT_EQ(ran->state.current(), State::SUCCESS);
    auto stored = engine->repository().find_execution(created->id);
    EXPECT_EQ(SecretCipher::from_configured_key(kKey256).decrypt(stored->inputs["password"]["value"].get<std::string>()),
              "hunter22");
  }
  {  // As if the engine had stopped between recording it and starting it.
    auto repository = store::open_repository("sqlite", folder / "runwatch.db");
    Execution waiting = *ran;
    waiting.id = "waitingforkeyb";
    waiting.task_runs.clear();
    waiting.logs.clear();
    waiting.state = StateHistory(State::CREATED, test_epoch());
    repository->save_executions({std::make_shared<const Execution>(waiting)});
    repository->close();
  }
  auto engine = engine_with(kOtherKey);
  ASSERT_TRUE(engine->wait_idle(20s));
  auto failed = engine->execution("waitingforkeyb");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->state.current(), State::FAILED);
  EXPECT_TRUE(failed->task_runs.empty());
  ASSERT_EQ(failed->logs.size(), 1u);
  EXPECT_EQ(failed->logs[0].level, LogLevel::ERROR);
  EXPECT_EQ(failed->logs[0].message,
            (std::string{"SECRET input 'password' cannot be read: the encrypted value does not open with "
                                      "the configured kestra.encryption.secret-key"}));
}

}  // namespace
}  // namespace runwatch::testing
