#include "runwatch/model/kv_store.h"

#include <algorithm>
#include <cctype>

#include "runwatch/model/error.h"
#include "runwatch/model/identifier.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/time.h"

namespace runwatch {
namespace {

[[noreturn]] void malformed(const std::string& message) { throw Error(message, ErrorKind::Malformed); }

void check_namespace(const std::string& ns) {
  if (!is_identifier(ns, {true, "._-"}) || ns.size() > 150)
    malformed("Invalid namespace '" + shortened(ns) + "': it must match [a-z0-9][a-z0-9._-]* (at most 150 characters)");
}

void check_size(const Value& value, const std::string& what) {
  auto bytes = dump_json(value).size();
  if (bytes > kMaxKvValueBytes)
    malformed("The value of " + what + " is " + std::to_string(bytes) + " bytes as JSON, more than the " +
              std::to_string(kMaxKvValueBytes) + " a key may hold");
}

// Namespaces and keys hold no '/', so a namespace's keys are exactly those under "ns/".
std::string storage_key(const std::string& ns, const std::string& key) { return ns + "/" + key; }

Value document_of(const KvEntry& entry) {
  Value doc = {{"value", entry.value},
               {"type", entry.type},
               {"created", format_instant(entry.created)},
               {"updated", format_instant(entry.updated)}};
  if (entry.description) doc["description"] = *entry.description;
  if (entry.expires) doc["expires"] = format_instant(*entry.expires);
  return doc;
}

TimePoint instant_in(const Value& doc, const char* name) {
  auto it = doc.find(name);
  auto at = it != doc.end() && it->is_string() ? parse_instant(it->get<std::string>()) : std::nullopt;
  return at.value_or(TimePoint{});
}

KvEntry entry_of(std::string key, const Value& doc) {
  KvEntry entry{.key = std::move(key), .value = doc.value("value", Value()), .type = doc.value("type", "JSON")};
  if (auto it = doc.find("description"); it != doc.end() && it->is_string()) entry.description = it->get<std::string>();
  entry.created = instant_in(doc, "created");
  entry.updated = instant_in(doc, "updated");
  if (doc.contains("expires")) entry.expires = instant_in(doc, "expires");
  return entry;
}

// Kestra's KVStore reads an entry as gone once now is after its expiration date.
bool expired(const KvEntry& entry, TimePoint now) { return entry.expires && now > *entry.expires; }

void merge_into(Value& target, const Value& data) {
  for (auto it = data.begin(); it != data.end(); ++it) {
    auto existing = target.find(it.key());
    if (existing != target.end() && existing->is_object() && it->is_object())
      merge_into(*existing, *it);
    else
      target[it.key()] = *it;
  }
}

}  // namespace

void check_kv_key(const std::string& key) {
  if (key.empty()) malformed("Key cannot be null or empty");
  if (!is_identifier(key, {false, "._-"}))
    malformed("Key '" + shortened(key) +
              "' must start with an alphanumeric character (uppercase or lowercase) and can contain alphanumeric "
              "characters (uppercase or lowercase), dots (.), underscores (_), and hyphens (-) only.");
  if (key.size() > kMaxKvKeyLength)
    malformed("Key '" + shortened(key) + "' is longer than " + std::to_string(kMaxKvKeyLength) + " characters");
}

std::string kv_type_of(const Value& value) {
  if (value.is_string()) return "STRING";
  if (value.is_number()) return "NUMBER";
  if (value.is_boolean()) return "BOOLEAN";
  return "JSON";
}

Value kv_value_of_type(const std::string& text, std::string_view type) {
  auto refuse = [&]() -> Value { throw Error("'" + shortened(text) + "' is not a " + std::string(type) + " value"); };
  if (type == "STRING") return text;
  if (type == "NUMBER") {
    Value number = parse_json_or_discarded(text);
    return number.is_number() ? number : refuse();
  }
  if (type == "BOOLEAN") {
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower == "true";
  }
  if (type == "DATETIME" || type == "DATE") {
    auto at = parse_instant(text);
    if (!at && type == "DATE" && text.size() == 10) at = parse_instant(text + "T00:00:00Z");
    return at ? Value(type == "DATE" && text.size() == 10 ? text : format_instant(*at)) : refuse();
  }
  if (type == "DURATION") {
    auto d = parse_duration(text);
    return d ? Value(format_duration(*d)) : refuse();
  }
  if (type == "JSON") {
    Value json = parse_json_or_discarded(text);
    return json.is_discarded() ? refuse() : json;
  }
  throw Error("Unknown kvType '" + shortened(std::string(type)) +
              "': expected STRING, NUMBER, BOOLEAN, DATETIME, DATE, DURATION or JSON");
}

std::optional<KvEntry> KvStore::read(const std::string& ns, const std::string& key) const {
  check_namespace(ns);
  check_kv_key(key);
  auto doc = backend_.get(Space::Kv, storage_key(ns, key));
  if (!doc) return std::nullopt;
  auto entry = entry_of(key, *doc);
  if (expired(entry, clock_.now())) return std::nullopt;
  return entry;
}

std::optional<KvEntry> KvStore::get(const std::string& ns, const std::string& key) const {
  std::lock_guard lock(mutex_);
  return read(ns, key);
}

void KvStore::put(const std::string& ns, const std::string& key, const Value& value, const KvWrite& write) {
  check_namespace(ns);
  check_kv_key(key);
  check_size(value, "key '" + key + "'");
  if (write.description && write.description->size() > kMaxKvDescriptionLength)
    malformed("The description of key '" + key + "' is longer than " + std::to_string(kMaxKvDescriptionLength) +
              " characters");
  if (write.type && std::find(std::begin(kKvTypes), std::end(kKvTypes), *write.type) == std::end(kKvTypes))
    malformed("Unknown KV type '" + shortened(*write.type) + "'");
  auto now = clock_.now();
  std::optional<TimePoint> expires;
  if (write.ttl) {
    if (*write.ttl <= Duration::zero()) malformed("The ttl of key '" + key + "' must be positive");
    if (*write.ttl > kLatestInstant - now)
      malformed("The ttl of key '" + key + "' ends after " + format_instant(kLatestInstant));
    expires = now + *write.ttl;
  }
  std::lock_guard lock(mutex_);
  auto existing = read(ns, key);
  if (existing && !write.overwrite)
    throw Error("Cannot set value for key '" + key + "'. Key already exists and `overwrite` is set to `false`.",
                ErrorKind::Conflict);
  KvEntry entry{.key = key,
                .value = value,
                .type = write.type.value_or(kv_type_of(value)),
                .description = write.description,
                .created = existing ? existing->created : now,
                .updated = now,
                .expires = expires};
  backend_.put(Space::Kv, storage_key(ns, key), document_of(entry));
}

bool KvStore::erase(const std::string& ns, const std::string& key) {
  std::lock_guard lock(mutex_);
  bool present = read(ns, key).has_value();
  backend_.erase(Space::Kv, storage_key(ns, key));  // an expired entry goes too
  return present;
}

std::vector<KvEntry> KvStore::list(const std::string& ns) const {
  check_namespace(ns);
  auto now = clock_.now();
  std::vector<KvEntry> out;
  auto prefix = storage_key(ns, "");
  for (const auto& [stored, doc] : backend_.list(Space::Kv, prefix)) {
    auto entry = entry_of(stored.substr(prefix.size()), doc);
    if (!expired(entry, now)) out.push_back(std::move(entry));
  }
  return out;
}

std::optional<Value> KvStore::task_state(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return backend_.get(Space::TaskState, key);
}

Value KvStore::merge_task_state(const std::string& key, const Value& data) {
  std::lock_guard lock(mutex_);
  Value merged = backend_.get(Space::TaskState, key).value_or(Value::object());
  merge_into(merged, data);
  check_size(merged, "state '" + key + "'");
  backend_.put(Space::TaskState, key, merged);
  return merged;
}

bool KvStore::erase_task_state(const std::string& key) {
  std::lock_guard lock(mutex_);
  bool present = backend_.get(Space::TaskState, key).has_value();
  if (present) backend_.erase(Space::TaskState, key);
  return present;
}

}  // namespace runwatch
