#include "runwatch/regex/pattern.h"

#include <re2/re2.h>

#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "runwatch/model/size_limits.h"

namespace runwatch::regex {
namespace {

constexpr size_t kCacheSize = 1024;
constexpr int64_t kMaxProgramMemory = 8 << 20;  // RE2's default: a pattern past it is refused

// Java's named groups `(?<name>...)` in RE2's older spelling `(?P<name>...)`; lookbehind
// `(?<=` and `(?<!` are left for RE2 to refuse.
std::string re2_syntax(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      out += pattern.substr(i, 2);
      ++i;
    } else if (pattern.substr(i, 3) == "(?<" && i + 3 < pattern.size() && pattern[i + 3] != '=' &&
               pattern[i + 3] != '!') {
      out += "(?P<";
      i += 2;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

size_t utf8_length_at(std::string_view text, size_t at) {
  auto lead = static_cast<unsigned char>(text[at]);
  size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  return std::min(length, text.size() - at);
}

}  // namespace

Pattern::Pattern(std::unique_ptr<re2::RE2> re) : re_(std::move(re)) {}
Pattern::~Pattern() = default;

std::shared_ptr<const Pattern> Pattern::compile(std::string_view pattern, std::string* error) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kMaxProgramMemory);
  auto re = std::make_unique<re2::RE2>(re2_syntax(pattern), options);
  if (!re->ok()) {
    if (error) *error = re->error();
    return nullptr;
  }
  return std::shared_ptr<const Pattern>(new Pattern(std::move(re)));
}

std::shared_ptr<const Pattern> Pattern::cached(std::string_view pattern, std::string* error) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::shared_ptr<const Pattern>> cache;
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(std::string(pattern)); it != cache.end()) return it->second;
  }
  auto compiled = compile(pattern, error);
  if (!compiled) return nullptr;
  std::lock_guard lock(mutex);
  if (cache.size() >= kCacheSize) cache.clear();
  cache.emplace(std::string(pattern), compiled);
  return compiled;
}

bool Pattern::full_match(std::string_view text) const {
  return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

std::optional<std::vector<std::string>> Pattern::full_match_groups(std::string_view text) const {
  std::vector<re2::StringPiece> groups(static_cast<size_t>(re_->NumberOfCapturingGroups()) + 1);
  if (!re_->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), re2::RE2::ANCHOR_BOTH, groups.data(),
                  static_cast<int>(groups.size())))
    return std::nullopt;
  std::vector<std::string> out;
  for (const auto& g : groups) out.emplace_back(g.data() ? std::string(g.data(), g.size()) : std::string());
  return out;
}

std::vector<Span> Pattern::find_all(std::string_view text) const {
  std::vector<Span> out;
  re2::StringPiece subject(text.data(), text.size());
  re2::StringPiece match;
  for (size_t at = 0; at <= text.size();) {
    if (!re_->Match(subject, at, text.size(), re2::RE2::UNANCHORED, &match, 1)) break;
    size_t start = static_cast<size_t>(match.data() - text.data());
    check_collection_size(out.size() + 1, "regular expression matches");
    out.push_back({start, start + match.size()});
    if (match.empty()) at = start + (start < text.size() ? utf8_length_at(text, start) : 1);
    else at = start + match.size();
  }
  return out;
}

std::string Pattern::replace_all(std::string_view text, std::string_view replacement) const {
  const int group_count = re_->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> groups(static_cast<size_t>(group_count) + 1);
  auto group_text = [&](int index) -> std::string_view {
    if (index > group_count) throw std::invalid_argument("No group " + std::to_string(index));
    const auto& g = groups[static_cast<size_t>(index)];
    return g.data() ? std::string_view(g.data(), g.size()) : std::string_view();
  };
  std::string out;
  size_t copied = 0;
  for (const auto& span : find_all(text)) {
    re_->Match(re2::StringPiece(text.data(), text.size()), span.start, text.size(), re2::RE2::ANCHOR_START,
               groups.data(), group_count + 1);
    out.append(text.substr(copied, span.start - copied));
    for (size_t i = 0; i < replacement.size(); ++i) {
      char c = replacement[i];
      if (c == '\\') {
        if (++i == replacement.size()) throw std::invalid_argument("character to be escaped is missing");
        out += replacement[i];
      } else if (c == '$' && i + 1 < replacement.size() && replacement[i + 1] == '{') {
        size_t close = replacement.find('}', i);
        if (close == std::string_view::npos) throw std::invalid_argument("named capturing group is missing trailing '}'");
        std::string name(replacement.substr(i + 2, close - i - 2));
        auto named = re_->NamedCapturingGroups().find(name);
        if (named == re_->NamedCapturingGroups().end())
          throw std::invalid_argument("No group with name {" + name + "}");
        out += group_text(named->second);
        i = close;
      } else if (c == '$') {
        if (i + 1 == replacement.size() || replacement[i + 1] < '0' || replacement[i + 1] > '9')
          throw std::invalid_argument("Illegal group reference");
        out += group_text(replacement[++i] - '0');
      } else {
        out += c;
      }
    }
    copied = span.end;
    check_text_size(out.size(), "replace");
  }
  out.append(text.substr(copied));
  check_text_size(out.size(), "replace");
  return out;
}

std::string pattern_error(std::string_view pattern) {
  std::string error;
  return Pattern::compile(pattern, &error) ? std::string() : error;
}

}  // namespace runwatch::regex
