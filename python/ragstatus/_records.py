"""The base of the statistics result classes (``ragstatus.groupstats``, ``ragstatus.funnel``):
frozen dataclasses that still read as the dicts those functions returned before.

Attribute access gives the typed values (tuples of nested results); item access, iteration,
``dict(result)`` and ``==`` with a dict give the plain form (lists of dicts), so that code
written against the dicts keeps working. ``to_dict()`` gives the plain form at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


class Record(Mapping[str, Any]):
    """A frozen result that reads as its dict too: ``result.centre`` and ``result["centre"]``."""

    __slots__ = ()

    def _names(self) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(self))  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data: nested results as dicts, sequences as lists."""
        return {name: _plain(getattr(self, name)) for name in self._names()}

    def __getitem__(self, key: str) -> Any:
        if isinstance(key, str) and key in self._names():
            return _plain(getattr(self, key))
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record):
            return type(other) is type(self) and self.to_dict() == other.to_dict()
        if isinstance(other, Mapping):
            return self.to_dict() == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((type(self), *(getattr(self, name) for name in self._names())))
