// The module graph is a fact of the build: docs/ARCHITECTURE.md's dependency table, the
// DEPENDS lists of CMakeLists.txt and every `#include "runwatch/..."` must agree.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Graph = std::map<std::string, std::set<std::string>>;

const fs::path kSource = RUNWATCH_SOURCE_DIR;

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '`')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '`')) s.remove_suffix(1);
  return std::string(s);
}

// The rows of the table headed "| module | may include |": a module, then the modules
// it may include, comma-separated and in backquotes.
Graph dependency_table(const std::string& markdown) {
  Graph graph;
  std::istringstream lines(markdown);
  std::string line;
  bool in_table = false;
  while (std::getline(lines, line)) {
    if (line.rfind("| module | may include |", 0) == 0) {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    if (line.rfind("| ---", 0) == 0) continue;
    if (line.empty() || line[0] != '|') break;
    auto second = line.find('|', 1);
    auto end = line.find('|', second + 1);
    auto& deps = graph[trim(std::string_view(line).substr(1, second - 1))];
    std::istringstream cells(line.substr(second + 1, end - second - 1));
    for (std::string dep; std::getline(cells, dep, ',');)
      if (auto name = trim(dep); !name.empty()) deps.insert(name);
  }
  return graph;
}

// `runwatch_module(<name> DEPENDS a b ...)` and `runwatch_uses(_core DEPENDS ...)` (the
// bindings) in CMakeLists.txt; a list ends at the next upper-case keyword or ")". Other
// targets (tests, benchmarks, fuzz targets) may use any module.
Graph cmake_links(const std::string& cmake) {
  Graph graph;
  for (std::string_view call : {"runwatch_module(", "runwatch_uses("}) {
    for (size_t at = cmake.find(call); at != std::string::npos; at = cmake.find(call, at + 1)) {
      if (at >= 9 && cmake.compare(at - 9, 9, "function(") == 0) continue;
      auto close = cmake.find(')', at);
      std::istringstream words(cmake.substr(at + call.size(), close - at - call.size()));
      std::string name;
      words >> name;
      // Calls only: not the functions' definitions, their comments or their own bodies.
      bool module_call = call == "runwatch_module(" &&
                         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos;
      if (call == "runwatch_uses(" && name == "_core") name = "bindings";
      else if (!module_call) continue;
      bool listing = false;
      auto& deps = graph[name];
      for (std::string word; words >> word;) {
        bool keyword = word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == std::string::npos;
        if (keyword) listing = word == "DEPENDS";
        else if (listing) deps.insert(word);
      }
    }
  }
  return graph;
}

// The module of a file under cpp/: its folder under cpp/runwatch/, "engine" for the
// facade's files directly in it, "bindings" for cpp/bindings/.
std::string module_of(const fs::path& relative) {
  auto it = relative.begin();
  if (*it == "bindings") return "bindings";
  ++it;  // runwatch
  auto first = *it;
  return ++it == relative.end() ? "engine" : first.string();
}

// The module an include names: "runwatch/expr/template.h" is expr, "runwatch/engine.h" engine.
std::string module_included(const std::string& path) {
  auto rest = path.substr(std::string("runwatch/").size());
  auto slash = rest.find('/');
  return slash == std::string::npos ? "engine" : rest.substr(0, slash);
}

struct Violation {
  std::string where;  // file:line
  std::string include;
};

// Every `#include "runwatch/..."` of the text that its module may not include.
std::vector<Violation> violations(const std::string& file, const std::string& module, const std::string& text,
                                  const Graph& allowed) {
  std::vector<Violation> out;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    const std::string directive = "#include \"runwatch/";
    if (line.rfind(directive, 0) != 0) continue;
    auto path = line.substr(10, line.find('"', 10) - 10);
    auto target = module_included(path);
    if (target == module) continue;
    auto row = allowed.find(module);
    if (row == allowed.end() || !row->second.count(target))
      out.push_back({file + ":" + std::to_string(number), path});
  }
  return out;
}

std::string describe(const std::vector<Violation>& found) {
  std::string out;
  for (const auto& v : found) out += v.where + ": includes " + v.include + "\n";
  return out;
}

Graph documented() { return dependency_table(read(kSource / "docs/ARCHITECTURE.md")); }

TEST(Architecture, TheDocumentedTableCoversEveryModule) {
  std::set<std::string> modules{"engine", "bindings"};
  for (const auto& entry : fs::directory_iterator(kSource / "cpp/runwatch"))
    if (entry.is_directory()) modules.insert(entry.path().filename().string());
  std::set<std::string> rows;
  for (const auto& [module, deps] : documented()) {
    rows.insert(module);
    for (const auto& dep : deps) EXPECT_TRUE(modules.count(dep)) << module << " may include an unknown module " << dep;
  }
  EXPECT_EQ(rows, modules);
}

TEST(Architecture, CMakeLinksEachModuleToItsDocumentedDependencies) {
  EXPECT_EQ(cmake_links(read(kSource / "CMakeLists.txt")), documented());
}

TEST(Architecture, TheDocumentedGraphHasNoCycle) {
  auto graph = documented();
  std::map<std::string, int> state;  // 1 visiting, 2 done
  std::vector<std::string> path;
  std::function<void(const std::string&)> visit = [&](const std::string& m) {
    if (state[m] == 2) return;
    path.push_back(m);
    ASSERT_NE(state[m], 1) << "cycle: " << testing::PrintToString(path);
    state[m] = 1;
    for (const auto& dep : graph[m]) visit(dep);
    state[m] = 2;
    path.pop_back();
  };
  for (const auto& [module, deps] : graph) visit(module);
}

TEST(Architecture, EveryIncludeFollowsTheDocumentedGraph) {
  auto allowed = documented();
  std::vector<Violation> found;
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kSource / "cpp")) {
    auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".h" && ext != ".cc")) continue;
    auto relative = fs::relative(entry.path(), kSource / "cpp");
    auto more = violations(relative.string(), module_of(relative), read(entry.path()), allowed);
    found.insert(found.end(), more.begin(), more.end());
    ++files;
  }
  EXPECT_GT(files, 200u);
  EXPECT_EQ(describe(found), "");
}

TEST(Architecture, AnIncludeOutsideTheGraphIsReportedWithItsLine) {
  Graph allowed = dependency_table(
      "| module | may include |\n| --- | --- |\n| `model` | |\n| `store` | `model`, `metrics` |\n| `metrics` | `model` |\n");
  EXPECT_EQ(allowed, (Graph{{"model", {}}, {"store", {"model", "metrics"}}, {"metrics", {"model"}}}));
  auto found = violations("runwatch/store/indexer.cc", "store",
                          "#include \"runwatch/store/indexer.h\"\n#include \"runwatch/metrics/catalog.h\"\n"
                          "#include \"runwatch/runtime/thread_name.h\"\n#include \"runwatch/engine.h\"\n",
                          allowed);
  EXPECT_EQ(describe(found),
            "runwatch/store/indexer.cc:3: includes runwatch/runtime/thread_name.h\n"
            "runwatch/store/indexer.cc:4: includes runwatch/engine.h\n");
}

TEST(Architecture, CMakeDependsListsEndAtTheNextKeyword) {
  EXPECT_EQ(cmake_links("function(runwatch_module name)\n  runwatch_uses(runwatch_${name} DEPENDS ${ARG_DEPENDS})\n"
                        "runwatch_module(store DEPENDS model logging PRIVATE_LINKS ${RUNWATCH_SQLITE})\n"
                        "runwatch_uses(runwatch_tests DEPENDS api engine)\n"
                        "  runwatch_uses(_core DEPENDS api engine)\n"),
            (Graph{{"store", {"model", "logging"}}, {"bindings", {"api", "engine"}}}));
}

}  // namespace
