// Encoding filters: Base64, URL encoding, hashes.
#include "runwatch/crypto/base64.h"
#include "runwatch/crypto/digest.h"
#include "runwatch/expr/filter_support.h"
#include "runwatch/expr/filters.h"
#include "runwatch/model/utf8.h"

namespace runwatch::expr {
namespace {

Value base64encode(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  return crypto::base64_encode(string_input(input, "base64encode"));
}

Value base64decode(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  auto decoded = crypto::base64_decode(string_input(input, "base64decode"));
  if (!decoded) throw std::invalid_argument("Illegal base64 input: " + input.get<std::string>());
  return repair_utf8(*decoded);  // Java's new String(bytes, UTF_8)
}

// Java's URLEncoder (UTF-8): letters, digits and .-*_ stay, space is +.
Value urlencode(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : string_input(input, "urlencode")) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '*' || c == '_') out += static_cast<char>(c);
    else if (c == ' ') out += '+';
    else out += {'%', kHex[c >> 4], kHex[c & 0xF]};
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Value urldecode(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  const auto& s = string_input(input, "urldecode");
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      int high = i + 2 < s.size() ? hex_value(s[i + 1]) : -1, low = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (high < 0 || low < 0) throw std::invalid_argument("URLDecoder: Illegal hex characters in escape (%) pattern");
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return repair_utf8(out);
}

template <crypto::DigestKind Kind>
Value digest_of(const Value& input, const FilterArgs&) {
  if (input.is_null()) return nullptr;
  return crypto::hex_digest(Kind, input.is_string() ? input.get_ref<const std::string&>() : java_string(input));
}

}  // namespace

void add_encoding_filters(std::vector<FilterDef>& filters) {
  filters.push_back({"base64encode", {}, base64encode});
  filters.push_back({"base64decode", {}, base64decode});
  filters.push_back({"urlencode", {}, urlencode});
  filters.push_back({"urldecode", {}, urldecode});
  filters.push_back({"md5", {}, digest_of<crypto::DigestKind::Md5>});
  filters.push_back({"sha1", {}, digest_of<crypto::DigestKind::Sha1>});
  filters.push_back({"sha256", {}, digest_of<crypto::DigestKind::Sha256>});
  filters.push_back({"sha512", {}, digest_of<crypto::DigestKind::Sha512>});
}

}  // namespace runwatch::expr
