"""runwatch's exceptions: one hierarchy, mapped one-to-one from the C++ engine's."""

from __future__ import annotations

from ._core import ConfigError, Error, FlowValidationError, InputError, NotFoundError, ValidationIssue


class ExecutionTimeout(Error, TimeoutError):
    """An execution was still running when the wait ran out; `.execution` is its latest state."""

    def __init__(self, message: str, execution: object) -> None:
        super().__init__(message)
        self.execution = execution


__all__ = ["ConfigError", "Error", "ExecutionTimeout", "FlowValidationError", "InputError", "NotFoundError", "ValidationIssue"]
