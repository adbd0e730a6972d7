#pragma once
// The Alert triggers' and the silences' metrics. Not a hot path (once per batch of
// executions, notification or exposition): each series is looked up in its family.
#include <string>

#include "runwatch/metrics/catalog.h"

namespace runwatch::metrics {

// alerts{state}: how many alerts are pending, firing and resolved (until notified).
void set_alert_counts(const Catalog* catalog, size_t pending, size_t firing, size_t resolved);
// alert.notifications{reason, outcome}.
void alert_notification(const Catalog* catalog, const std::string& reason, const std::string& outcome);
// silences{state}.
void set_silence_counts(const Catalog* catalog, size_t pending, size_t active, size_t expired);

}  // namespace runwatch::metrics
