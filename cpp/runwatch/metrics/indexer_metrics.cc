#include "runwatch/metrics/indexer_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include "runwatch/metrics/worker_metrics.h"

namespace runwatch::metrics {

IndexerMetrics::IndexerMetrics(const Catalog* catalog) {
  if (!catalog) return;
  count_ = &catalog->indexer_count.with({});
  duration_ = &catalog->indexer_duration.with({});
  request_count_ = &catalog->indexer_request_count.with({});
  request_duration_ = &catalog->indexer_request_duration.with({});
}

void IndexerMetrics::batch_written(std::size_t records, Duration write, Duration since_received) const {
  if (!count_) return;
  count_->Increment(static_cast<double>(records));
  duration_->Observe(seconds(write));
  request_count_->Increment();
  request_duration_->Observe(seconds(since_received));
}

}  // namespace runwatch::metrics
