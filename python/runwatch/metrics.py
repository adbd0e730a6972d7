"""Metrics: the engine's Prometheus exposition, snapshots and history as records (and
pandas frames), user metric handles, and a fast parser for any Prometheus endpoint.

pandas is optional (`pip install runwatch[analysis]`): without it every call returns
plain lists of `Sample` records; `Records.to_pandas()` needs it.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Optional, TypeVar, Union, cast

from . import _core
from .errors import Error

if TYPE_CHECKING:
    import pandas

MetricError = _core.MetricError
PrometheusParseError = _core.PrometheusParseError
CounterHandle = _core.CounterHandle
GaugeHandle = _core.GaugeHandle
HistogramHandle = _core.HistogramHandle


_Handle = TypeVar("_Handle", CounterHandle, GaugeHandle, HistogramHandle)


class ScrapeError(Error):
    """A scrape that got no metrics: the endpoint refused, timed out, or answered non-200."""


class Sample(NamedTuple):
    """One sample as exposed: a histogram gives name_bucket (with le), name_sum, name_count."""

    name: str
    labels: dict[str, str]
    value: float
    type: str  # of its family: counter, gauge, histogram, summary or untyped
    timestamp: Optional[datetime] = None  # history: when sampled; parsed text: the sample's own


class Records(list[Sample]):
    """A list of samples that turns into a pandas DataFrame: one row per sample, labels as columns."""

    def to_pandas(self) -> "pandas.DataFrame":
        try:
            import pandas
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install 'runwatch[analysis]'") from None
        label_names = sorted({k for s in self for k in s.labels})
        fixed = ["name", "type", "value"]
        columns = (["timestamp"] if any(s.timestamp is not None for s in self) else []) + fixed
        rows = [
            ([s.timestamp] if columns[0] == "timestamp" else [])
            + [s.name, s.type, s.value]
            + [s.labels.get(k) for k in label_names]
            for s in self
        ]
        return pandas.DataFrame(rows, columns=columns + label_names)


def _records(raw: Iterable[tuple[Any, ...]]) -> Records:
    return Records(map(Sample._make, raw))


def parse_prometheus(text: str) -> Records:
    """Parses the Prometheus text format (0.0.4); PrometheusParseError names the bad line."""
    return _records(_core.parse_prometheus(text))


def scrape(url: str, timeout: float = 10.0) -> Records:
    """Fetches and parses a Prometheus endpoint (a runwatch or Kestra /prometheus, any /metrics).

    Raises ScrapeError saying why nothing came back: connection refused, timed out, or the
    HTTP status of a non-200 answer.
    """
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            if response.status != 200:
                raise ScrapeError(f"{url} answered HTTP {response.status}")
            text = response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        raise ScrapeError(f"{url} answered HTTP {e.code}") from e
    except urllib.error.URLError as e:
        raise ScrapeError(f"{url}: {_reason(e.reason)}") from e
    except (socket.timeout, TimeoutError) as e:
        raise ScrapeError(f"{url}: timed out after {timeout} s") from e
    return parse_prometheus(text)


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
        # Handles by (kind, name, tags): a labelled increment costs a dict lookup, not a registry one.
        self._handles: dict[tuple[str, str, tuple[tuple[str, str], ...]], Any] = {}

    def prometheus_text(self) -> str:
        """The exposition in the Prometheus text format 0.0.4 (what /prometheus serves)."""
        return self._core.prometheus_text()

    def snapshot(self) -> Records:
        """Every sample now, Kestra's catalog, user metrics and process metrics included."""
        return _records(self._core.snapshot())

    def history(self, name: Optional[str] = None, since: Optional[datetime] = None) -> Records:
        """The samplings of the history (every `metrics_interval` seconds of the engine's clock),
        oldest first, each sample with the time it was taken; only the metric `name` (a
        histogram's name covers its _bucket, _sum and _count) and only from `since` when given.
        """
        return _records(self._core.history(name, since))

    def counter(self, name: str, **tags: str) -> CounterHandle:
        """A counter in the engine's exposition, `name` + "_total"; `.inc(amount=1)`."""
        return self._handle("counter", name, tags, lambda: self._core.counter(name, tags))

    def gauge(self, name: str, **tags: str) -> GaugeHandle:
        """A gauge: `.set(v)`, `.inc(amount=1)`, `.dec(amount=1)`."""
        return self._handle("gauge", name, tags, lambda: self._core.gauge(name, tags))

    def histogram(self, name: str, buckets: Sequence[float] = (), **tags: str) -> HistogramHandle:
        """A histogram (buckets in seconds by default, up to an hour): `.observe(v)`."""
        return self._handle("histogram", name, tags, lambda: self._core.histogram(name, tags, list(buckets)))

    def _handle(self, kind: str, name: str, tags: dict[str, str], make: Callable[[], _Handle]) -> _Handle:
        key = (kind, name, tuple(sorted(tags.items())))
        handle = self._handles.get(key)
        if handle is None:
            handle = self._handles[key] = make()
        return cast(_Handle, handle)


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
