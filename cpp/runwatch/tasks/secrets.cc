#include "runwatch/tasks/secrets.h"

#include <cstdlib>

#include "runwatch/crypto/base64.h"
#include "runwatch/model/error.h"
#include "runwatch/model/utf8.h"

namespace runwatch {

std::string SecretStore::get(const std::string& name) const {
  if (auto it = given_.find(name); it != given_.end()) return it->second;
  std::string variable = "SECRET_" + name;
  const char* encoded = std::getenv(variable.c_str());
  if (!encoded) throw Error("Cannot find secret for key '" + name + "'.");
  auto decoded = crypto::base64_decode(encoded);
  if (!decoded) throw Error("The secret '" + name + "' is not valid base64 in the environment variable " + variable);
  return repair_utf8(*decoded);
}

std::string mask_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 6))
      text.replace(at, secret.size(), "******");
  }
  return text;
}

Value mask_secrets(const Value& value, const std::vector<std::string>& secrets) {
  if (value.is_string()) return mask_secrets(value.get<std::string>(), secrets);
  if (value.is_array()) {
    Value out = Value::array();
    for (const auto& item : value) out.push_back(mask_secrets(item, secrets));
    return out;
  }
  if (value.is_object()) {
    Value out = Value::object();
    for (auto it = value.begin(); it != value.end(); ++it) out[mask_secrets(it.key(), secrets)] = mask_secrets(it.value(), secrets);
    return out;
  }
  return value;
}

}  // namespace runwatch
