"""Metrics: the engine's Prometheus exposition, snapshots and history as records (and
pandas frames), user metric handles, and a fast parser for any Prometheus endpoint.

pandas is optional (`pip install runwatch[analysis]`): without it every call returns
sequences of `Sample` records; `Records.to_pandas()` needs it.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, Optional, Union

from . import _core
from .errors import Error
from .records import Records

MetricError = _core.MetricError
PrometheusParseError = _core.PrometheusParseError
CounterHandle = _core.CounterHandle
GaugeHandle = _core.GaugeHandle
HistogramHandle = _core.HistogramHandle


class ScrapeError(Error):
    """A scrape that got no metrics: the endpoint refused, timed out, or answered non-200."""


class Sample(NamedTuple):
    """One sample as exposed: a histogram gives name_bucket (with le), name_sum, name_count."""

    name: str
    labels: dict[str, str]
    value: float
    type: str  # of its family: counter, gauge, histogram, summary or untyped
    timestamp: Optional[datetime] = None  # history: when sampled; parsed text: the sample's own


def _sample_records(columns: _core._SampleColumns) -> Records[Sample]:
    """Samples as the engine hands them over, in columns (labels as columns of their own)."""
    names, types, values, timestamps, labels = columns
    fields: dict[str, list[Any]] = {} if timestamps is None else {"timestamp": timestamps}
    fields.update(name=names, type=types, value=values)
    return Records(fields, labels, _sample)


def _sample(fields: dict[str, Any], labels: dict[str, Any]) -> Sample:
    return Sample(fields["name"], labels, fields["value"], fields["type"], fields.get("timestamp"))


def parse_prometheus(text: Union[str, bytes]) -> Records[Sample]:
    """Parses the Prometheus text format (0.0.4), as text or as its UTF-8 bytes.

    PrometheusParseError names the bad line, bytes that are not UTF-8 included.
    """
    return _sample_records(_core.parse_prometheus(text))


def scrape(url: str, timeout: float = 10.0) -> Records[Sample]:
    """Fetches and parses a Prometheus endpoint (a runwatch or Kestra /prometheus, any /metrics).

    Raises ScrapeError saying why nothing came back: connection refused, timed out, or the
    HTTP status of a non-200 answer.
    """
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            if response.status != 200:
                raise ScrapeError(f"{url} answered HTTP {response.status}")
            body = response.read()
    except urllib.error.HTTPError as e:
        raise ScrapeError(f"{url} answered HTTP {e.code}") from e
    except urllib.error.URLError as e:
        raise ScrapeError(f"{url}: {_reason(e.reason)}") from e
    except (socket.timeout, TimeoutError) as e:
        raise ScrapeError(f"{url}: timed out after {timeout} s") from e
    return parse_prometheus(body)


def _reason(reason: Union[str, BaseException]) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "timed out"
    return str(reason)


class Metrics:
    """`engine.metrics`: the engine's metrics registry (Kestra's catalog, user metrics)."""

    def __init__(self, core: _core.Metrics) -> None:
        self._core = core
        # Handles by (kind, name, *tag items in the caller's order): a labelled increment costs
        # one dict lookup. Another order of the same tags is another key for the same series.
        self._handles: dict[tuple[Any, ...], Any] = {}

    def prometheus_text(self) -> str:
        """The exposition in the Prometheus text format 0.0.4 (what /prometheus serves)."""
        return self._core.prometheus_text()

    def snapshot(self) -> Records[Sample]:
        """Every sample now, Kestra's catalog, user metrics and process metrics included."""
        return _sample_records(self._core.snapshot())

    def history(self, name: Optional[str] = None, since: Optional[datetime] = None) -> Records[Sample]:
        """The samplings of the history (every `metrics_interval` seconds of the engine's clock),
        oldest first, each sample with the time it was taken; only the metric `name` (a
        histogram's name covers its _bucket, _sum and _count) and only from `since` when given.
        """
        return _sample_records(self._core.history(name, since))

    def counter(self, name: str, **tags: str) -> CounterHandle:
        """A counter in the engine's exposition, `name` + "_total"; `.inc(amount=1)`."""
        key = ("counter", name, *tags.items())
        handle: Optional[CounterHandle] = self._handles.get(key)
        if handle is None:
            handle = self._handles[key] = self._core.counter(name, tags)
        return handle

    def gauge(self, name: str, **tags: str) -> GaugeHandle:
        """A gauge: `.set(v)`, `.inc(amount=1)`, `.dec(amount=1)`."""
        key = ("gauge", name, *tags.items())
        handle: Optional[GaugeHandle] = self._handles.get(key)
        if handle is None:
            handle = self._handles[key] = self._core.gauge(name, tags)
        return handle

    def histogram(self, name: str, buckets: Sequence[float] = (), **tags: str) -> HistogramHandle:
        """A histogram (buckets in seconds by default, up to an hour): `.observe(v)`."""
        key = ("histogram", name, *tags.items())
        handle: Optional[HistogramHandle] = self._handles.get(key)
        if handle is None:
            handle = self._handles[key] = self._core.histogram(name, tags, list(buckets))
        return handle


__all__ = [
    "CounterHandle",
    "GaugeHandle",
    "HistogramHandle",
    "MetricError",
    "Metrics",
    "PrometheusParseError",
    "Records",
    "Sample",
    "ScrapeError",
    "parse_prometheus",
    "scrape",
]
