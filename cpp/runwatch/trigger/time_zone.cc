#include "runwatch/trigger/time_zone.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "runwatch/model/error.h"
#include "runwatch/trigger/tzif.h"

namespace runwatch {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Bounds that leave room for adding any UTC offset.
const SysSeconds kEarliest{std::chrono::sys_days{std::chrono::year{1} / 1 / 1}};
const SysSeconds kLatest{std::chrono::sys_days{std::chrono::year{9999} / 12 / 31}};

std::optional<int> digits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// java.time.ZoneOffset.of: "+h", "+hh", "+hh:mm", "+hhmm", "+hh:mm:ss", "+hhmmss", at most 18 hours.
std::optional<seconds> parse_offset(std::string_view text) {
  if (text.size() < 2 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  int sign = text[0] == '-' ? -1 : 1;
  std::string compact;
  for (size_t i = 1; i < text.size(); ++i) {
    bool colon_at_expected_place = text[i] == ':' && (i == 3 || i == 6) && text.size() > i + 1;
    if (colon_at_expected_place) continue;
    compact += text[i];
  }
  if (compact.size() == 1) compact = "0" + compact;
  if (compact.size() != 2 && compact.size() != 4 && compact.size() != 6) return std::nullopt;
  auto h = digits(compact.substr(0, 2));
  auto m = compact.size() >= 4 ? digits(compact.substr(2, 2)) : 0;
  auto s = compact.size() == 6 ? digits(compact.substr(4, 2)) : 0;
  if (!h || !m || !s || *m > 59 || *s > 59) return std::nullopt;
  seconds total = hours(*h) + minutes(*m) + seconds(*s);
  if (total > hours(18)) return std::nullopt;
  return sign * total;
}

std::shared_ptr<const TimeZone> fixed(std::string id, seconds offset) {
  return std::make_shared<const TimeZone>(std::move(id), offset, std::vector<OffsetTransition>{}, nullptr);
}

std::optional<seconds> fixed_offset_of(std::string_view id) {
  for (std::string_view utc : {"Z", "UTC", "GMT", "UT"})
    if (id == utc) return seconds(0);
  for (std::string_view prefix : {"UTC", "GMT", "UT"})
    if (id.substr(0, prefix.size()) == prefix && id.size() > prefix.size() &&
        (id[prefix.size()] == '+' || id[prefix.size()] == '-'))
      return parse_offset(id.substr(prefix.size()));
  return parse_offset(id);
}

bool is_region_id(std::string_view id) {
  if (id.empty() || id.front() == '/' || id.find("..") != std::string_view::npos) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+';
  });
}

std::filesystem::path zoneinfo_dir() {
  const char* dir = std::getenv("TZDIR");
  return dir && *dir ? dir : "/usr/share/zoneinfo";
}

std::shared_ptr<const TimeZone> load(std::string_view id) {
  if (auto offset = fixed_offset_of(id)) return fixed(std::string(id), *offset);
  std::string unknown = "unknown time zone '" + std::string(id) + "'";
  if (!is_region_id(id)) throw Error(unknown);
  auto dir = zoneinfo_dir();
  if (!std::filesystem::is_directory(dir))
    throw Error(unknown + ": no time zone database at " + dir.string() + " (install the tzdata package)");
  std::ifstream file(dir / std::string(id), std::ios::binary);
  if (!file || std::filesystem::is_directory(dir / std::string(id))) throw Error(unknown);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return read_tzif(std::string(id), bytes.str());
}

}  // namespace

std::shared_ptr<const TimeZone> TimeZone::find(std::string_view id) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> zones;
  std::lock_guard lock(mutex);
  auto it = zones.find(id);
  if (it != zones.end()) return it->second;
  auto zone = load(id);
  zones.emplace(std::string(id), zone);
  return zone;
}

std::shared_ptr<const TimeZone> TimeZone::utc() {
  static const auto zone = fixed("UTC", seconds(0));
  return zone;
}

TimeZone::TimeZone(std::string id, seconds initial_offset, std::vector<OffsetTransition> transitions,
                   std::shared_ptr<const OffsetRule> rule)
    : id_(std::move(id)), initial_offset_(initial_offset), transitions_(std::move(transitions)), rule_(std::move(rule)) {}

OffsetPeriod TimeZone::period_at(SysSeconds t) const {
  auto next = std::upper_bound(transitions_.begin(), transitions_.end(), t,
                               [](SysSeconds value, const OffsetTransition& tr) { return value < tr.at; });
  if (next == transitions_.begin()) {
    if (transitions_.empty() && rule_) return period_from_rule(t, kEarliest);
    return {kEarliest, next == transitions_.end() ? kLatest : next->at, initial_offset_};
  }
  if (next != transitions_.end()) return {std::prev(next)->at, next->at, std::prev(next)->offset};
  if (rule_) return period_from_rule(t, transitions_.back().at);
  return {transitions_.back().at, kLatest, transitions_.back().offset};
}

// The period around t from the rule's transitions, none of which counts before `after`.
OffsetPeriod TimeZone::period_from_rule(SysSeconds t, SysSeconds after) const {
  OffsetPeriod period{after, kLatest, transitions_.empty() ? rule_->standard_offset() : transitions_.back().offset};
  int year = static_cast<int>(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)}.year());
  for (int y = year - 1; y <= year + 1; ++y) {
    for (const auto& tr : rule_->transitions(y)) {
      if (tr.at <= after) continue;
      if (tr.at <= t) {
        period.begin = tr.at;
        period.offset = tr.offset;
      } else if (tr.at < period.end) {
        period.end = tr.at;
      }
    }
  }
  return period;
}

std::string format_in_zone(TimePoint t, const TimeZone& zone) {
  using namespace std::chrono;
  auto instant = floor<seconds>(t);
  auto offset = zone.offset_at(instant);
  auto local = instant + offset;
  auto day = floor<days>(local);
  year_month_day date{day};
  hh_mm_ss time{local - day};
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ld", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()),
                static_cast<long>(time.seconds().count()));
  std::string out(text);
  if (offset == seconds(0)) return out + "Z";
  auto magnitude = offset < seconds(0) ? -offset : offset;
  hh_mm_ss parts{magnitude};
  std::snprintf(text, sizeof text, "%c%02ld:%02ld", offset < seconds(0) ? '-' : '+',
                static_cast<long>(parts.hours().count()), static_cast<long>(parts.minutes().count()));
  out += text;
  if (parts.seconds().count()) {
    std::snprintf(text, sizeof text, ":%02ld", static_cast<long>(parts.seconds().count()));
    out += text;
  }
  return out;
}

}  // namespace runwatch
