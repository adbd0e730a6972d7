#pragma once
// Secrets for `{{ secret('NAME') }}`, as Kestra's open-source edition reads them: the
// environment variable SECRET_NAME holds the value, base64-encoded. Secrets given by
// the host (Python's Engine(secrets=...)) take precedence.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/model/value.h"

namespace runwatch {

class SecretStore {
 public:
  SecretStore() = default;
  explicit SecretStore(std::map<std::string, std::string> given) : given_(std::move(given)) {}

  // Throws Error "Cannot find secret for key 'NAME'." when there is none, and names the
  // variable when it is not valid base64.
  std::string get(const std::string& name) const;

 private:
  std::map<std::string, std::string> given_;
};

// Replaces every occurrence of each secret in text with "******", in the order given
// (longest first, so that a secret holding another is masked whole).
std::string mask_secrets(std::string text, const std::vector<std::string>& secrets);
// The same in every string of a value (keys included).
Value mask_secrets(const Value& value, const std::vector<std::string>& secrets);

}  // namespace runwatch
