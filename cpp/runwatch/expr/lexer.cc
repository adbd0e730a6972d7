#include "runwatch/expr/lexer.h"

#include <array>
#include <optional>

#include "runwatch/expr/errors.h"
#include "runwatch/expr/source_position.h"

namespace runwatch::expr {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Non-ASCII bytes count as letters, as Pebble's \p{IsLetter} accepts accented names.
bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

constexpr std::array<std::string_view, 16> kSymbolOperators = {
    "???", "??", "==", "!=", "<=", ">=", "..", "+", "-", "*", "/", "%", "<", ">", "|", "~"};
constexpr std::array<std::string_view, 7> kWordOperators = {"and", "or", "not", "is", "in", "contains", "equals"};
constexpr std::string_view kPunctuation = "()[]{}?:.,=";

enum class Closer { Print, Tag, Interpolation };

std::string unclosed_message(Closer closer) {
  switch (closer) {
    case Closer::Print: return "Unclosed \"{{\": expected \"}}\"";
    case Closer::Tag: return "Unclosed \"{%\": expected \"%}\"";
    case Closer::Interpolation: return "Unclosed \"#{\": expected \"}\"";
  }
  return "";
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

  std::vector<Token> run() {
    while (pos_ < src_.size()) {
      size_t start = find_delimiter(pos_);
      push_text(src_.substr(pos_, start - pos_), pos_);
      if (start == src_.size()) break;
      pos_ = start + 2;
      bool trim_before = pos_ < src_.size() && src_[pos_] == '-';
      if (trim_before) {
        ++pos_;
        trim_previous_text();
      }
      char kind = src_[start + 1];
      if (kind == '#') lex_comment(start);
      else if (kind == '%' && lex_raw(start)) continue;
      else lex_tag(start, kind == '{' ? Closer::Print : Closer::Tag);
    }
    tokens_.push_back({TokenKind::End, "", src_.size()});
    return std::move(tokens_);
  }

 private:
  [[noreturn]] void fail(size_t offset, std::string message) const {
    auto position = position_of(src_, offset);
    throw TemplateError(position.line, position.column, std::move(message));
  }

  size_t find_delimiter(size_t from) const {
    for (size_t i = from; i + 1 < src_.size(); ++i)
      if (src_[i] == '{' && (src_[i + 1] == '{' || src_[i + 1] == '%' || src_[i + 1] == '#')) return i;
    return src_.size();
  }

  void push_text(std::string_view text, size_t offset) {
    if (trim_next_text_) {
      size_t skip = 0;
      while (skip < text.size() && is_space(text[skip])) ++skip;
      text.remove_prefix(skip);
      offset += skip;
      trim_next_text_ = false;
    }
    if (!text.empty()) tokens_.push_back({TokenKind::Text, std::string(text), offset});
  }

  void trim_previous_text() {
    if (tokens_.empty() || tokens_.back().kind != TokenKind::Text) return;
    auto& text = tokens_.back().text;
    while (!text.empty() && is_space(text.back())) text.pop_back();
    if (text.empty()) tokens_.pop_back();
  }

  void lex_comment(size_t open) {
    auto close = src_.find("#}", pos_);
    if (close == std::string_view::npos) fail(open, "Unclosed comment");
    trim_next_text_ = close > pos_ && src_[close - 1] == '-';
    pos_ = close + 2;
  }

  // {% raw %}...{% endraw %} (Kestra) and {% verbatim %}...{% endverbatim %} (Pebble):
  // the body is text, never parsed.
  bool lex_raw(size_t open) {
    size_t p = pos_;
    while (p < src_.size() && is_space(src_[p])) ++p;
    size_t word_start = p;
    while (p < src_.size() && is_name_char(src_[p])) ++p;
    auto word = src_.substr(word_start, p - word_start);
    if (word != "raw" && word != "verbatim") return false;
    auto after_open = tag_close_at(p);
    if (!after_open) return false;
    bool trim_body_start = src_[*after_open - 3] == '-';
    std::string end_word = "end" + std::string(word);
    for (size_t search = *after_open;;) {
      size_t candidate = src_.find("{%", search);
      if (candidate == std::string_view::npos) fail(open, "Unclosed \"" + std::string(word) + "\" block: expected \"" + end_word + "\"");
      size_t q = candidate + 2;
      bool trim_body_end = q < src_.size() && src_[q] == '-';
      if (trim_body_end) ++q;
      while (q < src_.size() && is_space(src_[q])) ++q;
      if (src_.substr(q, end_word.size()) == end_word && !is_name_char(q + end_word.size() < src_.size() ? src_[q + end_word.size()] : ' ')) {
        auto after_end = tag_close_at(q + end_word.size());
        if (after_end) {
          auto body = src_.substr(*after_open, candidate - *after_open);
          if (trim_body_start)
            while (!body.empty() && is_space(body.front())) body.remove_prefix(1);
          if (trim_body_end)
            while (!body.empty() && is_space(body.back())) body.remove_suffix(1);
          if (!body.empty()) tokens_.push_back({TokenKind::Text, std::string(body), *after_open});
          trim_next_text_ = src_[*after_end - 3] == '-';
          pos_ = *after_end;
          return true;
        }
      }
      search = candidate + 2;
    }
  }

  // After optional spaces, "%}" or "-%}": the offset just past it.
  std::optional<size_t> tag_close_at(size_t p) const {
    while (p < src_.size() && is_space(src_[p])) ++p;
    if (src_.substr(p, 3) == "-%}") return p + 3;
    if (src_.substr(p, 2) == "%}") return p + 2;
    return std::nullopt;
  }

  void lex_tag(size_t open, Closer closer) {
    tokens_.push_back({closer == Closer::Print ? TokenKind::PrintOpen : TokenKind::TagOpen, "", open});
    lex_expression(open, closer);
  }

  // Lexes tokens up to the closer of the region opened at `open`.
  void lex_expression(size_t open, Closer closer) {
    std::vector<std::pair<char, size_t>> brackets;
    std::string_view close = closer == Closer::Print ? "}}" : closer == Closer::Tag ? "%}" : "}";
    for (;;) {
      while (pos_ < src_.size() && is_space(src_[pos_])) ++pos_;
      if (pos_ >= src_.size()) {
        if (!brackets.empty()) fail(brackets.back().second, std::string("Unclosed \"") + brackets.back().first + "\"");
        fail(open, unclosed_message(closer));
      }
      if (brackets.empty() && closer == Closer::Interpolation && src_[pos_] == '"') fail(open, unclosed_message(closer));
      if (brackets.empty()) {
        bool trim = closer != Closer::Interpolation && src_[pos_] == '-' && src_.substr(pos_ + 1, close.size()) == close;
        if (trim || src_.substr(pos_, close.size()) == close) {
          size_t at = pos_;
          pos_ += close.size() + (trim ? 1 : 0);
          trim_next_text_ = trim;
          auto kind = closer == Closer::Print ? TokenKind::PrintClose
                      : closer == Closer::Tag ? TokenKind::TagClose
                                              : TokenKind::InterpolationClose;
          tokens_.push_back({kind, std::string(close), at});
          return;
        }
      }
      lex_token(brackets);
    }
  }

  void lex_token(std::vector<std::pair<char, size_t>>& brackets) {
    size_t start = pos_;
    char c = src_[pos_];
    if (is_digit(c)) return lex_number();
    if (is_name_start(c)) return lex_word();
    if (c == '\'' || c == '"') return lex_string();
    for (auto op : kSymbolOperators) {
      if (src_.substr(pos_, op.size()) == op) {
        pos_ += op.size();
        tokens_.push_back({TokenKind::Operator, std::string(op), start});
        return;
      }
    }
    if (kPunctuation.find(c) == std::string_view::npos) fail(start, std::string("Unexpected character \"") + c + "\"");
    if (c == '(' || c == '[' || c == '{') {
      brackets.emplace_back(c, start);
    } else if (c == ')' || c == ']' || c == '}') {
      if (brackets.empty()) fail(start, std::string("Unexpected \"") + c + "\"");
      char expected = brackets.back().first == '(' ? ')' : brackets.back().first == '[' ? ']' : '}';
      if (c != expected) fail(start, std::string("Unexpected \"") + c + "\": expected \"" + expected + "\"");
      brackets.pop_back();
    }
    ++pos_;
    tokens_.push_back({TokenKind::Punctuation, std::string(1, c), start});
  }

  void lex_number() {
    size_t start = pos_;
    while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
    bool fraction = pos_ + 1 < src_.size() && src_[pos_] == '.' && is_digit(src_[pos_ + 1]);
    if (fraction) {
      ++pos_;
      while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
    }
    std::string digits(src_.substr(start, pos_ - start));
    if (!fraction && pos_ < src_.size() && src_[pos_] == 'L') ++pos_;  // Pebble's long suffix
    tokens_.push_back({fraction ? TokenKind::Float : TokenKind::Integer, digits, start});
  }

  bool word_follows(size_t p, std::string_view word) const {
    while (p < src_.size() && is_space(src_[p])) ++p;
    if (src_.substr(p, word.size()) != word) return false;
    size_t end = p + word.size();
    return end >= src_.size() || !is_name_char(src_[end]);
  }

  size_t skip_word(size_t p, std::string_view word) const {
    while (is_space(src_[p])) ++p;
    return p + word.size();
  }

  void lex_word() {
    size_t start = pos_;
    while (pos_ < src_.size() && is_name_char(src_[pos_])) ++pos_;
    std::string word(src_.substr(start, pos_ - start));
    bool is_operator = false;
    for (auto op : kWordOperators) is_operator = is_operator || word == op;
    if (!is_operator) {
      tokens_.push_back({TokenKind::Name, std::move(word), start});
      return;
    }
    if (word == "is" && word_follows(pos_, "not")) {
      pos_ = skip_word(pos_, "not");
      word = "is not";
    } else if (word == "not" && word_follows(pos_, "in")) {
      pos_ = skip_word(pos_, "in");
      word = "not in";
    }
    tokens_.push_back({TokenKind::Operator, std::move(word), start});
  }

  // Pebble unescapes only the quote and the backslash; other sequences stay as written.
  void lex_string() {
    size_t start = pos_;
    char quote = src_[pos_++];
    if (quote == '"' && has_interpolation()) return lex_interpolated_string(start);
    std::string value;
    while (pos_ < src_.size() && src_[pos_] != quote) {
      if (src_[pos_] == '\\' && pos_ + 1 < src_.size() && (src_[pos_ + 1] == quote || src_[pos_ + 1] == '\\')) ++pos_;
      value += src_[pos_++];
    }
    if (pos_ >= src_.size()) fail(start, "Unclosed string");
    ++pos_;
    tokens_.push_back({TokenKind::String, std::move(value), start});
  }

  bool has_interpolation() const {
    for (size_t p = pos_; p < src_.size() && src_[p] != '"'; ++p) {
      if (src_[p] == '\\') ++p;
      else if (src_[p] == '#' && p + 1 < src_.size() && src_[p + 1] == '{') return true;
    }
    return false;
  }

  void lex_interpolated_string(size_t start) {
    tokens_.push_back({TokenKind::InterpolatedOpen, "\"", start});
    std::string part;
    size_t part_start = pos_;
    auto flush = [&] {
      if (!part.empty()) tokens_.push_back({TokenKind::String, std::move(part), part_start});
      part.clear();
    };
    while (pos_ < src_.size() && src_[pos_] != '"') {
      if (src_[pos_] == '#' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '{') {
        flush();
        size_t open = pos_;
        tokens_.push_back({TokenKind::InterpolationOpen, "#{", open});
        pos_ += 2;
        lex_expression(open, Closer::Interpolation);
        part_start = pos_;
        continue;
      }
      if (src_[pos_] == '\\' && pos_ + 1 < src_.size() && (src_[pos_ + 1] == '"' || src_[pos_ + 1] == '\\')) ++pos_;
      part += src_[pos_++];
    }
    if (pos_ >= src_.size()) fail(start, "Unclosed string");
    flush();
    tokens_.push_back({TokenKind::InterpolatedClose, "\"", pos_++});
  }

  std::string_view src_;
  size_t pos_ = 0;
  bool trim_next_text_ = false;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source) { return Lexer(source).run(); }

}  // namespace runwatch::expr
