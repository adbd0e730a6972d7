#include "runwatch/yaml/text_guard.h"

#include <yaml-cpp/yaml.h>
#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <unordered_map>
#include <vector>

namespace runwatch {
namespace {

struct Refused {
  YamlTextProblem problem;
};

// Counts each node as it will be once loaded: an alias counts the whole node it names.
class ExpansionCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    for (const auto& open : open_)
      if (anchor != YAML::NullAnchor && open.anchor == anchor)
        fail(mark, "this alias names a list or mapping that holds it: the document would never end");
    auto named = anchors_.find(anchor);
    long long size = named == anchors_.end() ? 1 : named->second.size;
    if (named != anchors_.end() && named->second.collection && ++collection_aliases_ > kMaxCollectionAliases)
      fail(mark, "more than " + std::to_string(kMaxCollectionAliases) +
                     " aliases of lists or mappings: the document is refused (an alias bomb?)");
    add(mark, size);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open_.push_back({anchor, 1});
    check(mark, 0);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open_.push_back({anchor, 1});
    check(mark, 0);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    long long size;
  };
  struct Named {
    long long size;
    bool collection;
  };

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {1, false};
    add(mark, 1);
  }
  void add(const YAML::Mark& mark, long long size) {
    if (!open_.empty()) open_.back().size += size;
    check(mark, size);
  }
  void close() {
    Open done = open_.back();
    open_.pop_back();
    if (done.anchor != YAML::NullAnchor) anchors_[done.anchor] = {done.size, true};
    if (!open_.empty()) open_.back().size += done.size;
  }
  void check(const YAML::Mark& mark, long long added) {
    total_ += added == 0 ? 1 : added;
    if (total_ > kMaxExpandedNodes)
      fail(mark, "the document expands to more than " + std::to_string(kMaxExpandedNodes) +
                     " values once its aliases are followed: it is refused (an alias bomb?)");
  }
  [[noreturn]] static void fail(const YAML::Mark& mark, std::string message) {
    throw Refused{{{mark.line + 1, mark.column + 1}, std::move(message)}};
  }

  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, Named> anchors_;
  int collection_aliases_ = 0;
  long long total_ = 0;
};

std::optional<YamlTextProblem> check_aliases(std::string_view yaml) {
  std::istringstream in{std::string(yaml)};
  YAML::Parser parser(in);
  ExpansionCounter counter;
  try {
    while (parser.HandleNextDocument(counter)) {
    }
  } catch (const Refused& e) {
    return e.problem;
  } catch (const YAML::Exception&) {
  }
  return std::nullopt;
}

}  // namespace

std::optional<YamlTextProblem> check_yaml_text(std::string_view yaml, std::string_view what) {
  if (auto problem = find_utf8_problem(yaml, what)) return YamlTextProblem{problem->position, problem->message};
  if (size_t nul = yaml.find('\0'); nul != std::string_view::npos)
    return YamlTextProblem{position_of(yaml, nul),
                           std::string(what) + " holds a NUL character here, which YAML does not allow"};
  if (yaml.find('*') == std::string_view::npos) return std::nullopt;  // no alias at all
  return check_aliases(yaml);
}

}  // namespace runwatch
