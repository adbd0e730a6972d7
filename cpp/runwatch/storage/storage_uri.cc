#include "runwatch/storage/storage_uri.h"

#include <cctype>

#include "runwatch/model/error.h"
#include "runwatch/model/utf8.h"

namespace runwatch::storage {
namespace {

// Why `segment` cannot be a path segment, or empty when it can.
std::string segment_problem(std::string_view segment) {
  if (segment.empty()) return "an empty segment";
  if (segment == "." || segment == "..") return "a '" + std::string(segment) + "' segment";
  if (segment.size() > kMaxSegmentBytes) return "a segment longer than " + std::to_string(kMaxSegmentBytes) + " bytes";
  if (auto at = invalid_utf8_at(segment)) return "not UTF-8 (byte " + std::to_string(*at) + ")";
  for (unsigned char c : segment)
    if (c < 0x20 || c == 0x7f) return "a control character";
  return {};
}

// A client's text in a message: bounded, UTF-8, control characters as \xNN (a NUL would
// end the message).
std::string quoted(std::string_view text) {
  std::string out;
  for (unsigned char c : repair_utf8(text.substr(0, 200))) {
    if (c >= 0x20 && c != 0x7f) {
      out += static_cast<char>(c);
      continue;
    }
    constexpr const char* kHex = "0123456789ABCDEF";
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

StorageUri StorageUri::parse(std::string_view uri) {
  auto refuse = [&](const std::string& why) -> StorageUri {
    throw Error("Invalid storage URI '" + quoted(uri) + "': " + why, ErrorKind::Malformed);
  };
  if (uri.size() > kMaxUriBytes) return refuse("longer than " + std::to_string(kMaxUriBytes) + " bytes");
  if (auto at = invalid_utf8_at(uri)) return refuse("it is not UTF-8 (byte " + std::to_string(*at) + ")");
  if (!uri.starts_with(kScheme)) return refuse("it must start with kestra:///");
  std::string_view path = uri.substr(kScheme.size());
  // Kestra writes kestra:///a/b (no authority); a//-less kestra://a/b names no file.
  if (!path.starts_with('/')) return refuse("it must start with kestra:///");
  path.remove_prefix(1);
  if (path.empty()) return refuse("it names no file");
  for (size_t start = 0;;) {
    size_t slash = path.find('/', start);
    std::string_view segment = path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
    if (auto problem = segment_problem(segment); !problem.empty()) return refuse("it has " + problem);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return StorageUri(std::string(path));
}

StorageUri StorageUri::of(std::initializer_list<std::string_view> segments, std::string_view what) {
  std::string path;
  for (std::string_view segment : segments) {
    if (auto problem = segment_problem(segment); !problem.empty() || segment.find('/') != std::string_view::npos)
      throw Error("Invalid " + std::string(what) + " '" + quoted(segment) +
                  "': " + (problem.empty() ? "it holds a '/'" : "it is " + problem));
    if (!path.empty()) path += '/';
    path += segment;
  }
  if (path.size() + 10 > kMaxUriBytes)
    throw Error("Invalid " + std::string(what) + ": the storage URI would be longer than " +
                std::to_string(kMaxUriBytes) + " bytes");
  return StorageUri(std::move(path));
}

bool StorageUri::is_under(const StorageUri& prefix) const {
  return path_.size() > prefix.path_.size() && path_.starts_with(prefix.path_) && path_[prefix.path_.size()] == '/';
}

std::string_view StorageUri::file_name() const {
  std::string_view path = path_;
  return path.substr(path.rfind('/') + 1);
}

std::string slugify(std::string_view id) {
  std::string slug;
  for (char c : id) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isspace(u) || c == '_' || c == '-') {
      if (!slug.empty() && slug.back() != '-') slug += '-';
    } else if (std::isalnum(u)) {
      slug += static_cast<char>(std::tolower(u));
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

namespace {

// parse checks every segment and the whole length.
StorageUri join(const StorageUri& base, std::initializer_list<std::string_view> rest) {
  std::string path = base.text();
  for (std::string_view segment : rest) (path += '/') += segment;
  return StorageUri::parse(path);
}

}  // namespace

StorageUri execution_prefix(std::string_view ns, std::string_view flow_id, std::string_view execution_id) {
  std::string path;
  for (char c : ns) path += c == '.' ? '/' : c;
  return StorageUri::parse("kestra:///" + path + "/" + slugify(flow_id) + "/executions/" + std::string(execution_id));
}

StorageUri input_uri(const StorageUri& execution, std::string_view input, std::string_view file_name) {
  StorageUri::of({input, file_name}, "file name");
  return join(execution, {"inputs", input, file_name});
}

StorageUri task_run_prefix(const StorageUri& execution, std::string_view task_id, std::string_view task_run_id) {
  return join(execution, {"tasks", slugify(task_id), task_run_id});
}

StorageUri task_file_uri(const StorageUri& execution, std::string_view task_id, std::string_view task_run_id,
                         std::string_view relative_path) {
  return join(execution, {"tasks", slugify(task_id), task_run_id, relative_path});
}

}  // namespace runwatch::storage
