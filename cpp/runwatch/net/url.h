#pragma once
// Parsing the URLs that tasks post to: http or https, a host, a port, a target; and the
// percent-encoding of their query strings and of form bodies.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// RFC 3986 percent-encoding: letters, digits and -._~ stay, every other byte is %XX
// (upper-case hex), the encoding OAuth 1.0a signs and forms accept.
std::string percent_encoded(std::string_view text);
// Back from percent-encoding, '+' read as a space (a form's or a query's encoding).
std::string form_decoded(std::string_view text);

// "scheme://host:port" with the host in lower case (IPv6 literals bracketed): a server
// as a rate limit keys it.
std::string endpoint_of(std::string_view scheme, std::string_view host, int port);

// What one receiver is, for a rate limit: the URL without its query, its host in lower
// case ("https://hooks.slack.com:443/services/T/B/X": one webhook). Text that is not a
// URL is its own receiver.
std::string receiver_of(std::string_view url);

using FormFields = std::vector<std::pair<std::string, std::string>>;
// application/x-www-form-urlencoded: name=value pairs, each side percent-encoded, in order.
std::string form_encoded(const FormFields& fields);
// The fields of a query string or a form body ("a=1&b=x%20y"), decoded, in order.
FormFields form_fields(std::string_view encoded);

// Whether a header, an address or an SMTP argument would start another line (injection).
bool has_line_break(std::string_view text);

}  // namespace runwatch
