#pragma once
// Pebble's value semantics on JSON values: how values print, compare, add up and
// decide an `if`. Failures throw std::invalid_argument with a user-facing message.
#include <cstdint>
#include <string>
#include <string_view>

#include "runwatch/model/value.h"

namespace runwatch::expr {

// Java's Double.toString: "0.5", "1.0", "1.0E7", "1.0E-4".
std::string java_double(double d);

// What `{{ value }}` writes: strings as they are, numbers as Java prints them, null as
// nothing, lists and maps as Kestra's JSON.
void append_printed(std::string& out, const Value& value);
// Appends `text` escaped as the inside of a JSON string literal, as Jackson writes it.
void append_json_escaped(std::string& out, std::string_view text);
std::string printed(const Value& value);

// Java's String.valueOf(value): null is "null", maps "{a=1, b=[2, 3]}".
std::string java_string(const Value& value);

// Kestra's JSON mapper: compact, Java number forms, map entries with null values left
// out unless include_nulls.
std::string to_json(const Value& value, bool include_nulls = false);

// Pebble's == : numbers by value whatever their type, everything else structurally.
bool loosely_equal(const Value& a, const Value& b);

// Orders two numbers or two strings; anything else throws.
int compare(const Value& a, const Value& b);

enum class Arithmetic { Add, Subtract, Multiply, Divide, Modulus };
// Java's binary numeric promotion: long op long stays long (division truncates), a
// double makes a double. Add concatenates when either side is a string and appends to a
// list on the left.
Value arithmetic(Arithmetic op, const Value& a, const Value& b);
Value negate(const Value& a);

// Throws std::length_error when a string is past kMaxTextBytes or a list or map past
// kMaxCollectionSize (its top level: nested values were checked when they were built).
void check_size(const Value& value, std::string_view what);

// start, start + step, ... up to end included (empty when step points away from end);
// no overflow near the int64 ends; past kMaxCollectionSize elements, std::length_error.
Value integer_range(std::int64_t start, std::int64_t end, std::int64_t step);

// The truth of a condition (if, and, or, not): booleans, numbers (non-zero), strings
// (non-empty). `where` names the construct in the error for null or a list or map.
bool condition_truth(const Value& value, const char* where);

}  // namespace runwatch::expr
