#include "runwatch/tasks/core/storage_split.h"

#include <istream>
#include <limits>
#include <optional>

#include "runwatch/model/byte_size.h"
#include "runwatch/model/error.h"
#include "runwatch/model/size_limits.h"
#include "runwatch/storage/local_storage.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/core/task_files.h"
#include "runwatch/tasks/read_function.h"
#include "runwatch/tasks/task.h"

namespace runwatch {
namespace {

using storage::LocalStorage;
using storage::StorageUri;

// Java's BufferedReader.readLine: a line ends at \n, \r\n or \r; none after a final end.
class LineReader {
 public:
  explicit LineReader(std::istream& in) : in_(in) {}
  bool next(std::string& line) {
    line.clear();
    std::streambuf& buf = *in_.rdbuf();
    int c = buf.sbumpc();
    if (c == std::char_traits<char>::eof()) return false;
    ++number_;
    for (; c != std::char_traits<char>::eof(); c = buf.sbumpc()) {
      if (c == '\n') break;
      if (c == '\r') {
        if (buf.sgetc() == '\n') buf.sbumpc();
        break;
      }
      if (line.size() >= kMaxTextBytes)
        throw TaskFailure("Line " + std::to_string(number_) + " is longer than " + std::to_string(kMaxTextBytes >> 20) +
                          " MiB");
      line.push_back(static_cast<char>(c));
    }
    return true;
  }

 private:
  std::istream& in_;
  size_t number_ = 0;
};

std::string extension_of(const StorageUri& uri) {
  std::string_view name = uri.file_name();
  auto dot = name.rfind('.');
  return dot == std::string_view::npos ? ".tmp" : std::string(name.substr(dot));
}

// The batch files of one split, stored as they are completed.
class Batches {
 public:
  Batches(RunContext& ctx, std::string extension, size_t limit)
      : ctx_(ctx), extension_(std::move(extension)), limit_(limit) {}
  LocalStorage::Upload open() {
    if (++opened_ > limit_)
      throw TaskFailure("The items make more than " + std::to_string(limit_) + " batches: make them larger");
    return ctx_.storage().upload();
  }
  void store(LocalStorage::Upload& upload, size_t index) {
    auto uri = task_run_file(ctx_.identity(), std::to_string(index + 1) + extension_);
    upload.commit(uri);
    uris_.push_back(uri.text());
  }
  std::vector<std::string> uris() && { return std::move(uris_); }

 private:
  RunContext& ctx_;
  std::string extension_;
  size_t limit_;
  size_t opened_ = 0;
  std::vector<std::string> uris_;
};

std::vector<std::string> split_sequentially(std::istream& in, const SplitOptions& options, Batches& batches) {
  LineReader lines(in);
  std::string line;
  std::optional<LocalStorage::Upload> current;
  size_t index = 0;
  std::int64_t rows = 0, bytes = 0;
  while (lines.next(line)) {
    const std::int64_t done = options.by == SplitOptions::By::Rows ? rows : bytes;
    if (!current || done >= options.amount) {
      if (current) batches.store(*current, index++);
      current.emplace(batches.open());
      rows = bytes = 0;
    }
    current->write(line.data(), line.size());
    current->write(options.separator.data(), options.separator.size());
    ++rows;
    bytes += static_cast<std::int64_t>(line.size() + options.separator.size());
  }
  if (current) batches.store(*current, index);
  return std::move(batches).uris();
}

std::vector<std::string> split_in_partitions(std::istream& in, const SplitOptions& options, Batches& batches) {
  std::vector<LocalStorage::Upload> partitions;
  for (std::int64_t i = 0; i < options.amount; ++i) partitions.push_back(batches.open());
  LineReader lines(in);
  std::string line;
  for (size_t index = 0; lines.next(line); index = (index + 1) % partitions.size()) {
    partitions[index].write(line.data(), line.size());
    partitions[index].write(options.separator.data(), options.separator.size());
  }
  size_t stored = 0;
  for (auto& partition : partitions)
    if (partition.size() > 0) batches.store(partition, stored++);
  return std::move(batches).uris();
}

}  // namespace

SplitOptions split_options(const Value& properties, std::string_view path) try {
  SplitOptions options;
  if (const Value* separator = find_property(properties, "separator")) options.separator = to_text(*separator);
  if (const Value* bytes = find_property(properties, "bytes")) {
    auto size = parse_byte_size(to_text(*bytes));
    if (!size || *size < 1)
      throw TaskFailure("Property 'bytes': invalid size '" + to_text(*bytes) +
                        "': a number of bytes, or with KB, MB or GB");
    options.by = SplitOptions::By::Bytes;
    options.amount = *size;
  } else if (find_property(properties, "partitions")) {
    options.by = SplitOptions::By::Partitions;
    options.amount = int_or(properties, "partitions", 1, 1, kMaxPartitions);
  } else {
    options.amount = int_or(properties, "rows", 1, 1, std::numeric_limits<int>::max());
  }
  return options;
} catch (const TaskFailure& failure) {
  if (path.empty()) throw;
  throw TaskFailure("In '" + std::string(path) + "': " + failure.what());
}

std::vector<std::string> split_file(RunContext& ctx, const std::string& from, const SplitOptions& options) {
  if (!from.starts_with(storage::kScheme))
    throw TaskFailure("Unable to split the items from " + from + ", this is not an internal storage URI!");
  StorageUri uri = [&] {
    try {
      return execution_file(ctx.variables(), from);
    } catch (const Error& e) {
      throw TaskFailure(e.what());
    }
  }();
  std::ifstream in = ctx.storage().get(uri);
  Batches batches(ctx, extension_of(uri), options.max_batches);
  return options.by == SplitOptions::By::Partitions ? split_in_partitions(in, options, batches)
                                                    : split_sequentially(in, options, batches);
}

}  // namespace runwatch
