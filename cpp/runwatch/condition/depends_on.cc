// Kestra 2.0's Flow trigger (io.kestra.plugin.core.trigger.Flow): `dependsOn` entries
// (Flow.Dependency), of which `mode` says how many must be met within `window`: ALL
// (the default), ANY, or AT_LEAST `minSatisfied`. Each entry is named in the window's
// state by a hash of its content, as Kestra keys it, so that reordering the entries
// keeps what the window has counted.
#include <cinttypes>
#include <cstdio>
#include <map>

#include "runwatch/condition/upstream_flow.h"
#include "runwatch/condition/windowed_conditions.h"

namespace runwatch {
namespace {

// FNV-1a, 64 bits: the same name on every platform and run.
std::string content_hash(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016" PRIx64, hash);
  return hex;
}

std::vector<WindowedConditions::Named> read_entries(PropertyReader& reader, const std::string& trigger_path) {
  std::vector<WindowedConditions::Named> out;
  std::map<std::string, std::string> first_path;  // by content
  reader.each_item("dependsOn", false, [&](PropertyReader& item, size_t) {
    auto entry = read_upstream_flow(item, UpstreamKeys::DependsOn, trigger_path);
    if (!entry) return;
    auto [first, fresh] = first_path.emplace(entry->canonical_text(), item.path());
    if (!fresh) {
      // Kestra fails on such a trigger at run time (two entries under one key).
      item.problem("", "the same dependency as " + first->second + ": each entry of `dependsOn` must differ");
      return;
    }
    out.push_back({content_hash(entry->canonical_text()), std::move(entry)});
  });
  return out;
}

// Kestra's `mode` and `minSatisfied` with FlowTriggerValidator's messages.
Quorum read_quorum(PropertyReader& reader, size_t entries) {
  Quorum out;
  const Value& mode = reader.value("mode");
  if (mode == "ANY") out.mode = Quorum::Mode::Any;
  if (mode == "AT_LEAST") out.mode = Quorum::Mode::AtLeast;
  const Value& min = reader.value("minSatisfied");
  if (min.is_null()) {
    if (out.mode == Quorum::Mode::AtLeast) reader.problem("mode", "`minSatisfied` must be set when mode is AT_LEAST");
    return out;
  }
  auto value = min.is_number_integer() ? min.get<std::int64_t>() : 0;
  if (value < 1)
    reader.problem("minSatisfied", "`minSatisfied` must be greater than 0");
  else if (static_cast<std::uint64_t>(value) > entries)
    reader.problem("minSatisfied", "`minSatisfied` must be lower than or equal to the number of `dependsOn`");
  else
    out.min_satisfied = static_cast<size_t>(value);
  return out;
}

}  // namespace

std::optional<WindowedConditions> read_depends_on(const Value& properties, const std::string& trigger_id,
                                                  const std::string& trigger_path,
                                                  std::vector<PropertyProblem>& problems) {
  auto problems_before = problems.size();
  PropertyReader reader(properties, "", problems);
  auto entries = read_entries(reader, trigger_path);
  const Value& listed = reader.value("dependsOn");
  auto quorum = read_quorum(reader, listed.is_array() ? listed.size() : 0);
  TimeWindow window;
  if (reader.has("window")) {
    PropertyReader window_reader(reader.value("window"), "window", problems);
    window = TimeWindow::read_window(window_reader);
  }
  if (problems.size() != problems_before || entries.empty()) return std::nullopt;
  // Kestra 2.0 always starts the window afresh once the trigger fires.
  return WindowedConditions("depends_on_" + trigger_id, std::move(entries), window, true, quorum);
}

}  // namespace runwatch
