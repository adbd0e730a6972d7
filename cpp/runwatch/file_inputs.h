#pragma once
// FILE inputs: each is stored in the internal storage under its execution
// (.../executions/<id>/inputs/<input>/<file name>) and its value is that kestra:/// URI, as
// in Kestra.
#include <filesystem>
#include <map>
#include <string>
#include <variant>

#include "runwatch/model/flow.h"
#include "runwatch/model/value.h"
#include "runwatch/storage/local_storage.h"

namespace runwatch {

// A FILE input's content: a local file to copy, or an upload already streamed to the
// storage's staging folder (the API's).
struct FileInput {
  std::string file_name;  // as the client named it; empty: <input id><extension>
  std::variant<std::filesystem::path, std::shared_ptr<storage::LocalStorage::Upload>> content;
};
using FileInputs = std::map<std::string, FileInput>;

// Stores the FILE inputs of a new execution and returns `given` with each one's URI as
// its value: the files given, a `file://` default copied; a FILE input given as a value
// must be the kestra:/// URI of a stored file (a Subflow passes its parent's). Throws
// InputError naming the input (not a FILE input, an extension not allowed, a missing
// file). What it stored stays when it throws: the caller deletes the execution's prefix.
Value store_file_inputs(const std::vector<InputDef>& declared, const Value& given, FileInputs files,
                        const storage::LocalStorage& storage, const storage::StorageUri& execution);

}  // namespace runwatch
