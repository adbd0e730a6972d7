// The internal storage over HTTP: FILE inputs streamed to it from multipart requests, and
// Kestra's download of an execution's files.
#include <httplib.h>

#include <cctype>
#include <fstream>

#include "runwatch/api/route_support.h"
#include "runwatch/api/routes.h"
#include "runwatch/engine.h"
#include "runwatch/model/utf8.h"
#include "runwatch/server/router.h"

namespace runwatch {
namespace {

// A file part, staged in the storage until its execution has an id.
class StagedFile final : public ReceivedFile {
 public:
  explicit StagedFile(storage::LocalStorage::Upload upload)
      : upload_(std::make_shared<storage::LocalStorage::Upload>(std::move(upload))) {}
  void write(const char* data, size_t size) override { upload_->write(data, size); }
  const std::shared_ptr<storage::LocalStorage::Upload>& upload() const { return upload_; }

 private:
  std::shared_ptr<storage::LocalStorage::Upload> upload_;
};

// The `path` query parameter: a URI of the execution's own files (Kestra refuses others).
storage::StorageUri execution_file(const Engine& engine, const Match& m) {
  const std::string& id = m.param("executionId");
  auto execution = engine.execution(id);
  if (!execution) throw HttpStatusError(404, "Execution '" + id + "' not found");
  auto path = text_param(m.request, "path");
  if (!path) throw HttpStatusError(400, "The query parameter 'path' (a kestra:/// URI) is missing");
  auto uri = storage::StorageUri::parse(*path);
  if (!uri.is_under(storage::execution_prefix(execution->ns, execution->flow_id, id)))
    throw HttpStatusError(422, "The file '" + uri.text() + "' is not a file of execution '" + id + "'");
  return uri;
}

// Kestra's StreamedFile.attach(name): the name plain (ASCII, quoted) and in RFC 5987 form.
// A stored name holds no control character, so no header can be injected.
std::string attachment(std::string_view name) {
  std::string plain, encoded;
  constexpr const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : name) {
    plain += (c < 0x80 && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return "attachment; filename=\"" + plain + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace

void receive_files(Router& router, Engine& engine, uint64_t max_file_size) {
  router.receive_files(
      [&engine](const std::string&, const std::string&) {
        return std::make_shared<StagedFile>(engine.storage().upload());
      },
      max_file_size);
}

FileInputs file_inputs_of(const Match& m) {
  FileInputs files;
  for (const auto& [name, part] : m.body.files) {
    if (!is_valid_utf8(name) || !is_valid_utf8(part.filename))
      throw HttpStatusError(400, "File field '" + repair_utf8(name) + "' is not valid UTF-8");
    // Every file part comes from receive_files' receiver: a StagedFile.
    const auto& staged = static_cast<const StagedFile&>(*part.file);
    if (!files.emplace(name, FileInput{part.filename, staged.upload()}).second)
      throw HttpStatusError(422, "Input '" + name + "' is given more than one file");
  }
  return files;
}

void add_file_routes(Router& router, Engine& engine) {
  ApiRoutes routes(router);
  routes.get("/executions/{executionId}/file", [&engine](const Match& m) {
    auto uri = execution_file(engine, m);
    auto size = engine.storage().size(uri);
    if (!size) throw HttpStatusError(404, "File '" + uri.text() + "' not found");
    auto answer =
        Answer::streamed(std::make_shared<std::ifstream>(engine.storage().get(uri)), *size, "application/octet-stream");
    answer.headers["Content-Disposition"] = attachment(uri.file_name());
    return answer;
  });
  routes.get("/executions/{executionId}/file/metas", [&engine](const Match& m) {
    auto uri = execution_file(engine, m);
    auto size = engine.storage().size(uri);
    if (!size) throw HttpStatusError(404, "File '" + uri.text() + "' not found");
    return Answer::json({{"size", *size}});
  });
}

}  // namespace runwatch
