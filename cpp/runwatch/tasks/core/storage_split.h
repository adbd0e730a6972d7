#pragma once
// Kestra's StorageService.split: the lines of a stored file in batches (Split's files,
// ForEachItem's subflows), by rows, bytes or partitions.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/value.h"
#include "runwatch/tasks/run_context.h"

namespace runwatch {

inline constexpr size_t kMaxBatches = 100'000;
inline constexpr std::int64_t kMaxPartitions = 1'000;  // each an open file while splitting

struct SplitOptions {
  enum class By { Rows, Bytes, Partitions };
  By by = By::Rows;
  std::int64_t amount = 1;  // rows per batch, bytes per batch, or the number of partitions
  std::string separator = "\n";
  size_t max_batches = kMaxBatches;
};

// The options of `properties` (rows, bytes, partitions, separator; bytes first, then
// partitions, then rows as Kestra; rows 1 when none is given). Throws TaskFailure naming
// the property (inside `path`, when the options are a property's) when one cannot be used.
SplitOptions split_options(const Value& properties, std::string_view path);

// Splits the kestra:/// file `from` (of this execution or its parent's) into files stored
// under the task run, named <n><from's extension>: each line (ended by \n, \r\n or \r)
// followed by the separator; by rows or bytes a new file starts once the last one has
// that many, by partitions the lines go round the files and empty ones are dropped.
// Their URIs in order. Throws TaskFailure past max_batches files or on a line over 64 MiB.
std::vector<std::string> split_file(RunContext& ctx, const std::string& from, const SplitOptions& options);

}  // namespace runwatch
