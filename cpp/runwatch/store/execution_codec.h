#pragma once
// An execution as the store keeps it: one JSON document with its task runs and log
// lines, instants as integer ticks of the system clock so that reading it back gives the
// execution exactly as it was written.
#include "runwatch/model/execution.h"
#include "runwatch/model/value.h"

namespace runwatch::store {

Value encode_execution(const Execution& execution);
// Throws StoreError naming the member when the document is not one encode_execution wrote.
Execution decode_execution(const Value& document);

}  // namespace runwatch::store
