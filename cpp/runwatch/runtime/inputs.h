#pragma once
// Checks and types the inputs given to an execution against the flow's declarations.
#include <string>
#include <vector>

#include "runwatch/crypto/secret_cipher.h"
#include "runwatch/model/flow.h"
#include "runwatch/model/value.h"

namespace runwatch {

struct ResolvedInputs {
  Value values = Value::object();     // typed values; dotted ids nest ("a.b" -> {"a": {"b": ...}})
  std::vector<std::string> warnings;  // inputs given that the flow does not declare
};

// Throws InputError naming the input and what is wrong with it. SECRET inputs are
// encrypted with `cipher` (see secret_inputs.h); without one, a SECRET value is refused.
ResolvedInputs resolve_inputs(const std::vector<InputDef>& declared, const Value& given,
                              const crypto::SecretCipher* cipher);
inline ResolvedInputs resolve_inputs(const Flow& flow, const Value& given, const crypto::SecretCipher* cipher) {
  return resolve_inputs(flow.inputs, given, cipher);
}

}  // namespace runwatch
