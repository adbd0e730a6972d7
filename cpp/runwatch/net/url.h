#pragma once
// Parsing the URLs that tasks post to: http or https, a host, a port, a target.
#include <string>
#include <string_view>

#include "runwatch/model/error.h"

namespace runwatch {

// A URL that cannot be used, with the reason in the message.
class UrlError : public Error {
 public:
  using Error::Error;
};

struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without the brackets of an IPv6 literal
  int port = 0;        // explicit, or the scheme's default
  std::string target;  // path and query, at least "/"; the fragment is dropped

  bool https() const { return scheme == "https"; }
  // "host:port" as a Host header or a message shows it (IPv6 literals bracketed).
  std::string authority() const;
};

// Throws UrlError naming what is wrong: no or unsupported scheme, no host, a bad port,
// credentials in the URL, whitespace or control characters.
Url parse_url(std::string_view text);

}  // namespace runwatch
