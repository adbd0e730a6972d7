"""What the test recorders share: a thread-safe list of what arrived, and waiting for it."""

from __future__ import annotations

import threading
import time
from typing import Generic, TypeVar

T = TypeVar("T")


class Arrivals(Generic[T]):
    """Items recorded by a server thread while a test waits for them."""

    def __init__(self, noun: str) -> None:
        self._noun = noun  # "request(s)": how a timeout names what is missing
        self.lock = threading.Condition()
        self._items: list[T] = []

    def add(self, item: T) -> None:
        with self.lock:
            self._items.append(item)
            self.lock.notify_all()

    def all(self) -> list[T]:
        with self.lock:
            return list(self._items)

    def clear(self) -> None:
        with self.lock:
            self._items.clear()

    def wait_for(self, count: int, timeout: float) -> list[T]:
        """Waits until `count` items arrived and returns them all; TimeoutError after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self._items) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self._items)} {self._noun} received, expected {count}, after {timeout} s")
                self.lock.wait(remaining)
            return list(self._items)
