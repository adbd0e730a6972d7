#include "runwatch/net/retry_after.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <string>

namespace runwatch {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::optional<Duration> delay_seconds(std::string_view text) {
  if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), ::isdigit)) return std::nullopt;
  return std::chrono::seconds(std::stol(std::string(text)));
}

std::optional<TimePoint> http_date(std::string_view text) {
  // IMF-fixdate first (what servers must send), then the two obsolete forms.
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %d %H:%M:%S %Y"}) {
    std::tm tm{};
    std::istringstream in{std::string(text)};
    in.imbue(std::locale::classic());
    in >> std::get_time(&tm, format);
    if (in.fail()) continue;
    in >> std::ws;
    if (!in.eof()) continue;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
  }
  return std::nullopt;
}

}  // namespace

std::optional<Duration> parse_retry_after(std::string_view value, TimePoint now) {
  value = trimmed(value);
  if (auto seconds = delay_seconds(value)) return seconds;
  if (auto date = http_date(value)) return std::max(Duration::zero(), std::chrono::duration_cast<Duration>(*date - now));
  return std::nullopt;
}

}  // namespace runwatch
