#pragma once
// Kestra's namespace key-value store (kv.Set/Get/Delete/GetKeys, kv(), the API's
// /namespaces/{namespace}/kv) and its older task state store (state.Set/Get/Delete), in
// one place: keys and values checked as Kestra checks them, bounded, typed, expiring on
// the engine's clock. Where the documents live is the host's (the engine keeps them in
// its repository, see repository_adapters.h), behind `KvStore::Backend`.
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/clock.h"
#include "runwatch/model/value.h"

namespace runwatch {

// What one key may hold, serialized as JSON, and the longest key and description.
inline constexpr size_t kMaxKvValueBytes = 1024 * 1024;
inline constexpr size_t kMaxKvKeyLength = 255;
inline constexpr size_t kMaxKvDescriptionLength = 4096;

// Kestra's KVType: what a value is, as the API and the UI show it.
inline constexpr std::string_view kKvTypes[] = {"STRING", "NUMBER", "BOOLEAN", "DATETIME", "DATE", "DURATION", "JSON"};

struct KvEntry {
  std::string key = {};
  Value value = {};
  std::string type = {};  // one of kKvTypes
  std::optional<std::string> description = {};
  TimePoint created = {};
  TimePoint updated = {};
  std::optional<TimePoint> expires = {};
};

// What a put writes besides the value.
struct KvWrite {
  std::optional<std::string> type = {};  // one of kKvTypes; default: the value's (kv_type_of)
  std::optional<std::string> description = {};
  std::optional<Duration> ttl = {};  // the entry reads as missing from now + ttl on
  bool overwrite = true;             // false: a key that holds a value is a Conflict error
};

// The type Kestra gives a value stored without one: STRING, NUMBER, BOOLEAN, or JSON
// (maps, lists and null).
std::string kv_type_of(const Value& value);
// `text` converted to Kestra's kvType `type` (Set's kvType): a NUMBER is a JSON number,
// a BOOLEAN is true when the text is "true" in any case (Java's parseBoolean), DATETIME
// and DATE an instant (a DATE may be a plain date), DURATION an ISO-8601 duration, JSON
// any JSON text. Throws Error naming the type when the text is not of it.
Value kv_value_of_type(const std::string& text, std::string_view type);

class KvStore {
 public:
  // The key spaces: the namespace KV store, and the state store's documents.
  enum class Space { Kv, TaskState };

  // Documents by key; `key` is namespace-qualified (see KvStore). Every method is safe
  // from any thread.
  class Backend {
   public:
    virtual ~Backend() = default;
    virtual std::optional<Value> get(Space space, const std::string& key) const = 0;
    virtual void put(Space space, const std::string& key, const Value& document) = 0;
    virtual void erase(Space space, const std::string& key) = 0;
    // Every (key, document) whose key starts with `prefix`, by key.
    virtual std::vector<std::pair<std::string, Value>> list(Space space, const std::string& prefix) const = 0;
  };

  KvStore(Backend& backend, const Clock& clock) : backend_(backend), clock_(clock) {}

  // Namespace, key, value and description are checked first: Error (Malformed) with
  // Kestra's message for a key outside [a-zA-Z0-9][a-zA-Z0-9._-]*, and for anything past
  // the bounds above. An expired entry reads as missing.
  std::optional<KvEntry> get(const std::string& ns, const std::string& key) const;
  void put(const std::string& ns, const std::string& key, const Value& value, const KvWrite& write = {});
  // False when there was no such key (or it had expired).
  bool erase(const std::string& ns, const std::string& key);
  // The entries of a namespace that have not expired, by key.
  std::vector<KvEntry> list(const std::string& ns) const;

  // The state store: one JSON object per `key` (built by the state tasks), in a key space
  // of its own. merge_task_state merges `data` into the stored object (maps within
  // maps key by key, as Kestra's MapUtils.merge) and returns the result.
  std::optional<Value> task_state(const std::string& key) const;
  Value merge_task_state(const std::string& key, const Value& data);
  bool erase_task_state(const std::string& key);

 private:
  std::optional<KvEntry> read(const std::string& ns, const std::string& key) const;
  Backend& backend_;
  const Clock& clock_;
  // Makes each read-and-write one step (overwrite: false, erase, merge): the engine is
  // the store's one writer.
  mutable std::mutex mutex_;
};

// Kestra's rule for a KV key; throws Error (Malformed) with Kestra's message.
void check_kv_key(const std::string& key);

}  // namespace runwatch
