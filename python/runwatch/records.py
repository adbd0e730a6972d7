"""Records: typed rows held in columns, one step from a pandas DataFrame.

The engine hands over its metric samples, alerts and alert history this way: a sequence of
typed rows (a `Sample`, an `Alert`, an `AlertEvent`) for code that loops, and `to_pandas()`
(one row per record) for analysis. pandas is optional (`pip install runwatch[analysis]`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar, Union, overload

if TYPE_CHECKING:
    import pandas

RowT = TypeVar("RowT")


class Records(Sequence[RowT], Generic[RowT]):
    """Rows in columns: `fields` (each a column, in order) and `labels` (open-ended
    columns, None where a row has no such label), which `row` turns into one typed row.
    In a DataFrame, the fields come first, then one column per label.
    """

    def __init__(self, fields: Mapping[str, list[Any]], labels: Mapping[str, list[Any]],
                 row: Callable[[dict[str, Any], dict[str, Any]], RowT]) -> None:
        self._fields = dict(fields)
        self._labels = dict(labels)
        self._row = row
        self._size = len(next(iter(self._fields.values()), []))

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[dict[str, Any], dict[str, Any]]], field_names: Sequence[str],
                  row: Callable[[dict[str, Any], dict[str, Any]], RowT]) -> Records[RowT]:
        """Columns from (fields, labels) pairs: every row gives every field."""
        fields: dict[str, list[Any]] = {name: [] for name in field_names}
        labels: dict[str, list[Any]] = {}
        for size, (values, row_labels) in enumerate(rows):
            for name in field_names:
                fields[name].append(values[name])
            for name in row_labels.keys() - labels.keys():
                labels[name] = [None] * size
            for name, column in labels.items():
                column.append(row_labels.get(name))
        return cls(fields, labels, row)

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> RowT: ...

    @overload
    def __getitem__(self, index: slice) -> Records[RowT]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[RowT, Records[RowT]]:
        if isinstance(index, slice):
            return Records({k: column[index] for k, column in self._fields.items()},
                           {k: column[index] for k, column in self._labels.items()}, self._row)
        fields = {k: column[index] for k, column in self._fields.items()}
        labels = {k: v for k, column in self._labels.items() if (v := column[index]) is not None}
        return self._row(fields, labels)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __repr__(self) -> str:
        return f"Records({list(self)!r})"

    def to_pandas(self) -> pandas.DataFrame:
        try:
            import pandas
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install 'runwatch[analysis]'") from None
        data = {**self._fields, **self._labels}
        return pandas.DataFrame(data, columns=list(data))
