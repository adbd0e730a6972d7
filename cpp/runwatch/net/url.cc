#include "runwatch/net/url.h"

#include <algorithm>
#include <cctype>

namespace runwatch {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

[[noreturn]] void fail(std::string_view url, const std::string& why) {
  throw UrlError("Invalid URL '" + std::string(url) + "': " + why);
}

int default_port(const std::string& scheme) { return scheme == "https" ? 443 : 80; }

int parse_port(std::string_view url, std::string_view text) {
  if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), ::isdigit))
    fail(url, "invalid port '" + std::string(text) + "'");
  int port = std::stoi(std::string(text));
  if (port < 1 || port > 65535) fail(url, "port " + std::string(text) + " is out of range (1-65535)");
  return port;
}

// Splits "host", "host:port", "[v6]" or "[v6]:port" into url.host and url.port.
void parse_authority(std::string_view url, std::string_view authority, Url& out) {
  if (authority.find('@') != std::string_view::npos)
    fail(url, "credentials in the URL are not supported; pass them in a header");
  std::string_view port_text;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) fail(url, "unterminated IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) fail(url, "unexpected text after the IPv6 address");
      port_text = rest.substr(1);
      if (port_text.empty()) fail(url, "empty port");
    }
  } else {
    auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) fail(url, "empty port");
    }
  }
  if (out.host.empty()) fail(url, "no host");
  out.port = port_text.empty() ? default_port(out.scheme) : parse_port(url, port_text);
}

}  // namespace

std::string Url::authority() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Url parse_url(std::string_view text) {
  if (text.empty()) throw UrlError("Invalid URL: it is empty");
  for (unsigned char c : text)
    if (std::isspace(c) || std::iscntrl(c)) fail(text, "it contains whitespace or control characters");
  auto separator = text.find("://");
  if (separator == std::string_view::npos || separator == 0) fail(text, "no scheme (expected http:// or https://)");
  Url url;
  url.scheme = lower(text.substr(0, separator));
  if (url.scheme != "http" && url.scheme != "https")
    fail(text, "unsupported scheme '" + url.scheme + "' (expected http or https)");
  auto rest = text.substr(separator + 3);
  rest = rest.substr(0, rest.find('#'));
  auto target_start = rest.find_first_of("/?");
  parse_authority(text, rest.substr(0, target_start), url);
  url.target = target_start == std::string_view::npos ? "/" : std::string(rest.substr(target_start));
  if (url.target.starts_with('?')) url.target.insert(0, "/");
  return url;
}

std::string percent_encoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string form_decoded(std::string_view text) {
  auto hex = [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10);
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

std::string form_encoded(const FormFields& fields) {
  std::string body;
  for (const auto& [name, value] : fields)
    body += (body.empty() ? "" : "&") + percent_encoded(name) + "=" + percent_encoded(value);
  return body;
}

FormFields form_fields(std::string_view encoded) {
  FormFields fields;
  while (!encoded.empty()) {
    auto pair = encoded.substr(0, encoded.find('&'));
    encoded.remove_prefix(std::min(encoded.size(), pair.size() + 1));
    if (pair.empty()) continue;
    auto equals = pair.find('=');
    fields.emplace_back(form_decoded(pair.substr(0, equals)),
                        equals == std::string_view::npos ? "" : form_decoded(pair.substr(equals + 1)));
  }
  return fields;
}

std::string endpoint_of(std::string_view scheme, std::string_view host, int port) {
  return std::string(scheme) + "://" + lower(Url{.host = std::string(host), .port = port}.authority());
}

std::string receiver_of(std::string_view url) {
  try {
    Url parsed = parse_url(url);
    return endpoint_of(parsed.scheme, parsed.host, parsed.port) + parsed.target.substr(0, parsed.target.find('?'));
  } catch (const UrlError&) {
    return std::string(url);
  }
}

bool has_line_break(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace runwatch
