"""Checking flows before they run: `runwatch.validate`, what `runwatch validate` prints."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Optional, Union

from . import _core
from .errors import ValidationIssue

PathLike = Union[str, "os.PathLike[str]"]


class Issues(list[ValidationIssue]):
    """The issues of a validation, errors and lint warnings alike, by file, line and column.

    `checked` is how many files and texts were read; `errors` and `warnings` split the list
    by severity.
    """

    def __init__(self, issues: Iterable[ValidationIssue] = (), checked: int = 0) -> None:
        super().__init__(issues)
        self.checked = checked

    @property
    def errors(self) -> list[ValidationIssue]:
        return [issue for issue in self if issue.severity == "error"]

    @property
    def warnings(self) -> list[ValidationIssue]:
        return [issue for issue in self if issue.severity == "warning"]


def validate(paths: Optional[Union[PathLike, Iterable[PathLike]]] = None, *,
             texts: Optional[Union[str, Iterable[str]]] = None) -> Issues:
    """Checks flows as the engine would load them, without loading them anywhere.

    `paths` are flow files or folders (their *.yaml and *.yml files), `texts` flow YAML
    texts (named ``<text 1>``, ``<text 2>``... in the issues). Every file and text is
    checked, then the flows that load are linted together, so references to other flows
    and loops between them are checked too. Never raises for an invalid flow: a path
    without any flow file is an error issue of that path.
    """
    if paths is None:
        path_list: list[str] = []
    elif isinstance(paths, (str, os.PathLike)):
        path_list = [os.fspath(paths)]
    else:
        path_list = [os.fspath(path) for path in paths]
    text_list = [] if texts is None else [texts] if isinstance(texts, str) else list(texts)
    checked, issues = _core.validate(path_list, text_list)
    return Issues(issues, checked)
