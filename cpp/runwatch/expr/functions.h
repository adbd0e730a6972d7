#pragma once
// Functions a template calls by name, `{{ now() }}`, `{{ secret('KEY') }}`: the host's
// extension point. The built-ins need no host state; the host adds its own (secret,
// errorLogs, read, render) and may replace any built-in, now() first of all.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/value.h"

namespace runwatch::expr {

class Functions {
 public:
  Functions() = default;
  // Functions not found here are looked up in `fallback`, which must outlive this.
  explicit Functions(const Functions* fallback) : fallback_(fallback) {}

  // Positional arguments, then the named ones as an object (null when there are none).
  // A function reports bad arguments by throwing runwatch::Error or std::exception.
  using Fn = std::function<Value(const std::vector<Value>& args, const Value& named_args_or_null)>;

  // Adds a function, or replaces the one of that name.
  void add(std::string name, Fn fn) { add(std::move(name), std::move(fn), false); }
  // The same for a function whose result is a secret: what a render computes from it is
  // tainted (RenderOptions::derived_secrets).
  void add_secret(std::string name, Fn fn) { add(std::move(name), std::move(fn), true); }
  const Fn* find(std::string_view name) const;
  bool reveals_secret(std::string_view name) const;

 private:
  struct Entry {
    std::string name;
    Fn fn;
    bool reveals_secret;
  };
  void add(std::string name, Fn fn, bool reveals_secret);
  const Entry* entry(std::string_view name) const;
  std::vector<Entry> functions_;
  const Functions* fallback_ = nullptr;
};

// A function's argument at `index`, or the one named `name`, or nullptr.
const Value* function_argument(const std::vector<Value>& args, const Value& named, size_t index, const char* name);

// now() as Kestra writes it: the clock's instant formatted with the named arguments
// format (default "iso") and timeZone (default UTC).
Functions::Fn now_function(std::function<std::chrono::system_clock::time_point()> clock);

// now() on the system clock, fromJson()/json(), range(), max(), min().
Functions builtin_functions();

}  // namespace runwatch::expr
