// String filters: case, trimming, splitting, replacing, escaping.
#include <cctype>

#include "runwatch/expr/filter_support.h"
#include "runwatch/expr/filters.h"
#include "runwatch/expr/lexer.h"
#include "runwatch/expr/value_tests.h"
#include "runwatch/model/size_limits.h"
#include "runwatch/regex/pattern.h"

namespace runwatch::expr {
namespace {

// Case mapping is ASCII only; other characters are kept.
template <int (*Map)(int)>
Value map_chars(const Value& input, const FilterArgs&) {
  if (!input.is_string()) return input;
  std::string out = input.get<std::string>();
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x80) c = static_cast<char>(Map(static_cast<unsigned char>(c)));
  return out;
}

Value capitalize(const Value& input, const FilterArgs&) {
  if (!input.is_string()) return input;
  std::string out = input.get<std::string>();
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

Value title(const Value& input, const FilterArgs&) {
  if (!input.is_string()) return input;
  std::string out = input.get<std::string>();
  bool next = true;
  for (auto& c : out) {
    if (is_space(c)) next = true;
    else if (next) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      next = false;
    }
  }
  return out;
}

Value trim(const Value& input, const FilterArgs&) {
  if (!input.is_string()) return input;
  const auto& s = input.get_ref<const std::string&>();
  size_t begin = 0, end = s.size();
  while (begin < end && static_cast<unsigned char>(s[begin]) <= ' ') ++begin;
  while (end > begin && static_cast<unsigned char>(s[end - 1]) <= ' ') --end;
  return s.substr(begin, end - begin);
}

Value default_value(const Value& input, const FilterArgs& args) {
  return find_test("empty")->apply(input) ? args[0] : input;
}

// Counts UTF-8 code points.
size_t text_length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Byte offset of the code point at `index`.
size_t byte_offset(const std::string& s, size_t index) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == index) return i;
  return s.size();
}

// Pebble: strings longer than `length` are cut to length - 3 characters and "...".
Value abbreviate(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  const auto& s = string_input(input, "abbreviate");
  auto max_width = integer_argument(args[0], "length");
  if (max_width < 0) throw std::invalid_argument("Invalid argument to abbreviate filter; must be greater than zero");
  size_t length = text_length(s), width = static_cast<size_t>(max_width);
  if (length < width || length <= 3) return s;
  if (width <= 3) return s.substr(0, byte_offset(s, width));
  return s.substr(0, byte_offset(s, width - 3)) + "...";
}

std::shared_ptr<const regex::Pattern> user_pattern(const std::string& pattern) {
  std::string error;
  auto compiled = regex::Pattern::cached(pattern, &error);
  if (!compiled) throw std::invalid_argument("invalid regular expression '" + pattern + "': " + error);
  return compiled;
}

bool has_regex_syntax(const std::string& s) { return s.find_first_of("\\^$.|?*+()[]{}") != std::string::npos; }

// Java's String.split(regex, limit): with limit 0 trailing empty strings are dropped.
Value split(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  const auto& s = string_input(input, "split");
  if (!args.has(0)) throw std::invalid_argument("missing delimiter parameter in split filter");
  const auto& delimiter = string_argument(args[0], "delimiter");
  std::int64_t limit = args.has(1) ? integer_argument(args[1], "limit") : 0;
  std::vector<std::string> parts;
  auto limited = [&] { return limit > 0 && static_cast<std::int64_t>(parts.size()) == limit - 1; };
  size_t start = 0;
  if (!has_regex_syntax(delimiter) && !delimiter.empty()) {
    for (size_t at; !limited() && (at = s.find(delimiter, start)) != std::string::npos; start = at + delimiter.size())
      parts.push_back(s.substr(start, at - start));
  } else {
    for (const auto& match : user_pattern(delimiter)->find_all(s)) {
      if (limited()) break;
      if (match.start == match.end && (match.start == 0 || match.start == s.size())) continue;
      parts.push_back(s.substr(start, match.start - start));
      start = match.end;
    }
  }
  if (parts.empty()) return Value::array({s});  // no match: the input itself
  parts.push_back(s.substr(start));
  if (limit == 0)
    while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  std::string out;
  size_t copied = 0;
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += from.size()) {
    out.append(s, copied, at - copied).append(to);
    copied = at + from.size();
    check_text_size(out.size(), "replace");
  }
  if (copied == 0) return s;
  out.append(s, copied);
  check_text_size(out.size(), "replace");
  return out;
}

// Applies `edit` to a string, or to every string inside a list or map (Kestra's
// replace and escapeChar walk collections).
template <typename Edit>
Value edit_strings(const Value& input, const Edit& edit) {
  if (input.is_array()) {
    Value out = Value::array();
    for (const auto& item : input) out.push_back(edit_strings(item, edit));
    return out;
  }
  if (input.is_object()) {
    Value out = Value::object();
    for (auto it = input.begin(); it != input.end(); ++it) out[it.key()] = edit_strings(it.value(), edit);
    return out;
  }
  return edit(input.is_string() ? input.get<std::string>() : java_string(input));
}

Value replace(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  if (!args[0].is_object()) throw std::invalid_argument("The argument 'replace_pairs' is required.");
  bool regexp = args.has(1) && args[1].is_boolean() && args[1].get<bool>();
  const Value& pairs = args[0];
  return edit_strings(input, [&](std::string s) {
    for (auto it = pairs.begin(); it != pairs.end(); ++it) {
      std::string to = java_string(it.value());
      s = regexp ? user_pattern(it.key())->replace_all(s, to) : replace_all(std::move(s), it.key(), to);
    }
    return s;
  });
}

Value escape_char(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  if (!args.has(0)) throw std::invalid_argument("The 'escapeChar' filter expects an argument 'type'.");
  std::string type = args[0].is_string() ? args[0].get<std::string>() : "";
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const char* from;
  const char* to;
  if (type == "single") from = "'", to = "\\'";
  else if (type == "double") from = "\"", to = "\\\"";
  else if (type == "shell") from = "'", to = "'\\''";
  else throw std::invalid_argument("The 'escapeChar' filter expects the value of 'type' to be either 'single', 'double', or 'shell'.");
  return edit_strings(input, [&](std::string s) { return replace_all(std::move(s), from, to); });
}

template <bool Before, bool Last>
Value substring(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  const auto& s = string_input(input, Before ? "substringBefore" : "substringAfter");
  const auto& separator = string_argument(args[0], "separator");
  size_t at = Last ? s.rfind(separator) : s.find(separator);
  if (at == std::string::npos) return Before ? s : "";
  return Before ? s.substr(0, at) : s.substr(at + separator.size());
}

template <bool Start>
Value affix_test(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return false;
  const auto& s = input.is_string() ? input.get_ref<const std::string&>() : java_string(input);
  const auto& affix = string_argument(args[0], "value");
  if (affix.size() > s.size()) return false;
  return Start ? s.compare(0, affix.size(), affix) == 0 : s.compare(s.size() - affix.size(), affix.size(), affix) == 0;
}

// Kestra's slugify: lower case ASCII letters and digits joined by single dashes.
Value slugify(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  std::string out;
  for (unsigned char c : string_input(input, "slugify")) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

Value indent_lines(const Value& input, const FilterArgs& args, bool leading_newline) {
  if (input.is_null()) return nullptr;
  const auto& s = string_input(input, leading_newline ? "nindent" : "indent");
  auto amount = integer_argument(args[0], "amount");
  std::string prefix = args.has(1) ? string_argument(args[1], "prefix") : std::string(" ");
  std::string pad;
  for (std::int64_t i = 0; i < amount; ++i) pad += prefix;
  std::string out = leading_newline ? "\n" + pad : "";
  for (char c : s) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

Value indent(const Value& input, const FilterArgs& args) { return indent_lines(input, args, false); }
Value nindent(const Value& input, const FilterArgs& args) { return indent_lines(input, args, true); }

Value nl2br(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  return replace_all(string_input(input, "nl2br"), "\n", "<br />");
}

// Kestra's number: a string to a number, of the type asked or the narrowest that fits.
Value number(const Value& input, const FilterArgs& args) {
  if (input.is_null()) return nullptr;
  if (!input.is_string())
    throw std::invalid_argument("'number' filter can only be applied to String. Actual type was: " + java_string(input));
  const auto& s = input.get_ref<const std::string&>();
  std::string type = args.has(0) ? string_argument(args[0], "type") : "";
  bool floating = type == "FLOAT" || type == "DOUBLE" || type == "BIGDECIMAL" ||
                  (type.empty() && s.find_first_of(".eE") != std::string::npos);
  try {
    size_t used = 0;
    Value out = floating ? Value(std::stod(s, &used)) : Value(static_cast<std::int64_t>(std::stoll(s, &used)));
    if (used != s.size()) throw std::invalid_argument(s);
    return out;
  } catch (const std::exception&) {
    throw std::invalid_argument(s + " is not a valid number.");
  }
}

Value to_string(const Value& input, const FilterArgs&) { return input.is_string() ? input : Value(printed(input)); }

}  // namespace

void add_text_filters(std::vector<FilterDef>& filters) {
  filters.push_back({"upper", {}, map_chars<::toupper>});
  filters.push_back({"lower", {}, map_chars<::tolower>});
  filters.push_back({"capitalize", {}, capitalize});
  filters.push_back({"title", {}, title});
  filters.push_back({"trim", {}, trim});
  filters.push_back({"default", {"default"}, default_value, true});
  filters.push_back({"abbreviate", {"length"}, abbreviate});
  filters.push_back({"split", {"delimiter", "limit"}, split});
  filters.push_back({"replace", {"replace_pairs", "regexp"}, replace});
  filters.push_back({"escapeChar", {"type"}, escape_char});
  filters.push_back({"substringBefore", {"separator"}, substring<true, false>});
  filters.push_back({"substringBeforeLast", {"separator"}, substring<true, true>});
  filters.push_back({"substringAfter", {"separator"}, substring<false, false>});
  filters.push_back({"substringAfterLast", {"separator"}, substring<false, true>});
  filters.push_back({"startsWith", {"value"}, affix_test<true>});
  filters.push_back({"endsWith", {"value"}, affix_test<false>});
  filters.push_back({"slugify", {}, slugify});
  filters.push_back({"indent", {"amount", "prefix"}, indent});
  filters.push_back({"nindent", {"amount", "prefix"}, nindent});
  filters.push_back({"nl2br", {}, nl2br});
  filters.push_back({"number", {"type"}, number});
  filters.push_back({"string", {}, to_string});
}

}  // namespace runwatch::expr
