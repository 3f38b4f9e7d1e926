"""A national frame rated on one process, on a local Dask cluster and on local Spark.

Run from a clone after `pip install ".[dask,spark]"` (Spark needs a Java 17 runtime; without one
that part is skipped):

    python examples/on_a_cluster.py

It builds 50 organisations x 2 indicators x 8 quarters of actuals (one row in error: an unknown
indicator), rates them three ways, checks that the three results agree row for row, and prints
the summary by organisation and group computed on the cluster.
"""

from __future__ import annotations

import os
import shutil
import sys
from decimal import Decimal
from typing import Any

import pandas as pd

import ragstatus as rs

DEFS = rs.Definitions(
    """
[[indicator]]
id = "SW-01"
name = "Children with a plan reviewed on time"
group = ["Start Well"]
unit = "percent"
polarity = "higher"
decimals = 1
tolerance = { absolute = "2" }
[[indicator.target]]
value = "80"

[[indicator]]
id = "LW-01"
name = "Average days to process a benefit claim"
group = ["Live Well"]
unit = "days"
polarity = "lower"
decimals = 1
tolerance = { relative = "5" }
[[indicator.target]]
value = "9.5"
"""
)
QUARTERS = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in (2014, 2015) for q in (1, 2, 3, 4)]


def national() -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for o in range(50):
        for q, quarter in enumerate(QUARTERS):
            rows.append({"organisation": f"E{o:08d}", "indicator": "SW-01", "period": quarter,
                         "numerator": 700 + (o * 37 + q * 11) % 250, "denominator": 1000})
            rows.append({"organisation": f"E{o:08d}", "indicator": "LW-01", "period": quarter,
                         "value": f"{8 + (o * 13 + q * 7) % 30 / 10:.1f}"})
    rows[17]["indicator"] = "LW-99"
    frame = pd.DataFrame(rows)
    frame["numerator"] = frame["numerator"].astype("Int64")
    frame["denominator"] = frame["denominator"].astype("Int64")
    return frame


def canonical(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    def norm(v: Any) -> Any:
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            return None
        return v.normalize() if isinstance(v, Decimal) else str(v)

    return sorted(
        (tuple(norm(r[c]) for c in ("organisation", "indicator", "period", "row", "actual", "status", "direction", "error"))
         for r in records),
        key=lambda t: tuple("" if v is None else str(v) for v in t),
    )


def main() -> None:
    frame = national()
    single = rs.evaluate_frame(frame, DEFS, by="organisation")
    expected = canonical(single.astype(object).to_dict("records"))
    print(f"{len(frame)} rows; one process: {single['status'].value_counts().to_dict()}")

    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import ragstatus.dask as rd

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster):
        rated = rd.evaluate(dd.from_pandas(frame, npartitions=4), DEFS, by="organisation")
        assert canonical(rated.compute().astype(object).to_dict("records")) == expected
        print("Dask, 2 workers: the same rows")
        print(rd.summary(rated, by="organisation").compute().head())

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        print("Spark: skipped (no Java runtime)")
        return
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    import ragstatus.spark as rsp

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        rated_spark = rsp.evaluate(spark.createDataFrame(frame), DEFS, by="organisation")
        assert canonical(rated_spark.toArrow().to_pylist()) == expected
        print("Spark local[2]: the same rows")
        rsp.summary(rated_spark, by="organisation").show(5)
        rated_spark.filter("error IS NOT NULL").select("organisation", "row", "error").show(truncate=False)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
