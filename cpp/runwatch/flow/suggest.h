#pragma once
// "Did you mean": the known names closest to a misspelt one.
#include <string>
#include <string_view>
#include <vector>

namespace runwatch {

// Edits from `a` to `b`, a swap of two neighbouring letters counting one; case is ignored.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidates nearest to `name` (at most `limit`, best first), or none when nothing is
// close. Dotted names are compared by their last segment (the class name), a different
// package counting as one more edit, so `...core.log.Logg` finds `...core.log.Log` and
// `...core.flow.Log` finds it too.
std::vector<std::string> closest_names(std::string_view name, const std::vector<std::string>& candidates,
                                       size_t limit = 3);

// What comes before the last dot of a dotted name ("io.kestra.core.log" of
// "io.kestra.core.log.Log"); empty without a dot.
std::string_view package_of(std::string_view name);

// "; did you mean a, b?" or "" when there is nothing to suggest.
std::string did_you_mean(const std::vector<std::string>& suggestions);

}  // namespace runwatch
