#pragma once
// HTTP basic authentication (RFC 7617), decided from the request's headers alone, so a
// server can refuse a request before reading its body.
#include <httplib.h>

#include <string>

#include "runwatch/config/config.h"

namespace runwatch {

class BasicAuthGate {
 public:
  BasicAuthGate(BasicAuth credentials, std::string realm)
      : credentials_(std::move(credentials)), realm_(std::move(realm)) {}

  // The Authorization header carries these credentials: the scheme in any case, the
  // username and the password each compared in constant time, both always compared.
  bool authorized(const httplib::Request& request) const;
  // Answers 401 with the challenge (WWW-Authenticate) and a JSON message.
  void challenge(httplib::Response& response, const std::string& message) const;

 private:
  BasicAuth credentials_;
  std::string realm_;
};

// Compares in time that depends only on the lengths, never on where the texts differ.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace runwatch
