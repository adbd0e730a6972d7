#include "runwatch/tasks/read_function.h"

#include <fstream>

#include "runwatch/expr/functions.h"
#include "runwatch/model/error.h"
#include "runwatch/model/utf8.h"

namespace runwatch {
namespace {

std::string text_at(const Value& variables, const char* object, const char* key) {
  auto found = variables.find(object);
  if (found == variables.end() || !found->is_object()) return {};
  auto value = found->find(key);
  return value != found->end() && value->is_string() ? value->get<std::string>() : std::string();
}

// The URI's file belongs to the execution of these variables, or to the one that triggered it.
bool readable(const storage::StorageUri& uri, const Value& variables) {
  auto under = [&](const std::string& ns, const std::string& flow_id, const std::string& id) {
    return !ns.empty() && !flow_id.empty() && !id.empty() && uri.is_under(storage::execution_prefix(ns, flow_id, id));
  };
  return under(text_at(variables, "flow", "namespace"), text_at(variables, "flow", "id"),
               text_at(variables, "execution", "id")) ||
         under(text_at(variables, "trigger", "namespace"), text_at(variables, "trigger", "flowId"),
               text_at(variables, "trigger", "executionId"));
}

}  // namespace

storage::StorageUri execution_file(const Value& variables, const std::string& text) {
  auto uri = storage::StorageUri::parse(text);
  if (!readable(uri, variables))
    throw Error("Unable to read the file '" + uri.text() + "' as it didn't belong to the current execution");
  return uri;
}

Value read_function(const storage::LocalStorage& storage, const Value& variables, const std::vector<Value>& args,
                    const Value& named) {
  const Value* path = expr::function_argument(args, named, 0, "path");
  if (!path || !path->is_string()) throw Error("The 'read' function expects an argument 'path'.");
  const auto& text = path->get_ref<const std::string&>();
  if (!text.starts_with(storage::kScheme))
    throw Error("'" + repair_utf8(text.substr(0, 200)) +
                "' would be a namespace file, and runwatch has no namespace files; read() takes the kestra:/// URI of "
                "a file of the execution");
  auto uri = execution_file(variables, text);
  auto size = storage.size(uri);
  if (!size) throw Error("The file '" + uri.text() + "' does not exist");
  if (*size > kMaxReadBytes)
    throw Error("The file '" + uri.text() + "' is " + std::to_string(*size) + " bytes, more than the " +
                std::to_string(kMaxReadBytes) + " read() returns");
  auto in = storage.get(uri);
  std::string content(*size, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<size_t>(in.gcount()));
  if (auto at = invalid_utf8_at(content))
    throw Error("The file '" + uri.text() + "' is not UTF-8 text (byte " + std::to_string(*at) + ")");
  return content;
}

}  // namespace runwatch
