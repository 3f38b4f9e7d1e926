"""What Dask and Spark share: the declared result schema and the evaluation of one partition.

A cluster needs the result's types before it has seen the data (Dask's ``meta``, Spark's
declared schema), while :func:`ragstatus.evaluate_frame` gives each decimal column the largest
scale among its values. :func:`result_schema` therefore fixes every decimal column at
``decimal128(38, s)`` with ``s`` the largest scale the column can hold given the definitions and
the input's types (:func:`decimal_scales`), and :func:`evaluate_table` casts each partition's
result to it. A value that does not fit the declared type (more digits before the point than
``38 - s``, or more after it than ``s``) turns its row into an error row naming the row and the
column: it is never rounded or nulled silently.

Rows are identified across the cluster by a row-id column added before the shuffle: the
result's ``row`` is the input row's position in the whole frame (or the caller's own id column),
and the messages of error rows name that row, as ``evaluate_frame`` does for one frame.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Optional, Union

from ragstatus._ragstatus import Definitions, InvalidValueError, Period
from ragstatus._frames import aligned
from ragstatus.frame import DefinitionsLike, _definitions, _name, _names, evaluate_frame

#: The decimal columns of the result.
DECIMAL_COLUMNS = ("actual", "target", "target_high", "stretch", "shortfall", "tolerance_amount")

#: The largest scale of the core's decimals; a quotient (a fraction, a mean, an even profile, a
#: relative tolerance) can use all of it.
MAX_SCALE = 28

#: The name of the row-id column carried through the shuffle.
ROW_ID = "__ragstatus_row"

# A row named in a message (the row itself, or the other copy of a duplicate).
_ROW = re.compile(r"\brow\[(\d+)\]")

# Columns emptied when a value does not fit: an error row has no status, numbers or sentence.
_CLEARED = (
    "measured",
    *DECIMAL_COLUMNS,
    "status",
    "computed_status",
    "direction",
    "direction_previous",
    "direction_year_ago",
    "explanation",
)


def keys_of(by: Union[str, Sequence[str]]) -> list[str]:
    """The key columns; a cluster needs at least one to split the frame by."""
    keys = _names(by, "by")
    if not keys:
        raise InvalidValueError(
            "by: [] is not valid; expected at least one key column (organisation, area, ...): "
            "the frame is split by key across the cluster, and without keys it is one group "
            "(use ragstatus.evaluate_frame)"
        )
    return keys


def split_key_error(key: Mapping[str, Any], partitions: Sequence[int], count: int, remedy: str) -> InvalidValueError:
    """The error of ``partitioned=True`` on a frame whose ``key`` has rows in several
    ``partitions`` (``count`` keys split so); ``remedy`` says how to write the files instead."""
    named = ", ".join(f"{k}={v!r}" for k, v in key.items())
    return InvalidValueError(
        f"partitioned=True, but the rows of {named} are in partitions "
        f"{', '.join(map(str, partitions))} ({count} key(s) split so); expected each key's rows "
        f"in one partition: {remedy}"
    )


def definitions_text(definitions: DefinitionsLike) -> str:
    """The definitions as JSON text: what is shipped once to each worker."""
    return _definitions(definitions).to_json()


@lru_cache(maxsize=8)
def definitions_from_text(text: str) -> Definitions:
    """The definitions a worker reads once and keeps for every partition it evaluates."""
    return Definitions.from_json(text)


def _scale_of(text: str) -> int:
    try:
        exponent = Decimal(text).as_tuple().exponent
    except (InvalidOperation, ValueError):
        return 0
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _walk(node: Any, out: list[int]) -> None:
    if isinstance(node, Mapping):
        for v in node.values():
            _walk(v, out)
    elif isinstance(node, (list, tuple)):
        for v in node:
            _walk(v, out)
    elif isinstance(node, (str, Decimal)):
        out.append(_scale_of(str(node)))


def _input_scale(t: Any) -> int:
    import pyarrow as pa

    if pa.types.is_decimal(t):
        return min(int(t.scale), MAX_SCALE)
    if pa.types.is_integer(t) or pa.types.is_boolean(t):
        return 0
    # Floats (the shortest repr of a float can have up to 17 significant digits at any
    # exponent), text, and columns of unknown type: any scale the core can read.
    return MAX_SCALE


def decimal_scales(
    definitions: DefinitionsLike,
    input_schema: Any,
    *,
    value: str = "value",
    numerator: str = "numerator",
    denominator: str = "denominator",
) -> dict[str, int]:
    """The scale of each decimal column of the result: the largest its values can have.

    - ``actual``: the largest rounding scale when every indicator has a rounding rule; otherwise
      the input's (a ``decimal(p, s)`` value column: ``s``; integers: 0; floats and text: 28),
      and 28 when values can come from a quotient (``numerator`` and ``denominator`` columns,
      ``mean`` or ``ratio`` aggregation).
    - ``target``, ``target_high``, ``stretch``: the largest scale written in the definitions;
      28 when an annual target is profiled over periods.
    - ``tolerance_amount``: the definitions' scale; 28 with a relative tolerance.
    - ``shortfall``: the largest of ``actual``'s and the targets'.
    """
    spec = _definitions(definitions).to_dict()
    indicators = [i for i in spec.get("indicator", []) if isinstance(i, Mapping)]
    written: list[int] = [0]
    _walk(spec, written)
    defined = min(max(written), MAX_SCALE)

    names = set(input_schema.names)
    actual = _input_scale(input_schema.field(value).type) if value in names else 0
    if numerator in names or denominator in names:
        actual = MAX_SCALE
    if any(i.get("aggregation") in ("mean", "ratio") for i in indicators):
        actual = MAX_SCALE
    roundings = [i.get("rounding") for i in indicators]
    if indicators and all(isinstance(r, Mapping) for r in roundings):
        actual = max(int(r.get("decimals", 0)) for r in roundings if isinstance(r, Mapping))

    profiled = any(
        isinstance(t, Mapping) and "annual" in t
        for i in indicators
        for t in (i.get("target") or [])
    )
    target = MAX_SCALE if profiled else defined
    relative = any(
        isinstance(i.get("tolerance"), Mapping) and "relative" in i["tolerance"] for i in indicators
    )
    tolerance = MAX_SCALE if relative else defined
    return {
        "actual": min(actual, MAX_SCALE),
        "target": target,
        "target_high": target,
        "stretch": target,
        "shortfall": min(max(actual, target), MAX_SCALE),
        "tolerance_amount": tolerance,
    }


def result_schema(
    definitions: DefinitionsLike,
    input_schema: Any,
    by: Union[str, Sequence[str]],
    *,
    value: str = "value",
    numerator: str = "numerator",
    denominator: str = "denominator",
    selected: Optional[Sequence[str]] = None,
    **columns: str,
) -> Any:
    """The Arrow schema of the result of evaluating frames of ``input_schema``: the key columns
    (their input types) and :data:`ragstatus.frame.RESULT_COLUMNS`, or the output columns
    ``selected`` in that order, the decimal columns at the scales of :func:`decimal_scales`.

    The types come from evaluating an empty frame of the input's schema with
    :func:`ragstatus.evaluate_frame`, the one implementation of frame evaluation (which also
    checks ``selected``: an unknown or repeated name is a :class:`~ragstatus.ParseError` here, on
    the driver, before any partition is read).
    """
    import pyarrow as pa

    # An empty pandas object column has no Arrow type; its cells are read as text.
    schema = pa.schema(
        [
            pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f
            for f in input_schema
            if f.name != ROW_ID
        ]
    )
    empty: Any = evaluate_frame(
        schema.empty_table(),
        definitions,
        by=_names(by, "by"),
        value=value,
        numerator=numerator,
        denominator=denominator,
        explain=True,
        columns=None if selected is None else list(selected),
        **columns,
    )
    scales = decimal_scales(
        definitions, input_schema, value=value, numerator=numerator, denominator=denominator
    )
    fields: list[Any] = []
    for f in empty.schema:
        if f.name in scales:
            f = pa.field(f.name, pa.decimal128(38, scales[f.name]))
        fields.append(f)
    return pa.schema(fields)


def _misfit(v: Decimal, scale: int) -> bool:
    exponent = v.normalize().as_tuple().exponent
    after = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return after > scale or abs(v) >= Decimal(10) ** (38 - scale)


def _fit(table: Any, schema: Any) -> Any:
    """The table's columns of ``schema``, cast to it; rows whose numbers do not fit become error
    rows. ``table`` holds ``row`` and ``error`` besides (the rows are named by them); a decimal
    column that is not in ``schema`` is not written, so it cannot make an error row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    bad: dict[int, str] = {}
    for name in (n for n in DECIMAL_COLUMNS if n in schema.names):
        column = table.column(name)
        target = schema.field(name).type
        try:
            column.cast(target, safe=True)
            continue
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        rows = table.column("row").to_pylist()
        for i, v in enumerate(column.to_pylist()):
            if v is not None and i not in bad and _misfit(v, target.scale):
                where = "" if rows[i] is None else f", field row[{rows[i]}]"
                bad[i] = (
                    f"column {name}{where}: \"{v}\" is not valid; expected a number of at most "
                    f"{38 - target.scale} digits before the point and {target.scale} after it, "
                    f"to fit the column's declared decimal128(38, {target.scale})"
                )
    if bad:
        mask = pa.array([i in bad for i in range(table.num_rows)])
        arrays = []
        for name in table.column_names:
            column = table.column(name)
            if name in _CLEARED:
                column = pc.if_else(mask, pa.scalar(None, column.type), column)
            elif name == "error":
                column = pa.array([bad.get(i, e) for i, e in enumerate(column.to_pylist())], pa.string())
            elif name == "error_kind":
                column = pa.array(
                    ["InvalidValue" if i in bad else e for i, e in enumerate(column.to_pylist())],
                    pa.string(),
                )
            arrays.append(column)
        table = pa.table(arrays, names=table.column_names)
    return table.select(schema.names).cast(schema)


def evaluate_table(
    table: Any,
    definitions: Definitions,
    period: Union[Period, str, None],
    by: list[str],
    schema: Any,
    columns: Mapping[str, str],
    explain: bool = True,
    selected: Optional[Sequence[str]] = None,
) -> Any:
    """Evaluates one partition (a ``pyarrow.Table`` holding whole keys and the row-id column)
    and returns its result as a ``pyarrow.Table`` of ``schema``: every output column, or those
    ``selected``.

    ``row`` becomes the row id, and an error message's ``row[i]`` (the row's position in the
    partition) the same id, so that a row is named the same way wherever it was evaluated.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = table.column(ROW_ID).combine_chunks()
    data = aligned(table.drop_columns([ROW_ID]))
    # ``row`` and ``error`` are read below (the row ids, a value that does not fit) even when
    # they are not asked for.
    wanted = None if selected is None else [*selected, *(c for c in ("row", "error") if c not in selected)]
    out: Any = evaluate_frame(data, definitions, period, by=by, explain=explain, columns=wanted, **columns)
    local = out.column("row")
    global_row = pc.take(ids, local).cast(pa.uint64())
    named = ids.to_pylist()

    def rename(m: re.Match[str]) -> str:
        k = int(m.group(1))
        return f"row[{named[k]}]" if k < len(named) else m.group(0)

    errors = [None if e is None else _ROW.sub(rename, e) for e in out.column("error").to_pylist()]
    out = out.set_column(out.schema.get_field_index("row"), "row", global_row)
    out = out.set_column(out.schema.get_field_index("error"), "error", pa.array(errors, pa.string()))
    return _fit(out, schema)


def frame_columns(
    *,
    indicator: str,
    value: str,
    numerator: str,
    denominator: str,
    period_column: str,
    provisional: str,
    note: str,
) -> dict[str, str]:
    """The column-name keywords of ``evaluate_frame``, checked."""
    return {
        "indicator": _name(indicator, "indicator"),
        "value": _name(value, "value"),
        "numerator": _name(numerator, "numerator"),
        "denominator": _name(denominator, "denominator"),
        "period_column": _name(period_column, "period_column"),
        "provisional": _name(provisional, "provisional"),
        "note": _name(note, "note"),
    }


def period_label(period: Union[Period, str, None]) -> Optional[str]:
    """The period as its label: a text ships to workers as it is."""
    if period is None or isinstance(period, str):
        return period
    return period.label


@dataclass(frozen=True)
class Plan:
    """What every partition's evaluation needs besides the definitions, fixed on the driver: the
    key columns, the column-name keywords of ``evaluate_frame``, the declared result schema and
    the period's label, whether to write the explanations, and the output columns asked for
    (``None``: all). Small, so it can travel with every task; the definitions travel once, as
    :func:`definitions_text`, by the cluster's own means (a graph task, a broadcast)."""

    keys: list[str]
    columns: dict[str, str]
    schema: Any
    period: Optional[str]
    explain: bool = True
    selected: Optional[list[str]] = None

    def evaluate(self, table: Any, definitions: Definitions) -> Any:
        """Evaluates one partition's ``pyarrow.Table`` (see :func:`evaluate_table`)."""
        return evaluate_table(
            table, definitions, self.period, self.keys, self.schema, self.columns, self.explain, self.selected
        )


def plan(
    definitions: DefinitionsLike,
    input_schema: Any,
    by: Union[str, Sequence[str]],
    period: Union[Period, str, None],
    columns: Mapping[str, str],
    explain: bool = True,
    selected: Union[str, Sequence[str], None] = None,
) -> Plan:
    """Checks the arguments of a cluster evaluation and fixes its :class:`Plan`. ``columns``
    holds the column-name keywords (``indicator``, ``value``, ..., ``note``) as the caller got
    them; ``input_schema`` is the Arrow schema of the frame as the partitions will see it;
    ``selected`` the output columns asked for (``evaluate_frame``'s ``columns=``)."""
    keys = keys_of(by)
    checked = frame_columns(**columns)
    output = None if selected is None else _names(selected, "columns")
    names = {k: v for k, v in checked.items() if k not in ("value", "numerator", "denominator")}
    schema = result_schema(
        definitions,
        input_schema,
        keys,
        value=checked["value"],
        numerator=checked["numerator"],
        denominator=checked["denominator"],
        selected=output,
        **names,
    )
    return Plan(keys, checked, schema, period_label(period), bool(explain), output)
