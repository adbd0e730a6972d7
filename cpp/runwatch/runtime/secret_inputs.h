#pragma once
// SECRET inputs, as Kestra keeps them: encrypted when the execution is created, stored as
// {"type": "io.kestra.datatype:aes_encrypted", "value": "<Base64>"} (what the store, the
// API and Flow triggers see), and decrypted only into the variables of its task runs.
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/crypto/secret_cipher.h"
#include "runwatch/model/flow.h"
#include "runwatch/model/value.h"

namespace runwatch {

inline constexpr std::string_view kEncryptedValueType = "io.kestra.datatype:aes_encrypted";

// Kestra's message when no kestra.encryption.secret-key is configured.
inline constexpr std::string_view kNoEncryptionMessage =
    "Unable to use a SECRET input as encryption is not configured (kestra.encryption.secret-key)";

Value seal_secret(const crypto::SecretCipher& cipher, std::string_view plain);

bool has_secret_inputs(const Flow& flow);

// Decrypts, in place, every SECRET input of `flow` that `inputs` holds sealed; returns the
// texts it decrypted (what masking must hide). Throws InputError naming the input when
// one does not open with `cipher` (or there is no cipher).
std::vector<std::string> open_secret_inputs(const Flow& flow, Value& inputs, const crypto::SecretCipher* cipher);

}  // namespace runwatch
