#include "runwatch/storage/local_storage.h"

#include <stdlib.h>

#include <atomic>
#include <cerrno>
#include <random>
#include <utility>

#include "runwatch/model/error.h"

namespace runwatch::storage {
namespace fs = std::filesystem;
namespace {

// Uploads are staged here; no URI reaches it: an execution's first segment is a
// namespace, which never starts with '.'.
constexpr const char* kStaging = ".uploads";

std::string unique_name() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t seed = std::random_device{}() ^ (uint64_t{std::random_device{}()} << 32);
  return std::to_string(seed) + "-" + std::to_string(counter++) + ".part";
}

Error storage_error(const std::string& what, const fs::path& path, const std::error_code& ec) {
  return Error("Internal storage: cannot " + what + " '" + path.string() + "': " + ec.message(),
               ErrorKind::Unavailable);
}

}  // namespace

LocalStorage::LocalStorage(fs::path base) : base_(std::move(base)) {
  std::error_code ec;
  fs::create_directories(base_ / kStaging, ec);
  if (ec) throw storage_error("create the folder", base_ / kStaging, ec);
}

std::unique_ptr<LocalStorage> LocalStorage::temporary() {
  std::string name = (fs::temp_directory_path() / "runwatch-storage-XXXXXX").string();
  if (!mkdtemp(name.data()))
    throw storage_error("create the folder", name, std::error_code(errno, std::generic_category()));
  auto storage = std::make_unique<LocalStorage>(name);
  storage->temporary_ = true;
  return storage;
}

LocalStorage::~LocalStorage() {
  if (!temporary_) return;
  std::error_code ignored;
  fs::remove_all(base_, ignored);
}

LocalStorage::Upload::Upload(const LocalStorage& storage, fs::path temporary)
    : storage_(&storage), temporary_(std::move(temporary)), out_(temporary_, std::ios::binary | std::ios::trunc) {
  if (!out_) throw storage_error("create", temporary_, std::make_error_code(std::errc::io_error));
}

LocalStorage::Upload::Upload(Upload&& other) noexcept
    : storage_(other.storage_),
      temporary_(std::exchange(other.temporary_, {})),
      out_(std::move(other.out_)),
      size_(other.size_) {}

LocalStorage::Upload::~Upload() {
  if (temporary_.empty()) return;
  out_.close();
  std::error_code ignored;
  fs::remove(temporary_, ignored);
}

void LocalStorage::Upload::write(const char* data, size_t size) {
  if (!out_.write(data, static_cast<std::streamsize>(size)))
    throw storage_error("write", temporary_, std::make_error_code(std::errc::io_error));
  size_ += size;
}

void LocalStorage::Upload::commit(const StorageUri& uri) {
  out_.close();
  if (!out_) throw storage_error("write", temporary_, std::make_error_code(std::errc::io_error));
  fs::path target = storage_->path_of(uri);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) throw storage_error("create the folder", target.parent_path(), ec);
  fs::rename(temporary_, target, ec);  // the same file system: a reader sees all or nothing
  if (ec) throw storage_error("write", target, ec);
  temporary_.clear();
}

LocalStorage::Upload LocalStorage::upload() const { return Upload(*this, base_ / kStaging / unique_name()); }

uint64_t LocalStorage::put(const StorageUri& uri, std::istream& in) const {
  Upload upload = this->upload();
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) upload.write(buffer, static_cast<size_t>(in.gcount()));
  if (in.bad()) throw Error("Internal storage: cannot read what to write at '" + uri.text() + "'");
  upload.commit(uri);
  return upload.size();
}

std::ifstream LocalStorage::get(const StorageUri& uri) const {
  if (!exists(uri)) throw NotFoundError("File '" + uri.text() + "' not found");
  std::ifstream in(path_of(uri), std::ios::binary);
  if (!in) throw storage_error("read", path_of(uri), std::make_error_code(std::errc::io_error));
  return in;
}

std::optional<uint64_t> LocalStorage::size(const StorageUri& uri) const {
  std::error_code ec;
  auto status = fs::symlink_status(path_of(uri), ec);
  if (ec || !fs::is_regular_file(status)) return std::nullopt;
  auto bytes = fs::file_size(path_of(uri), ec);
  if (ec) return std::nullopt;
  return bytes;
}

size_t LocalStorage::delete_prefix(const StorageUri& prefix) const {
  std::error_code ec;
  auto removed = fs::remove_all(path_of(prefix), ec);
  if (ec) throw storage_error("delete", path_of(prefix), ec);
  return static_cast<size_t>(removed);
}

}  // namespace runwatch::storage
