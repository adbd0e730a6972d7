#pragma once
// Kestra's internal storage, `kestra.storage.type: local`: each kestra:/// URI is a file
// under a base folder. Safe from any thread; a file is written whole or not at all.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <memory>
#include <optional>

#include "runwatch/storage/storage_uri.h"

namespace runwatch::storage {

class LocalStorage {
 public:
  // Creates the base folder (and its parents) when missing; throws Error when it cannot.
  explicit LocalStorage(std::filesystem::path base);
  // A storage in a new folder of the system's temporary folder, removed with it: for an
  // engine whose executions are not kept either (the memory repository).
  static std::unique_ptr<LocalStorage> temporary();
  ~LocalStorage();
  LocalStorage(const LocalStorage&) = delete;
  LocalStorage& operator=(const LocalStorage&) = delete;

  // A file being written whose URI may be known only later (an API upload arrives before
  // its execution has an id): in a staging folder, moved to its URI by commit(), removed
  // when dropped uncommitted.
  class Upload {
   public:
    Upload(Upload&&) noexcept;
    Upload& operator=(Upload&&) = delete;
    ~Upload();
    void write(const char* data, size_t size);
    uint64_t size() const { return size_; }
    void commit(const StorageUri& uri);

   private:
    friend class LocalStorage;
    Upload(const LocalStorage& storage, std::filesystem::path temporary);
    const LocalStorage* storage_;
    std::filesystem::path temporary_;
    std::ofstream out_;
    uint64_t size_ = 0;
  };
  Upload upload() const;

  // Writes the stream's bytes at `uri` (replacing any file there); returns their count.
  uint64_t put(const StorageUri& uri, std::istream& in) const;
  // Opens the file for reading; throws NotFoundError "File 'kestra:///...' not found".
  std::ifstream get(const StorageUri& uri) const;
  // The file's size, or nullopt when there is none.
  std::optional<uint64_t> size(const StorageUri& uri) const;
  bool exists(const StorageUri& uri) const { return size(uri).has_value(); }
  // Removes every file under `prefix` (an execution's); the count of files and folders removed.
  size_t delete_prefix(const StorageUri& prefix) const;

  const std::filesystem::path& base() const { return base_; }
  // The file a URI names: always under base() (StorageUri's segments cannot leave it).
  std::filesystem::path path_of(const StorageUri& uri) const { return base_ / uri.path(); }

 private:
  std::filesystem::path base_;
  bool temporary_ = false;
};

}  // namespace runwatch::storage
