#pragma once
// What the indexer records: indexer.* metrics, one series each without tags, looked up
// once (with a repository in memory every change published is a write).
#include <cstddef>

#include "runwatch/metrics/catalog.h"
#include "runwatch/model/time.h"

namespace runwatch::metrics {

class IndexerMetrics {
 public:
  // Null catalog: metrics off, every call does nothing.
  explicit IndexerMetrics(const Catalog* catalog);
  // One batch of `records` executions and states written: the write took `write`, and
  // `since_received` passed since the batch was handed to the indexer.
  void batch_written(std::size_t records, Duration write, Duration since_received) const;

 private:
  prometheus::Counter* count_ = nullptr;
  prometheus::Histogram* duration_ = nullptr;
  prometheus::Counter* request_count_ = nullptr;
  prometheus::Histogram* request_duration_ = nullptr;
};

}  // namespace runwatch::metrics
