#pragma once
// The TZif binary format of the IANA time zone database (RFC 8536), versions 1 to 4.
#include <memory>
#include <string>
#include <string_view>

#include "runwatch/trigger/time_zone.h"

namespace runwatch {

// The zone described by the bytes of a TZif file. Throws Error when they are not one.
std::shared_ptr<const TimeZone> read_tzif(std::string id, std::string_view bytes);

}  // namespace runwatch
