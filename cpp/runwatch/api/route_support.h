#pragma once
// What the API's routes share: query parameters read and checked (400 naming the
// parameter), and the flow a path names (404 when it is not loaded).
#include <httplib.h>

#include <memory>
#include <optional>
#include <string>

#include "runwatch/model/flow.h"
#include "runwatch/model/time.h"

namespace runwatch {

class Engine;

int int_param(const httplib::Request& req, const std::string& name, int fallback, int low, int high);
std::optional<std::string> text_param(const httplib::Request& req, const char* name);
// An ISO-8601 date-time with a zone.
std::optional<TimePoint> instant_param(const httplib::Request& req, const char* name);
std::shared_ptr<const Flow> existing_flow(const Engine& engine, const std::string& ns, const std::string& id);

}  // namespace runwatch
