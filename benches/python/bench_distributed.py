"""The national frame on one process, on Dask (2 worker processes) and on Spark (local[2]).

The frame is bench_frame.py's: organisations x 200 indicators x 12 quarters, half of the
indicators given as numerator and denominator, 1% of the rows without a value (300
organisations: 720,000 rows). It is written once as Parquet (8 files), and every method starts
from those files, so each pays for reading its input:

- ``single``: ``pd.read_parquet`` + ``rs.evaluate_frame(df, defs, by="organisation")``;
- ``dask``: ``ragstatus.dask.evaluate`` on a ``LocalCluster(n_workers=2, threads_per_worker=1,
  processes=True)``, evaluated on the workers (``.map_partitions(len)``: nothing comes back but
  the row counts), then collected to the driver (``.compute()``); once shuffled by key (the
  default) and once with ``partitioned=True`` (the files hold whole organisations, so the
  shuffle is left out after a check of the key column);
- ``spark``: ``ragstatus.spark.evaluate`` (``groupBy().applyInArrow``) on ``local[2]``,
  evaluated on the executors (a ``noop`` write) and collected (``toArrow()``); with
  ``partitioned=True`` (each file, holding whole organisations, is read whole into one
  partition and evaluated in one ``mapInArrow`` call); and with ``applyInPandas`` in place of
  ``applyInArrow``, for the comparison.

For each: wall time (best of ``--repeat``), rows/s, and the peak resident memory of the driver
and of each worker process (sampled every 0.1 s from ``/proc``; Spark's JVM and Python workers,
Dask's worker processes). The CPU model and load average are printed with the figures: the
machine may be shared.

Run (after a release build of the extension, see benches/README.md):

    python benches/python/bench_distributed.py
    python benches/python/bench_distributed.py --orgs 4200 --repeat 1 --no-collect --no-explain  # 10M rows

``--no-explain`` runs every method with ``explain=False`` (no sentences: less to compute and to
send back); ``--no-collect`` leaves the results on the cluster (a 10M-row result collected to
the driver needs more memory than the 2-core machine has, as the 2.4M-row figures show).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import psutil
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_frame import QUARTERS, cpu_model, definitions, national  # noqa: E402

import ragstatus as rs  # noqa: E402


@dataclass(frozen=True)
class Switches:
    """From the command line: whether to write the sentences (``--no-explain``) and whether to
    collect the results to the driver (``--no-collect``, for results that do not fit it)."""

    explain: bool = True
    collect: bool = True


class Peaks:
    """The peak resident memory of this process and of each of its descendants, sampled."""

    def __init__(self) -> None:
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            for p in [me, *me.children(recursive=True)]:
                try:
                    rss = p.memory_info().rss
                    name = "java" if "java" in p.name() else ("driver" if p.pid == me.pid else "python")
                except psutil.Error:
                    continue
                old = self.peaks.get(p.pid, (name, 0))
                self.peaks[p.pid] = (name, max(old[1], rss))
            time.sleep(0.1)

    def __enter__(self) -> Peaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def describe(self, floor_mb: int = 150) -> str:
        """Driver, then the workers above ``floor_mb`` (idle processes left out)."""
        items = sorted(self.peaks.values(), key=lambda t: (t[0] != "driver", -t[1]))
        parts = [f"{n} {m / 2**20:.0f}" for n, m in items if n == "driver" or m / 2**20 >= floor_mb]
        return ", ".join(parts) + " MB"


def timed(fn: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        result = None
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return result, best


def run_single(path: Path, defs: rs.Definitions, repeat: int, sw: Switches) -> list[tuple[str, float, str]]:
    def go() -> Any:
        return rs.evaluate_frame(pd.read_parquet(path), defs, by="organisation", explain=sw.explain)

    with Peaks() as peaks:
        out, t = timed(go, repeat)
    assert out["error"].isna().all()
    return [("single process: read_parquet + evaluate_frame", t, peaks.describe())]


def run_dask(path: Path, defs: rs.Definitions, repeat: int, sw: Switches) -> list[tuple[str, float, str]]:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import ragstatus.dask as rd

    rows: list[tuple[str, float, str]] = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster):
        # The files hold whole organisations, so the shuffle by key can be left out
        # (partitioned=True, checked on the key column first); both ways are measured.
        for how, partitioned in (("shuffled by key", False), ("files of whole keys, partitioned=True", True)):

            def result() -> Any:
                return rd.evaluate(
                    dd.read_parquet(str(path)), defs, by="organisation", explain=sw.explain, partitioned=partitioned
                )

            with Peaks() as peaks:
                counts, t = timed(lambda: result().map_partitions(len).compute(), repeat)
            rows.append((f"dask, 2 workers, {how}: evaluated on the workers", t, peaks.describe()))
            if sw.collect:
                with Peaks() as peaks:
                    out, t = timed(lambda: result().compute(), repeat)
                rows.append((f"dask, 2 workers, {how}: + collected to the driver", t, peaks.describe()))
                assert out["error"].isna().all() and int(sum(counts)) == len(out)
    return rows


def spark_session() -> Any:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark_partitioned(path: Path, defs: rs.Definitions, repeat: int, sw: Switches) -> list[tuple[str, float, str]]:
    import ragstatus.spark as rsp

    spark = spark_session()
    rows: list[tuple[str, float, str]] = []
    try:
        # Files of whole organisations, each read whole into one partition: no grouping, each
        # partition evaluated in one call (mapInArrow), after a check of the key column.
        with Peaks() as peaks:
            _, t = timed(
                lambda: rsp.evaluate(
                    spark.read.parquet(str(path)), defs, by="organisation", explain=sw.explain, partitioned=True
                )
                .write.format("noop")
                .mode("overwrite")
                .save(),
                repeat,
            )
        rows.append(("spark local[2], files of whole keys, partitioned=True (mapInArrow): evaluated on the executors", t, peaks.describe()))
    finally:
        spark.stop()
    return rows


def run_spark(path: Path, defs: rs.Definitions, repeat: int, sw: Switches) -> list[tuple[str, float, str]]:
    import ragstatus.spark as rsp
    from ragstatus._distributed import definitions_from_text, definitions_text, evaluate_table

    spark = spark_session()
    rows: list[tuple[str, float, str]] = []
    try:
        def result() -> Any:
            return rsp.evaluate(spark.read.parquet(str(path)), defs, by="organisation", explain=sw.explain)

        with Peaks() as peaks:
            _, t = timed(lambda: result().write.format("noop").mode("overwrite").save(), repeat)
        rows.append(("spark local[2], applyInArrow: evaluated on the executors", t, peaks.describe()))
        if sw.collect:
            with Peaks() as peaks:
                out, t = timed(lambda: result().toArrow(), repeat)
            rows.append(("spark local[2], applyInArrow: + collected to the driver", t, peaks.describe()))
            assert out.num_rows >= 720_000 or out.column("error").null_count == out.num_rows

        # The same groups through applyInPandas: each group to pandas and back (the decimals
        # as Decimal objects, which is what a pandas frame of exact numbers holds).
        from pyspark.sql.pandas.types import to_arrow_schema

        from ragstatus._distributed import result_schema

        text = spark.sparkContext.broadcast(definitions_text(defs))
        source_schema = to_arrow_schema(rsp._with_row_ids(spark.read.parquet(str(path))).schema)
        full = result_schema(defs, source_schema, ["organisation"])
        wire = rsp._wire(full)
        spark_schema = result().schema

        def per_group(pdf: pd.DataFrame) -> pd.DataFrame:
            table = pa.Table.from_pandas(pdf, schema=source_schema, preserve_index=False)
            out = evaluate_table(table, definitions_from_text(text.value), None, ["organisation"], full, {}, sw.explain)
            return out.cast(wire).to_pandas()

        with Peaks() as peaks:
            _, t = timed(
                lambda: rsp._with_row_ids(spark.read.parquet(str(path)))
                .groupBy("organisation")
                .applyInPandas(per_group, spark_schema)
                .write.format("noop")
                .mode("overwrite")
                .save(),
                repeat,
            )
        rows.append(("spark local[2], applyInPandas: evaluated on the executors", t, peaks.describe()))
    finally:
        spark.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=300)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--methods", default="single,dask,spark,spark_partitioned")
    parser.add_argument("--no-explain", action="store_true", help="explain=False: no sentences")
    parser.add_argument("--no-collect", action="store_true", help="leave the results on the cluster")
    args = parser.parse_args()
    sw = Switches(explain=not args.no_explain, collect=not args.no_collect)

    spec, _ = definitions(args.indicators)
    defs = rs.Definitions(spec)
    directory = Path(tempfile.mkdtemp(prefix="ragstatus-bench-"))
    try:
        df = national(args.orgs, args.indicators)
        n = len(df)
        path = directory / "national"
        path.mkdir()
        # Eight files, each holding whole organisations, as a national extract would be split.
        per = -(-args.orgs // 8)
        for k in range(8):
            part = df[(df["organisation"] >= f"E{k * per:06d}") & (df["organisation"] < f"E{(k + 1) * per:06d}")]
            part.to_parquet(path / f"part-{k}.parquet", index=False)
        del df, part
        print(f"CPU: {cpu_model()}, {os.cpu_count()} logical cores; load average before {os.getloadavg()}")
        print(f"Python {platform.python_version()}, pandas {pd.__version__}, pyarrow {pa.__version__}, ragstatus {rs.__version__}")
        print(f"rows: {n:,} ({args.orgs} organisations x {args.indicators} indicators x {len(QUARTERS)} quarters)")
        print(f"explain={sw.explain}, collect={sw.collect}")
        rows: list[tuple[str, float, str]] = []
        runners = {"single": run_single, "dask": run_dask, "spark": run_spark, "spark_partitioned": run_spark_partitioned}
        for name in args.methods.split(","):
            rows.extend(runners[name](path, defs, args.repeat, sw))
            print(f"  {name} done; load average {os.getloadavg()}", flush=True)
        print()
        print("| method | wall time | rows/s | peak memory (driver, workers) |")
        print("| --- | ---: | ---: | --- |")
        for name, t, memory in rows:
            print(f"| {name} | {t:.2f} s | {n / t:,.0f} | {memory} |")
        print(f"\nload average after {os.getloadavg()}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
