#include "runwatch/metrics/text_parser.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "runwatch/metrics/names.h"
#include "runwatch/model/identifier.h"
#include "runwatch/model/utf8.h"

namespace runwatch::metrics {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
}

std::optional<double> parse_float(std::string_view token) {
  if (!token.empty() && token[0] == '+') token.remove_prefix(1);
  if (token.empty() || token[0] == '+') return std::nullopt;
  double value = 0;
  auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error == std::errc::result_out_of_range) {
    // from_chars refuses what overflows; Go and Python give the infinity (or zero).
    bool negative = token[0] == '-';
    auto exponent = token.find_first_of("eE");
    bool tiny = exponent != std::string_view::npos && exponent + 1 < token.size() && token[exponent + 1] == '-';
    value = tiny ? 0.0 : (negative ? -HUGE_VAL : HUGE_VAL);
    return value;
  }
  if (error != std::errc() || end != token.data() + token.size()) return std::nullopt;
  return value;
}

class LineParser {
 public:
  LineParser(std::string_view line, int number) : line_(line), number_(number) {}

  [[noreturn]] void fail(const std::string& message) const { throw ParseError(number_, message + ": " + shortened(line_, 120)); }

  void skip_blanks() {
    while (pos_ < line_.size() && is_blank(line_[pos_])) ++pos_;
  }
  bool at_end() const { return pos_ >= line_.size(); }
  char peek() const { return line_[pos_]; }

  std::string_view name(const char* what) {
    size_t start = pos_;
    while (pos_ < line_.size() && is_name_char(line_[pos_], pos_ == start)) ++pos_;
    if (pos_ == start) fail(std::string("expected a ") + what);
    return line_.substr(start, pos_ - start);
  }

  std::string_view token() {
    size_t start = pos_;
    while (pos_ < line_.size() && !is_blank(line_[pos_])) ++pos_;
    return line_.substr(start, pos_ - start);
  }

  // The whole character that starts at `start` (the line is UTF-8), for messages.
  std::string_view character_at(size_t start) const {
    size_t end = start + 1;
    while (end < line_.size() && (static_cast<unsigned char>(line_[end]) & 0xC0) == 0x80) ++end;
    return line_.substr(start, end - start);
  }

  // A quoted label value with \\, \" and \n escapes.
  std::string quoted() {
    if (at_end() || peek() != '"') fail("expected a quoted label value");
    ++pos_;
    std::string out;
    for (;;) {
      if (at_end()) fail("unterminated label value");
      char c = line_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (at_end()) fail("unterminated label value");
      char e = line_[pos_++];
      if (e == '\\' || e == '"') out.push_back(e);
      else if (e == 'n') out.push_back('\n');
      else fail(std::string("invalid escape sequence '\\").append(character_at(pos_ - 1)).append("' in a label value"));
    }
  }

  std::vector<std::pair<std::string, std::string>> labels() {
    std::vector<std::pair<std::string, std::string>> out;
    std::unordered_set<std::string> seen;
    ++pos_;  // '{'
    for (;;) {
      skip_blanks();
      if (at_end()) fail("unterminated label set");
      if (peek() == '}') break;
      std::string label(name("label name"));
      if (!is_label_name(label)) fail("invalid label name '" + label + "'");
      skip_blanks();
      if (at_end() || peek() != '=') fail("expected '=' after label name '" + label + "'");
      ++pos_;
      skip_blanks();
      std::string value = quoted();
      if (!seen.insert(label).second) fail("label '" + label + "' appears twice");
      out.emplace_back(std::move(label), std::move(value));
      skip_blanks();
      if (at_end()) fail("unterminated label set");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}' in the label set");
    }
    ++pos_;  // '}'
    return out;
  }

 private:
  std::string_view line_;
  int number_;
  size_t pos_ = 0;
};

class TextParser {
 public:
  std::vector<Sample> parse(std::string_view text) {
    int number = 0;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      line(text.substr(start, end - start), ++number);
      start = end + 1;
    }
    return std::move(samples_);
  }

 private:
  void line(std::string_view text, int number) {
    if (auto bad = invalid_utf8_at(text)) {
      auto column = position_of(text, *bad).column;
      throw ParseError(number, "invalid UTF-8 at column " + std::to_string(column) + ": " +
                                   shortened(repair_utf8(text), 120));
    }
    LineParser p(text, number);
    p.skip_blanks();
    if (p.at_end()) return;
    if (p.peek() == '#') return comment(p);
    sample(p);
  }

  void comment(LineParser& p) {
    p.token();  // '#'
    p.skip_blanks();
    auto keyword = p.token();
    if (keyword != "HELP" && keyword != "TYPE") return;  // any other comment
    p.skip_blanks();
    std::string name(p.name("metric name"));
    if (!p.at_end() && !is_blank(p.peek())) p.fail("invalid metric name");
    p.skip_blanks();
    if (keyword == "HELP") return;  // the docstring is free text
    auto type = p.token();
    p.skip_blanks();
    if (!p.at_end()) p.fail("unexpected text after the type");
    if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" && type != "untyped")
      p.fail("unknown metric type '" + std::string(type) + "'");
    if (!types_.emplace(name, std::string(type)).second) p.fail("second TYPE line for metric '" + name + "'");
  }

  void sample(LineParser& p) {
    Sample s;
    s.name = p.name("metric name");
    p.skip_blanks();
    if (!p.at_end() && p.peek() == '{') s.labels = p.labels();
    p.skip_blanks();
    auto value = p.token();
    if (value.empty()) p.fail("expected a value");
    auto parsed = parse_float(value);
    if (!parsed) p.fail("invalid value '" + std::string(value) + "'");
    s.value = *parsed;
    p.skip_blanks();
    if (!p.at_end()) {
      auto ts = p.token();
      int64_t ms = 0;
      auto [end, error] = std::from_chars(ts.data(), ts.data() + ts.size(), ms);
      if (error != std::errc() || end != ts.data() + ts.size()) p.fail("invalid timestamp '" + std::string(ts) + "'");
      s.timestamp_ms = ms;
      p.skip_blanks();
      if (!p.at_end()) p.fail("unexpected text after the timestamp");
    }
    s.type = type_of(s.name);
    samples_.push_back(std::move(s));
  }

  std::string type_of(const std::string& name) const {
    if (auto it = types_.find(name); it != types_.end()) return it->second;
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      auto it = types_.find(name.substr(0, name.size() - suffix.size()));
      if (it == types_.end()) continue;
      if (it->second == "histogram" || (it->second == "summary" && suffix != "_bucket")) return it->second;
    }
    return "untyped";
  }

  std::unordered_map<std::string, std::string> types_;
  std::vector<Sample> samples_;
};

}  // namespace

ParseError::ParseError(int line, const std::string& message)
    : Error("line " + std::to_string(line) + ": " + message), line_(line) {}

std::vector<Sample> parse_text(std::string_view text) { return TextParser().parse(text); }

}  // namespace runwatch::metrics
