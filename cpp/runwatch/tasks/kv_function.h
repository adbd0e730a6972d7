#pragma once
// `{{ kv('key') }}`, `{{ kv(key, namespace, errorOnMissing) }}`: Kestra's kv() function.
#include <vector>

#include "runwatch/model/kv_store.h"
#include "runwatch/model/value.h"

namespace runwatch {

// The key's value. Without a namespace, the flow's namespace (`flow.namespace` among
// `variables`) and then each parent namespace are searched, as Kestra does
// (company.team, then company). A missing or expired key is null when errorOnMissing is
// false, and otherwise (the default) an Error naming the key and the namespace.
Value kv_function(const KvStore& store, const Value& variables, const std::vector<Value>& args, const Value& named);

}  // namespace runwatch
