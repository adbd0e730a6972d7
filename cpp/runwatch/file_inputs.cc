#include "runwatch/file_inputs.h"

#include <algorithm>
#include <cctype>

#include "runwatch/model/error.h"
#include "runwatch/model/utf8.h"

namespace runwatch {
namespace {

const InputDef* declared_input(const std::vector<InputDef>& declared, const std::string& id) {
  auto it = std::find_if(declared.begin(), declared.end(), [&](const InputDef& i) { return i.id == id; });
  return it == declared.end() ? nullptr : &*it;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Kestra's allowedFileExtensions (".csv"), compared without case.
void check_extension(const InputDef& input, const std::string& file_name) {
  const Value& allowed = input.properties.value("allowedFileExtensions", Value::array());
  if (allowed.empty()) return;
  std::string listed;
  for (const auto& extension : allowed) {
    const std::string& text = extension.get_ref<const std::string&>();
    if (lower(file_name).ends_with(lower(text))) return;
    listed += (listed.empty() ? "" : ", ") + text;
  }
  throw InputError("Input '" + input.id + "': the file '" + file_name + "' has none of the allowed extensions " +
                   listed);
}

// Kestra names a file that came without a name after its input and `extension` (".upl").
std::string file_name_of(const InputDef& input, const std::string& given) {
  if (!given.empty()) return given;
  return input.id + input.properties.value("extension", std::string(".upl"));
}

storage::StorageUri uri_of(const InputDef& input, const storage::StorageUri& execution, const std::string& name) {
  try {
    return storage::input_uri(execution, input.id, name);
  } catch (const Error& e) {
    throw InputError("Input '" + input.id + "': " + e.what());
  }
}

void copy_local(const InputDef& input, const std::filesystem::path& source, const storage::LocalStorage& storage,
                const storage::StorageUri& uri) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source, ec))
    throw InputError("Input '" + input.id + "': no file at '" + source.string() + "'");
  std::ifstream in(source, std::ios::binary);
  if (!in) throw InputError("Input '" + input.id + "': cannot read '" + source.string() + "'");
  storage.put(uri, in);
}

std::string stored(const InputDef& input, FileInput file, const storage::LocalStorage& storage,
                   const storage::StorageUri& execution) {
  std::string name = file_name_of(input, file.file_name);
  auto uri = uri_of(input, execution, name);
  check_extension(input, name);
  if (auto* path = std::get_if<std::filesystem::path>(&file.content))
    copy_local(input, *path, storage, uri);
  else
    std::get<1>(file.content)->commit(uri);
  return uri.text();
}

// A `file://` default (input_parser.cc checked the scheme); `nsfile://` names a namespace
// file, which runwatch does not have.
std::string stored_default(const InputDef& input, const std::string& default_uri, const storage::LocalStorage& storage,
                           const storage::StorageUri& execution) {
  constexpr std::string_view kFile = "file://";
  if (!default_uri.starts_with(kFile))
    throw InputError("Input '" + input.id + "': namespace files (" + default_uri + ") are not supported by runwatch");
  std::filesystem::path path = default_uri.substr(kFile.size());
  return stored(input, FileInput{path.filename().string(), path}, storage, execution);
}

// A FILE input given as a value: the URI of a stored file.
std::string existing(const InputDef& input, const Value& value, const storage::LocalStorage& storage) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  try {
    if (storage.exists(storage::StorageUri::parse(text))) return text;
  } catch (const Error&) {
  }
  throw InputError("Input '" + input.id +
                   "': expected a file (an upload, or the kestra:/// URI of a stored file), got '" +
                   repair_utf8(text.substr(0, 200)) + "'");
}

}  // namespace

Value store_file_inputs(const std::vector<InputDef>& declared, const Value& given, FileInputs files,
                        const storage::LocalStorage& storage, const storage::StorageUri& execution) {
  if (!given.is_object() && !given.is_null()) return given;  // resolve_inputs says what is wrong
  Value out = given.is_object() ? given : Value::object();
  for (auto& [id, file] : files) {
    const InputDef* input = declared_input(declared, id);
    if (!input) throw InputError("Input '" + id + "' is a file, but the flow declares no such input");
    if (input->type != "FILE") throw InputError("Input '" + id + "' is a file, but its type is " + input->type);
    out[id] = stored(*input, std::move(file), storage, execution);
  }
  for (const auto& input : declared) {
    if (input.type != "FILE" || files.contains(input.id)) continue;
    if (out.contains(input.id) && !out[input.id].is_null())
      out[input.id] = existing(input, out[input.id], storage);
    else if (input.defaults && input.defaults->is_string())
      out[input.id] = stored_default(input, input.defaults->get<std::string>(), storage, execution);
  }
  return out;
}

}  // namespace runwatch
