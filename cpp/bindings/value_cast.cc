#include "value_cast.h"

#include <chrono>

namespace runwatch::bindings {
namespace {

py::module_& datetime_module() {
  // Leaked on purpose: Python objects must not be released after the interpreter ends.
  static auto& module = *new py::module_(py::module_::import("datetime"));
  return module;
}

}  // namespace

std::string text_bytes(py::handle text) {
  if (PyBytes_Check(text.ptr())) return text.cast<std::string>();
  if (!PyUnicode_Check(text.ptr()))
    throw py::type_error("expected str or bytes, got " +
                         std::string(py::str(py::type::handle_of(text).attr("__name__"))));
  py::object encoded = py::reinterpret_steal<py::object>(PyUnicode_AsEncodedString(text.ptr(), "utf-8", "surrogatepass"));
  if (!encoded) throw py::error_already_set();
  return encoded.cast<std::string>();
}

py::object to_python(const Value& value) {
  switch (value.type()) {
    case Value::value_t::null:
      return py::none();
    case Value::value_t::boolean:
      return py::bool_(value.get<bool>());
    case Value::value_t::number_integer:
      return py::int_(value.get<long long>());
    case Value::value_t::number_unsigned:
      return py::int_(value.get<unsigned long long>());
    case Value::value_t::number_float:
      return py::float_(value.get<double>());
    case Value::value_t::string: {
      // Texts are UTF-8 past the engine's boundaries; should one slip through, Python
      // gets U+FFFD rather than a UnicodeDecodeError.
      const auto& text = value.get_ref<const std::string&>();
      return py::reinterpret_steal<py::str>(
          PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "replace"));
    }
    case Value::value_t::array: {
      py::list list;
      for (const auto& item : value) list.append(to_python(item));
      return list;
    }
    case Value::value_t::object: {
      py::dict dict;
      for (auto it = value.begin(); it != value.end(); ++it) dict[py::str(it.key())] = to_python(it.value());
      return dict;
    }
    default:
      return py::none();
  }
}

Value from_python(py::handle object) {
  if (object.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(object)) return object.cast<bool>();
  if (py::isinstance<py::int_>(object)) {
    int overflow = 0;
    long long n = PyLong_AsLongLongAndOverflow(object.ptr(), &overflow);
    if (overflow == 0) return n;
    if (overflow > 0) {
      unsigned long long u = PyLong_AsUnsignedLongLong(object.ptr());
      if (!PyErr_Occurred()) return u;
      PyErr_Clear();
    }
    PyErr_SetString(PyExc_OverflowError, "integer out of range: runwatch values are 64-bit integers");
    throw py::error_already_set();
  }
  if (py::isinstance<py::float_>(object)) return object.cast<double>();
  if (py::isinstance<py::str>(object)) return object.cast<std::string>();
  if (py::isinstance<py::dict>(object)) {
    Value out = Value::object();
    for (auto [key, item] : object.cast<py::dict>()) out[py::str(key).cast<std::string>()] = from_python(item);
    return out;
  }
  if (py::isinstance<py::list>(object) || py::isinstance<py::tuple>(object)) {
    Value out = Value::array();
    for (auto item : object) out.push_back(from_python(item));
    return out;
  }
  auto& dt = datetime_module();
  if (py::isinstance(object, dt.attr("datetime"))) return format_instant(from_datetime(object));
  if (py::isinstance(object, dt.attr("date"))) return object.attr("isoformat")().cast<std::string>();
  if (py::isinstance(object, dt.attr("timedelta"))) {
    auto micros = (object - dt.attr("timedelta")(0)).attr("__floordiv__")(dt.attr("timedelta")(0, 0, 1));
    return format_duration(std::chrono::microseconds(micros.cast<long long>()));
  }
  throw py::type_error("cannot convert a value of type " +
                       py::str(py::type::handle_of(object).attr("__name__")).cast<std::string>() +
                       " (expected None, bool, int, float, str, list, dict, datetime, date or timedelta)");
}

py::object to_datetime(TimePoint t) {
  auto& dt = datetime_module();
  static auto& epoch = *new py::object(dt.attr("datetime")(1970, 1, 1, 0, 0, 0, 0, dt.attr("timezone").attr("utc")));
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  return epoch + dt.attr("timedelta")(0, 0, micros);
}

TimePoint from_datetime(py::handle datetime) {
  auto& dt = datetime_module();
  auto aware = py::reinterpret_borrow<py::object>(datetime);
  if (datetime.attr("tzinfo").is_none()) aware = datetime.attr("replace")(py::arg("tzinfo") = dt.attr("timezone").attr("utc"));
  static auto& epoch = *new py::object(dt.attr("datetime")(1970, 1, 1, 0, 0, 0, 0, dt.attr("timezone").attr("utc")));
  py::object delta = aware - epoch;
  auto micros = delta.attr("__floordiv__")(dt.attr("timedelta")(0, 0, 1)).cast<long long>();
  return TimePoint(std::chrono::duration_cast<Duration>(std::chrono::microseconds(micros)));
}

py::object to_timedelta(Duration d) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return datetime_module().attr("timedelta")(0, 0, micros);
}

}  // namespace runwatch::bindings
