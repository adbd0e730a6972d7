#pragma once
// Conversions between runwatch values and times and their Python counterparts.
#include <pybind11/pybind11.h>

#include "runwatch/model/time.h"
#include "runwatch/model/value.h"

namespace runwatch::bindings {

namespace py = pybind11;

py::object to_python(const Value& value);
// Accepts None, bool, int, float, str, dict, list, tuple, datetime, date, timedelta;
// raises TypeError naming the type otherwise.
Value from_python(py::handle object);

// The bytes of a str (lone surrogates kept as their invalid UTF-8 bytes, for the C++
// side to refuse with a position) or of bytes; TypeError for anything else.
std::string text_bytes(py::handle text);

py::object to_datetime(TimePoint t);  // timezone-aware, UTC
TimePoint from_datetime(py::handle datetime);
py::object to_timedelta(Duration d);

}  // namespace runwatch::bindings
