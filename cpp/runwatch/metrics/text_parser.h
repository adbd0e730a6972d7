#pragma once
// A parser of the Prometheus text format 0.0.4 (what /metrics and Kestra's /prometheus
// serve): HELP and TYPE lines, escaped label values, histograms and summaries,
// timestamps, NaN and infinities.
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/metrics/sample.h"
#include "runwatch/model/error.h"

namespace runwatch::metrics {

// Malformed text, or text that is not UTF-8: the message names the line ("line 3: ...").
class ParseError : public Error {
 public:
  ParseError(int line, const std::string& message);
  int line() const { return line_; }

 private:
  int line_;
};

// Every sample, in text order. A sample's type is its family's (from its TYPE line;
// _bucket, _sum and _count samples belong to their histogram or summary), else
// "untyped".
std::vector<Sample> parse_text(std::string_view text);

}  // namespace runwatch::metrics
