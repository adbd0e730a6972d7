#pragma once
// `{{ read(uri) }}`: Kestra's read() function on the internal storage.
#include <cstdint>
#include <vector>

#include "runwatch/model/value.h"
#include "runwatch/storage/local_storage.h"

namespace runwatch {

// What read() may return: a template's text is bounded anyway (expr's 64 MiB); a file
// meant for a template is far smaller.
inline constexpr uint64_t kMaxReadBytes = 8 * 1024 * 1024;

// The kestra:/// URI `text` when it names a file of the current execution (`execution.id`,
// `flow.namespace` and `flow.id` among `variables`) or of the execution that triggered it
// (`trigger.executionId`, a Subflow's parent), as Kestra allows; Error for any other.
storage::StorageUri execution_file(const Value& variables, const std::string& text);

// The text of a file of the current execution (`execution.id`, `flow.namespace` and
// `flow.id` among `variables`), or of the execution that triggered it (`trigger.executionId`,
// a Subflow's parent), as Kestra allows. Error for any other URI, a namespace file (runwatch
// has none), a missing file, one over kMaxReadBytes or one that is not UTF-8.
Value read_function(const storage::LocalStorage& storage, const Value& variables, const std::vector<Value>& args,
                    const Value& named);

}  // namespace runwatch
