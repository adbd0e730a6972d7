#pragma once
// A fresh directory under the system's temporary directory, removed with all it holds
// when destroyed.
#include <string>
#include <string_view>

namespace runwatch {

class TempDirectory {
 public:
  explicit TempDirectory(std::string_view prefix);
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;
  ~TempDirectory();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace runwatch
