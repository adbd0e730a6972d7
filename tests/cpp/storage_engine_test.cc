// The internal storage in an engine: FILE inputs (given files, file:// defaults), read()
// in templates (the execution's files only, bounded, UTF-8), script tasks' output files,
// retention, and files read back after a restart on the same SQLite file.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "engine_fixture.h"
#include "runwatch/model/error.h"
#include "runwatch/store/repository.h"
#include "runwatch/tasks/read_function.h"
#include "store_test_support.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const char* kFiles = R"(id: files
namespace: company.team
inputs:
  - id: data
    type: FILE
    allowedFileExtensions: [".csv", ".TXT"]
tasks:
  - id: show
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(inputs.data) }}"
)";

const char* kReader = R"(id: reader
namespace: company.team
inputs:
  - id: uri
    type: STRING
tasks:
  - id: show
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(inputs.uri) }}"
)";

class StorageEngineTest : public testing::EngineTest {
 protected:
  testing::TempFolder folder;

  fs::path local_file(const std::string& name, const std::string& content) {
    std::ofstream(folder / name, std::ios::binary) << content;
    return folder / name;
  }
  Engine::Snapshot start_with_file(const std::string& flow_id, const std::string& name, const std::string& content,
                                   const Value& inputs = Value::object()) {
    auto created = engine.submit("company.team", flow_id, inputs, {}, nullptr,
                                 {{"data", FileInput{name, local_file(name, content)}}});
    settle();
    return engine.execution(created->id);
  }
  static std::string text_of(std::ifstream in) {
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string error_of(const std::function<void()>& call) {
    try {
      call();
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }
  std::string input_uri(const Engine::Snapshot& e, const std::string& name) {
    return "kestra:///company/team/" + e->flow_id + "/executions/" + e->id + "/inputs/data/" + name;
  }
};

TEST_F(StorageEngineTest, AFileInputIsStoredUnderItsExecutionAndReadByTemplates) {
  add(kFiles);
  auto e = start_with_file("files", "report.csv", "a,b\n1,2\n");
  ASSERT_EQ(e->state.current(), State::SUCCESS);
  EXPECT_EQ(e->inputs["data"], input_uri(e, "report.csv"));
  EXPECT_EQ(run_of(*e, "show").outputs["value"], "a,b\n1,2\n");
  EXPECT_EQ(text_of(engine.open_file(input_uri(e, "report.csv"))), "a,b\n1,2\n");
}

TEST_F(StorageEngineTest, AllowedFileExtensionsAreComparedWithoutCase) {
  add(kFiles);
  EXPECT_EQ(start_with_file("files", "notes.txt", "n")->state.current(), State::SUCCESS);
  EXPECT_EQ(error_of([&] { start_with_file("files", "run.exe", "x"); }),
            "Input 'data': the file 'run.exe' has none of the allowed extensions .csv, .TXT");
  EXPECT_EQ(engine.executions().size(), 1u);
}

TEST_F(StorageEngineTest, ARefusedExecutionKeepsNoFile) {
  add(R"(id: two
namespace: company.team
inputs:
  - id: data
    type: FILE
  - id: count
    type: INT
tasks:
  - id: show
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.count }}"
)");
  EXPECT_EQ(error_of([&] { start_with_file("two", "a.csv", "x"); }), "Missing required input 'count' (INT)");
  for (const auto& entry : fs::recursive_directory_iterator(engine.storage().base()))
    EXPECT_FALSE(entry.is_regular_file()) << entry.path();
}

TEST_F(StorageEngineTest, FileInputErrorsNameTheInput) {
  add(kFiles);
  add(kReader);
  EXPECT_EQ(error_of([&] {
              engine.submit("company.team", "reader", Value::object(), {}, nullptr,
                            {{"uri", FileInput{"a.csv", local_file("a.csv", "x")}}});
            }),
            "Input 'uri' is a file, but its type is STRING");
  EXPECT_EQ(error_of([&] {
              engine.submit("company.team", "files", Value::object(), {}, nullptr,
                            {{"other", FileInput{"a.csv", local_file("a.csv", "x")}}});
            }),
            "Input 'other' is a file, but the flow declares no such input");
  EXPECT_EQ(error_of([&] {
              engine.submit("company.team", "files", Value::object(), {}, nullptr,
                            {{"data", FileInput{"a.csv", folder / "missing.csv"}}});
            }),
            "Input 'data': no file at '" + (folder / "missing.csv").string() + "'");
  EXPECT_EQ(error_of([&] {
              engine.submit("company.team", "files", {{"data", "/etc/passwd"}});
            }),
            "Input 'data': expected a file (an upload, or the kestra:/// URI of a stored file), got '/etc/passwd'");
  EXPECT_EQ(error_of([&] {
              engine.submit("company.team", "files", Value::object(), {}, nullptr,
                            {{"data", FileInput{"../../x.csv", local_file("a.csv", "x")}}});
            }),
            "Input 'data': Invalid file name '../../x.csv': it holds a '/'");
}

TEST_F(StorageEngineTest, AFileDefaultIsCopiedToTheStorage) {
  local_file("default.csv", "from the default");
  add(std::string(R"(id: defaulted
namespace: company.team
inputs:
  - id: data
    type: FILE
    defaults: "file://)") +
      (folder / "default.csv").string() + R"("
tasks:
  - id: show
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(inputs.data) }}"
)");
  auto e = start("defaulted");
  ASSERT_EQ(e->state.current(), State::SUCCESS);
  EXPECT_EQ(e->inputs["data"], input_uri(e, "default.csv"));
  EXPECT_EQ(run_of(*e, "show").outputs["value"], "from the default");
}

TEST_F(StorageEngineTest, ReadRefusesOtherExecutionsNamespaceFilesAndBadFiles) {
  add(kFiles);
  add(kReader);
  auto with_file = start_with_file("files", "report.csv", "mine");
  auto refused = [&](const std::string& uri) {
    auto e = start("reader", {{"uri", uri}});
    EXPECT_EQ(e->state.current(), State::FAILED);
    auto errors = messages(*e, LogLevel::ERROR);
    return errors.empty() ? std::string("no error") : errors.front();
  };
  const std::string in_template = " ({{ read(inputs.uri) }}:1)";
  EXPECT_EQ(refused(input_uri(with_file, "report.csv")),
            "show: Function \"read\": Unable to read the file '" + input_uri(with_file, "report.csv") +
                "' as it didn't belong to the current execution" + in_template);
  EXPECT_EQ(refused("reports/today.csv"),
            "show: Function \"read\": 'reports/today.csv' would be a namespace file, and runwatch has no namespace "
            "files; read() takes the kestra:/// URI of a file of the execution" +
                in_template);
  EXPECT_EQ(refused("kestra:///company/../../etc/passwd"),
            "show: Function \"read\": Invalid storage URI 'kestra:///company/../../etc/passwd': it has a '..' segment" +
                in_template);
  EXPECT_EQ(refused("kestra:///company/team/reader/executions/nope/inputs/data/a.csv"),
            "show: Function \"read\": Unable to read the file "
            "'kestra:///company/team/reader/executions/nope/inputs/data/a.csv' as it didn't belong to the current "
            "execution" +
                in_template);
}

TEST_F(StorageEngineTest, ReadIsBoundedAndChecksUtf8) {
  add(kFiles);
  add(R"(id: missing
namespace: company.team
tasks:
  - id: show
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read('kestra:///company/team/missing/executions/' ~ execution.id ~ '/inputs/data/missing.csv') }}"
)");
  auto failed = [&](const std::string& name, const std::string& content) {
    auto e = start_with_file("files", name, content);
    EXPECT_EQ(e->state.current(), State::FAILED);
    auto errors = messages(*e, LogLevel::ERROR);
    return errors.empty() ? std::string("no error") : errors.front();
  };
  auto big = failed("big.csv", std::string(kMaxReadBytes + 1, 'x'));
  EXPECT_NE(big.find("' is 8388609 bytes, more than the 8388608 read() returns"), std::string::npos) << big;
  auto latin1 = failed("latin1.csv", "caf\xE9");
  EXPECT_NE(latin1.find("' is not UTF-8 text (byte 3)"), std::string::npos) << latin1;
  auto missing = start("missing");
  ASSERT_EQ(missing->state.current(), State::FAILED);
  EXPECT_NE(messages(*missing, LogLevel::ERROR)
                .front()
                .find("show: Function \"read\": The file 'kestra:///company/team/missing/executions/" + missing->id +
                      "/inputs/data/missing.csv' does not exist"),
            std::string::npos);
}

TEST_F(StorageEngineTest, ScriptOutputFilesAreStoredAndReadByLaterTasks) {
  add(R"(id: script
namespace: company.team
tasks:
  - id: make
    type: io.kestra.plugin.scripts.shell.Commands
    outputFiles: ["out.txt"]
    commands:
      - printf 'made here' > out.txt
  - id: use
    type: io.kestra.plugin.scripts.shell.Commands
    inputFiles:
      copy.txt: "{{ outputs.make.outputFiles['out.txt'] }}"
    commands:
      - cat copy.txt
  - id: show
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(outputs.make.outputFiles['out.txt']) }}"
)");
  auto e = start("script");
  ASSERT_EQ(e->state.current(), State::SUCCESS) << ::testing::PrintToString(messages(*e, LogLevel::ERROR));
  const auto& make = run_of(*e, "make");
  EXPECT_EQ(make.outputs["outputFiles"], Value({{"out.txt", "kestra:///company/team/script/executions/" + e->id +
                                                                "/tasks/make/" + make.id + "/out.txt"}}));
  EXPECT_EQ(messages(*e, LogLevel::INFO).back(), "use: made here");
  EXPECT_EQ(run_of(*e, "show").outputs["value"], "made here");
}

TEST(StorageEngine, RetentionRemovesAnExecutionsFiles) {
  testing::TempFolder folder;
  std::ofstream(folder / "a.csv") << "x";
  auto clock = std::make_shared<ManualClock>(testing::test_epoch());
  EngineOptions options;
  options.clock = clock;
  options.retention = std::chrono::hours(2);
  options.storage_path = folder / "storage";
  Engine engine(options);
  engine.add_flow(kFiles);
  auto e =
      engine.submit("company.team", "files", Value::object(), {}, nullptr, {{"data", {"a.csv", folder / "a.csv"}}});
  ASSERT_TRUE(engine.wait_idle(20s));
  const fs::path files = folder / "storage/company/team/files/executions" / e->id;
  EXPECT_TRUE(fs::exists(files / "inputs/data/a.csv"));
  clock->advance(std::chrono::hours(3));  // the hourly purge, past the retention
  ASSERT_TRUE(engine.wait_idle(20s));
  for (int i = 0; i < 200 && fs::exists(files); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(fs::exists(files));
  EXPECT_EQ(engine.execution(e->id), nullptr);
}

TEST(StorageEngine, FilesSurviveARestartOnTheSameDatabase) {
  testing::TempFolder folder;
  std::ofstream(folder / "a.csv") << "kept";
  std::string uri;
  auto open = [&] {
    EngineOptions options;
    options.repository = store::open_repository("sqlite", folder / "runwatch.db");
    options.storage_path = folder / "storage";
    return std::make_unique<Engine>(std::move(options));
  };
  {
    auto engine = open();
    engine->add_flow(kFiles);
    auto e =
        engine->submit("company.team", "files", Value::object(), {}, nullptr, {{"data", {"a.csv", folder / "a.csv"}}});
    engine->wait(e->id, std::chrono::seconds(20));
    uri = e->inputs["data"].get<std::string>();
  }
  auto engine = open();
  std::stringstream text;
  text << engine->open_file(uri).rdbuf();
  EXPECT_EQ(text.str(), "kept");
  EXPECT_THROW(engine->open_file(uri + ".missing"), NotFoundError);
}

TEST(StorageEngine, WithoutAPathTheStorageIsTemporary) {
  fs::path base;
  {
    Engine engine;
    base = engine.storage().base();
    EXPECT_TRUE(fs::is_directory(base));
    EXPECT_EQ(base.parent_path(), fs::temp_directory_path());
  }
  EXPECT_FALSE(fs::exists(base));
}

}  // namespace
}  // namespace runwatch
