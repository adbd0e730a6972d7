#pragma once
// The result of evaluating an expression: a value borrowed from the variables (no copy),
// a value the evaluation made, or "undefined" with the name that was not found.
#include <string>
#include <string_view>

#include "runwatch/model/value.h"

namespace runwatch::expr {

class Operand {
 public:
  // `scoped` marks a value that lives in a template scope ({% set %}, loop variable)
  // rather than in the caller's variables, so holders across a render step copy it.
  static Operand borrowed(const Value& value, bool scoped = false) {
    Operand o;
    o.state_ = State::Borrowed;
    o.borrowed_ = &value;
    o.scoped_ = scoped;
    return o;
  }
  static Operand owned(Value value) {
    Operand o;
    o.state_ = State::Owned;
    o.owned_ = std::move(value);
    return o;
  }
  static Operand undefined(std::string missing_name, size_t offset) {
    Operand o;
    o.missing_name_ = std::move(missing_name);
    o.missing_offset_ = offset;
    return o;
  }

  bool is_undefined() const { return state_ == State::Undefined; }
  // Computed from a secret: what it holds is masked wherever it is written.
  bool is_tainted() const { return tainted_; }
  Operand& taint(bool tainted = true) {
    tainted_ = tainted_ || tainted;
    return *this;
  }
  bool is_scoped() const { return scoped_; }
  bool is_owned() const { return state_ == State::Owned; }
  // Null when undefined.
  const Value& value() const { return state_ == State::Borrowed ? *borrowed_ : owned_; }
  Value take() && { return state_ == State::Owned ? std::move(owned_) : value(); }
  const std::string& missing_name() const { return missing_name_; }
  size_t missing_offset() const { return missing_offset_; }

 private:
  enum class State { Undefined, Borrowed, Owned };
  State state_ = State::Undefined;
  bool scoped_ = false;
  bool tainted_ = false;
  const Value* borrowed_ = nullptr;
  Value owned_;
  std::string missing_name_;
  size_t missing_offset_ = 0;
};

}  // namespace runwatch::expr
