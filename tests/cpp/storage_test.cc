// The internal storage: Kestra's URI layout, every hostile URI refused, put / get / size /
// delete on a folder, uploads committed or dropped, the engine's storage options.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "runwatch/config/config.h"
#include "runwatch/model/error.h"
#include "runwatch/storage/local_storage.h"
#include "runwatch/storage/storage_uri.h"
#include "store_test_support.h"

namespace runwatch::storage {
namespace {

namespace fs = std::filesystem;

std::string malformed(std::string_view uri) {
  try {
    StorageUri::parse(uri);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Malformed);
    return e.what();
  }
  return "no error";
}

std::string read_all(std::istream& in) {
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(StorageUri, KestraLayoutOfInputsAndTaskFiles) {
  StorageUri execution = execution_prefix("company.team", "My_Flow", "4wjtkzwVGBM9yKnjm3yv8r");
  EXPECT_EQ(execution.text(), "kestra:///company/team/my-flow/executions/4wjtkzwVGBM9yKnjm3yv8r");
  EXPECT_EQ(input_uri(execution, "data", "report.csv").text(),
            "kestra:///company/team/my-flow/executions/4wjtkzwVGBM9yKnjm3yv8r/inputs/data/report.csv");
  EXPECT_EQ(task_file_uri(execution, "make_Report", "run1", "out.txt").text(),
            "kestra:///company/team/my-flow/executions/4wjtkzwVGBM9yKnjm3yv8r/tasks/make-report/run1/out.txt");
}

TEST(StorageUri, SlugifyIsKestras) {
  EXPECT_EQ(slugify("hello"), "hello");
  EXPECT_EQ(slugify("Hello_World"), "hello-world");
  EXPECT_EQ(slugify("a.b--c__d"), "ab-c-d");
  EXPECT_EQ(slugify("-_x_-"), "x");
}

TEST(StorageUri, ParsesAndTellsWhatIsUnderAPrefix) {
  StorageUri uri = StorageUri::parse("kestra:///a/b/executions/e1/inputs/f/x y.txt");
  EXPECT_EQ(uri.path(), "a/b/executions/e1/inputs/f/x y.txt");
  EXPECT_EQ(uri.file_name(), "x y.txt");
  EXPECT_TRUE(uri.is_under(execution_prefix("a", "b", "e1")));
  EXPECT_FALSE(uri.is_under(execution_prefix("a", "b", "e")));  // segments, not characters
  EXPECT_FALSE(execution_prefix("a", "b", "e1").is_under(execution_prefix("a", "b", "e1")));
}

TEST(StorageUri, RefusesEveryPathThatCouldLeaveTheBase) {
  EXPECT_EQ(malformed("kestra:///a/../../etc/passwd"),
            "Invalid storage URI 'kestra:///a/../../etc/passwd': it has a '..' segment");
  EXPECT_EQ(malformed("kestra:///a/./b"), "Invalid storage URI 'kestra:///a/./b': it has a '.' segment");
  EXPECT_EQ(malformed("kestra:///.."), "Invalid storage URI 'kestra:///..': it has a '..' segment");
  EXPECT_EQ(malformed("kestra:////etc/passwd"), "Invalid storage URI 'kestra:////etc/passwd': it has an empty segment");
  EXPECT_EQ(malformed("kestra:///a//b"), "Invalid storage URI 'kestra:///a//b': it has an empty segment");
  EXPECT_EQ(malformed("kestra:///a/"), "Invalid storage URI 'kestra:///a/': it has an empty segment");
  EXPECT_EQ(malformed("/etc/passwd"), "Invalid storage URI '/etc/passwd': it must start with kestra:///");
  EXPECT_EQ(malformed("file:///etc/passwd"), "Invalid storage URI 'file:///etc/passwd': it must start with kestra:///");
  EXPECT_EQ(malformed("kestra://host/a"), "Invalid storage URI 'kestra://host/a': it must start with kestra:///");
  EXPECT_EQ(malformed("kestra:///"), "Invalid storage URI 'kestra:///': it names no file");
  EXPECT_EQ(malformed("kestra:///a/\xC3(b"),
            "Invalid storage URI 'kestra:///a/\xEF\xBF\xBD(b': it is not UTF-8 (byte 12)");
  EXPECT_EQ(malformed("kestra:///a/" + std::string(256, 'x')),
            "Invalid storage URI 'kestra:///a/" + std::string(188, 'x') + "': it has a segment longer than 255 bytes");
  EXPECT_EQ(malformed("kestra:///" + std::string(2039, 'a')),
            "Invalid storage URI 'kestra:///" + std::string(190, 'a') + "': longer than 2048 bytes");
}

TEST(StorageUri, RefusesANulOrAControlCharacter) {
  EXPECT_EQ(malformed(std::string("kestra:///a\0b", 13)),
            "Invalid storage URI 'kestra:///a\\x00b': it has a control character");
  EXPECT_EQ(malformed("kestra:///a\nb"), "Invalid storage URI 'kestra:///a\\x0Ab': it has a control character");
}

TEST(StorageUri, FileNamesFromClientsAreCheckedAsSegments) {
  StorageUri execution = execution_prefix("a", "b", "e1");
  auto refused = [&](std::string_view name) {
    try {
      input_uri(execution, "f", name);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Invalid);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(refused("../x"), "Invalid file name '../x': it holds a '/'");
  EXPECT_EQ(refused(".."), "Invalid file name '..': it is a '..' segment");
  EXPECT_EQ(refused(""), "Invalid file name '': it is an empty segment");
  EXPECT_EQ(refused("a\xFF"), "Invalid file name 'a\xEF\xBF\xBD': it is not UTF-8 (byte 1)");
  EXPECT_EQ(refused("/etc/passwd"), "Invalid file name '/etc/passwd': it holds a '/'");
}

class LocalStorageTest : public ::testing::Test {
 protected:
  testing::TempFolder folder;
  LocalStorage storage{folder / "storage"};
  StorageUri uri = input_uri(execution_prefix("company.team", "flow", "e1"), "data", "a.txt");
};

TEST_F(LocalStorageTest, PutsGetsAndSizesAFileUnderTheBase) {
  std::istringstream in("hello\nworld");
  EXPECT_EQ(storage.put(uri, in), 11u);
  EXPECT_TRUE(fs::is_regular_file(folder / "storage/company/team/flow/executions/e1/inputs/data/a.txt"));
  auto file = storage.get(uri);
  EXPECT_EQ(read_all(file), "hello\nworld");
  EXPECT_EQ(storage.size(uri), 11u);
  EXPECT_TRUE(storage.exists(uri));
}

TEST_F(LocalStorageTest, AMissingFileIsNotFound) {
  EXPECT_FALSE(storage.exists(uri));
  EXPECT_EQ(storage.size(uri), std::nullopt);
  try {
    storage.get(uri);
    FAIL() << "no error";
  } catch (const NotFoundError& e) {
    EXPECT_STREQ(e.what(), "File 'kestra:///company/team/flow/executions/e1/inputs/data/a.txt' not found");
  }
  // A folder is no file.
  EXPECT_FALSE(storage.exists(execution_prefix("company.team", "flow", "e1")));
}

TEST_F(LocalStorageTest, AnUploadIsInvisibleUntilCommittedAndGoneWhenDropped) {
  {
    auto upload = storage.upload();
    upload.write("abc", 3);
    EXPECT_EQ(upload.size(), 3u);
    EXPECT_FALSE(storage.exists(uri));
  }
  EXPECT_TRUE(fs::is_empty(folder / "storage/.uploads"));
  auto upload = storage.upload();
  upload.write("abcd", 4);
  upload.commit(uri);
  EXPECT_EQ(storage.size(uri), 4u);
  EXPECT_TRUE(fs::is_empty(folder / "storage/.uploads"));
}

TEST_F(LocalStorageTest, DeletesAnExecutionsFilesOnly) {
  std::istringstream a("a"), b("b");
  storage.put(uri, a);
  StorageUri other = input_uri(execution_prefix("company.team", "flow", "e2"), "data", "a.txt");
  storage.put(other, b);
  EXPECT_EQ(storage.delete_prefix(execution_prefix("company.team", "flow", "e1")), 4u);  // e1, inputs, data, a.txt
  EXPECT_FALSE(storage.exists(uri));
  EXPECT_TRUE(storage.exists(other));
  EXPECT_EQ(storage.delete_prefix(execution_prefix("company.team", "flow", "e1")), 0u);
}

TEST_F(LocalStorageTest, EveryAcceptedUriStaysUnderTheBase) {
  const fs::path base = fs::weakly_canonical(folder / "storage");
  for (std::string text : {"kestra:///a", "kestra:///a/b c/d", "kestra:///...", "kestra:///a/.../b", "kestra:///a/.x",
                           "kestra:///%2e%2e/%2e%2e/etc", "kestra:///a\\..\\..\\b"}) {
    fs::path path = fs::weakly_canonical(storage.path_of(StorageUri::parse(text)));
    auto [end, _] = std::mismatch(base.begin(), base.end(), path.begin(), path.end());
    EXPECT_EQ(end, base.end()) << text << " -> " << path;
  }
}

TEST(LocalStorage, ATemporaryStorageIsRemovedWithIt) {
  fs::path base;
  {
    auto storage = LocalStorage::temporary();
    base = storage->base();
    std::istringstream in("x");
    storage->put(StorageUri::parse("kestra:///a/b"), in);
    EXPECT_TRUE(fs::exists(base / "a/b"));
  }
  EXPECT_FALSE(fs::exists(base));
}

TEST(LocalStorage, ABaseThatCannotBeCreatedIsAnError) {
  testing::TempFolder folder;
  std::ofstream(folder / "file") << "x";
  try {
    LocalStorage storage(folder / "file" / "storage");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_EQ(std::string(e.what()), "Internal storage: cannot create the folder '" +
                                         (folder / "file" / "storage" / ".uploads").string() + "': Not a directory");
  }
}

TEST(StorageConfig, ReadsKestrasKeys) {
  Config c =
      load_config("kestra:\n  storage:\n    type: local\n    local:\n      base-path: /var/lib/runwatch/storage\n",
                  "application.yml", {});
  EXPECT_EQ(c.storage_base_path, "/var/lib/runwatch/storage");
  EXPECT_EQ(load_config("", "application.yml", {}).storage_base_path, std::nullopt);
  try {
    load_config("kestra:\n  storage:\n    type: s3\n", "application.yml", {});
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(
        e.issues()[0].to_string(),
        "application.yml:3:11: error: kestra.storage.type: must be local (the one storage runwatch has), got 's3'");
  }
}

}  // namespace
}  // namespace runwatch::storage
