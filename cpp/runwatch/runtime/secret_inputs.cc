#include "runwatch/runtime/secret_inputs.h"

#include "runwatch/model/error.h"

namespace runwatch {
namespace {

// The value at a dotted input id ("a.b" is inputs.a.b), or null.
Value* find_nested(Value& root, std::string_view dotted) {
  Value* node = &root;
  for (size_t start = 0;;) {
    size_t dot = dotted.find('.', start);
    if (!node->is_object()) return nullptr;
    auto it = node->find(dotted.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string_view::npos) return node;
    start = dot + 1;
  }
}

bool is_sealed(const Value& v) {
  return v.is_object() && v.size() == 2 && v.contains("value") && v["value"].is_string() &&
         v.value("type", std::string()) == kEncryptedValueType;
}

}  // namespace

Value seal_secret(const crypto::SecretCipher& cipher, std::string_view plain) {
  return Value{{"type", kEncryptedValueType}, {"value", cipher.encrypt(plain)}};
}

bool has_secret_inputs(const Flow& flow) {
  for (const auto& input : flow.inputs)
    if (input.type == "SECRET") return true;
  return false;
}

std::vector<std::string> open_secret_inputs(const Flow& flow, Value& inputs, const crypto::SecretCipher* cipher) {
  std::vector<std::string> opened;
  for (const auto& input : flow.inputs) {
    if (input.type != "SECRET") continue;
    Value* sealed = find_nested(inputs, input.id);
    if (!sealed || !is_sealed(*sealed)) continue;
    if (!cipher) throw InputError("SECRET input '" + input.id + "': " + std::string(kNoEncryptionMessage));
    try {
      *sealed = cipher->decrypt((*sealed)["value"].get_ref<const std::string&>());
    } catch (const crypto::CryptoError& e) {
      throw InputError("SECRET input '" + input.id + "' cannot be read: " + e.what());
    }
    opened.push_back(sealed->get<std::string>());
  }
  return opened;
}

}  // namespace runwatch
