#include "runwatch/runtime/silences.h"

#include <algorithm>

#include "runwatch/logging/loggers.h"
#include "runwatch/model/error.h"
#include "runwatch/model/time.h"
#include "runwatch/regex/pattern.h"
#include "runwatch/runtime/ids.h"
#include "runwatch/trigger/alert_book.h"

namespace runwatch {
namespace {

constexpr size_t kMaxMatchers = 100;
constexpr size_t kMaxText = 4096;

bool valid_name(const std::string& name) {
  if (name == "namespace" || name == "flowId" || name == "state" || name == "alert") return true;
  return name.starts_with(kLabelPrefix) && name.size() > kLabelPrefix.size();
}

std::string text_field(const Value& body, const char* name, const std::string& path, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) throw InputError(path + ": required");
    return "";
  }
  if (!it->is_string()) throw InputError(path + ": must be a string");
  auto text = it->get<std::string>();
  if (text.size() > kMaxText) throw InputError(path + ": longer than " + std::to_string(kMaxText) + " bytes");
  return text;
}

bool bool_field(const Value& body, const char* name, const std::string& path, bool fallback) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw InputError(path + ": must be true or false");
  return it->get<bool>();
}

std::optional<TimePoint> date_field(const Value& body, const char* name) {
  auto text = text_field(body, name, name, false);
  if (text.empty()) return std::nullopt;
  auto at = parse_instant(text);
  if (!at) throw InputError(std::string(name) + ": not an ISO-8601 date-time with a zone: '" + text + "'");
  return at;
}

SilenceMatcher read_matcher(const Value& m, const std::string& path) {
  if (!m.is_object()) throw InputError(path + ": must be an object {name, value, isRegex, isEqual}");
  SilenceMatcher out{.name = text_field(m, "name", path + ".name", true),
                     .value = text_field(m, "value", path + ".value", true),
                     .is_regex = bool_field(m, "isRegex", path + ".isRegex", false),
                     .is_equal = bool_field(m, "isEqual", path + ".isEqual", true)};
  if (!valid_name(out.name))
    throw InputError(path + ".name: '" + out.name +
                     "' is not a matcher name: namespace, flowId, state, alert or labels.<key>");
  if (out.is_regex) {
    std::string why;
    // Anchored, as Alertmanager's: the whole value must match.
    out.pattern = regex::Pattern::cached(out.value, &why);
    if (!out.pattern) throw InputError(path + ".value: invalid regular expression: " + why);
  }
  return out;
}

// The fields of a silence, as posted or as saved.
Silence read_fields(const Value& body) {
  if (!body.is_object()) throw InputError("a silence must be a JSON object with matchers, startsAt and endsAt");
  Silence s;
  auto matchers = body.find("matchers");
  if (matchers == body.end() || !matchers->is_array() || matchers->empty())
    throw InputError("matchers: at least one matcher required");
  if (matchers->size() > kMaxMatchers)
    throw InputError("matchers: more than " + std::to_string(kMaxMatchers) + " matchers");
  for (size_t i = 0; i < matchers->size(); ++i)
    s.matchers.push_back(read_matcher((*matchers)[i], "matchers[" + std::to_string(i) + "]"));
  s.created_by = text_field(body, "createdBy", "createdBy", false);
  s.comment = text_field(body, "comment", "comment", false);
  return s;
}

}  // namespace

std::string_view to_string(SilenceState state) {
  switch (state) {
    case SilenceState::Pending:
      return "pending";
    case SilenceState::Active:
      return "active";
    case SilenceState::Expired:
      return "expired";
  }
  return "expired";
}

bool SilenceMatcher::matches(std::string_view label) const {
  bool equal = is_regex ? pattern->full_match(label) : label == value;
  return equal == is_equal;
}

SilenceState Silence::state(TimePoint now) const {
  if (now < starts_at) return SilenceState::Pending;
  return now < ends_at ? SilenceState::Active : SilenceState::Expired;
}

bool Silence::matches(const SilenceLabels& labels) const {
  return std::all_of(matchers.begin(), matchers.end(), [&](const SilenceMatcher& m) {
    auto it = labels.find(m.name);
    return m.matches(it == labels.end() ? std::string_view() : std::string_view(it->second));
  });
}

Value Silence::to_json(TimePoint now) const {
  Value matchers_json = Value::array();
  for (const auto& m : matchers)
    matchers_json.push_back({{"name", m.name}, {"value", m.value}, {"isRegex", m.is_regex}, {"isEqual", m.is_equal}});
  return {{"id", id},
          {"matchers", matchers_json},
          {"startsAt", format_instant(starts_at)},
          {"endsAt", format_instant(ends_at)},
          {"updatedAt", format_instant(updated_at)},
          {"createdBy", created_by},
          {"comment", comment},
          {"status", {{"state", std::string(to_string(state(now)))}}}};
}

SilenceLabels execution_silence_labels(const Execution& execution, const std::string& alert_flow) {
  SilenceLabels labels{{"namespace", execution.ns},
                       {"flowId", execution.flow_id},
                       {"state", std::string(to_string(execution.state.current()))},
                       {"alert", alert_flow}};
  for (const auto& label : execution.labels) labels[std::string(kLabelPrefix) + label.key] = label.value;
  return labels;
}

Silence read_silence(const Value& body, TimePoint now) {
  Silence s = read_fields(body);
  if (body.contains("id") && !body["id"].is_null())
    throw InputError("id: a silence cannot be changed; expire it and add a new one");
  if (std::all_of(s.matchers.begin(), s.matchers.end(), [](const SilenceMatcher& m) { return m.matches(""); }))
    throw InputError("matchers: at least one matcher must not match the empty string");
  auto ends_at = date_field(body, "endsAt");
  if (!ends_at) throw InputError("endsAt: required");
  auto starts_at = date_field(body, "startsAt").value_or(now);
  if (*ends_at < now) throw InputError("endsAt: end time can't be in the past");
  if (*ends_at < starts_at) throw InputError("endsAt: end time must not be before start time");
  s.id = new_id();
  s.starts_at = std::max(starts_at, now);
  s.ends_at = *ends_at;
  s.updated_at = now;
  return s;
}

Silences::Silences(const Clock& clock, Duration retention, Storage* storage)
    : clock_(clock), retention_(retention), storage_(storage) {
  if (!storage_) return;
  for (const auto& saved : storage_->load()) {
    try {
      Silence s = read_fields(saved);
      s.id = saved.at("id").get<std::string>();
      auto at = [&](const char* name) {
        auto t = parse_instant(saved.at(name).get<std::string>());
        if (!t) throw InputError(std::string(name) + ": not a date");
        return *t;
      };
      s.starts_at = at("startsAt");
      s.ends_at = at("endsAt");
      s.updated_at = at("updatedAt");
      silences_.emplace(s.id, std::move(s));
      count_ = silences_.size();
    } catch (const std::exception& e) {
      // One bad record does not stop the others (nor the engine): it is left in the store.
      logger(kAlertLogger)->error("A saved silence cannot be read, it is ignored: {}", e.what());
    }
  }
}

Silence Silences::add(const Value& body) {
  const auto now = clock_.now();
  Silence s = read_silence(body, now);
  std::lock_guard lock(mutex_);
  if (storage_) storage_->put(s.id, s.to_json(now));
  silences_.emplace(s.id, s);
  count_ = silences_.size();
  return s;
}

void Silences::forget_expired_locked(TimePoint now) {
  for (auto it = silences_.begin(); it != silences_.end();) {
    if (it->second.ends_at + retention_ <= now) {
      if (storage_) storage_->erase(it->first);
      it = silences_.erase(it);
    } else {
      ++it;
    }
  }
  count_ = silences_.size();
}

std::vector<Silence> Silences::list() {
  std::lock_guard lock(mutex_);
  forget_expired_locked(clock_.now());
  std::vector<Silence> out;
  for (const auto& entry : silences_) out.push_back(entry.second);
  std::sort(out.begin(), out.end(), [](const Silence& a, const Silence& b) {
    return a.updated_at != b.updated_at ? a.updated_at > b.updated_at : a.id < b.id;
  });
  return out;
}

std::optional<Silence> Silences::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = silences_.find(id);
  return it == silences_.end() ? std::nullopt : std::optional<Silence>(it->second);
}

bool Silences::expire(const std::string& id) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  auto it = silences_.find(id);
  if (it == silences_.end()) return false;
  Silence& s = it->second;
  if (s.state(now) == SilenceState::Expired) return true;
  if (s.state(now) == SilenceState::Pending) s.starts_at = now;
  s.ends_at = now;
  s.updated_at = now;
  if (storage_) storage_->put(s.id, s.to_json(now));
  return true;
}

std::optional<std::string> Silences::silenced(const SilenceLabels& labels) const {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  for (const auto& [id, silence] : silences_)
    if (silence.state(now) == SilenceState::Active && silence.matches(labels)) return id;
  return std::nullopt;
}

std::map<SilenceState, size_t> Silences::counts() const {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  std::map<SilenceState, size_t> out = {
      {SilenceState::Pending, 0}, {SilenceState::Active, 0}, {SilenceState::Expired, 0}};
  for (const auto& entry : silences_) ++out[entry.second.state(now)];
  return out;
}

}  // namespace runwatch
