"""The peer of `dbt run --select +factor_median_split_alpha` on a wide panel: the same work in one
polars script, from the same Parquet, timed as a whole process by benchmarks.panel.

    python benchmarks/polars_median_split.py PANEL.parquet OUT_DIR [--id id] [--period eom] [--return ret_exc_lead1m]

Alpha is the return (in percent) minus the month's mean return (alpha_method market_mean); every
other column but the sector is a characteristic. Writes OUT_DIR/factor_values.parquet (stock,
month, characteristic, value, percentile rank as pandas' rank(pct=True)) and
OUT_DIR/median_split_alpha.parquet (characteristic, month, side, mean alpha).
"""
import argparse

import polars as pl

parser = argparse.ArgumentParser()
parser.add_argument("panel"), parser.add_argument("out_dir")
parser.add_argument("--id", default="id"), parser.add_argument("--period", default="eom")
parser.add_argument("--return", dest="return_column", default="ret_exc_lead1m")
options = parser.parse_args()

panel = pl.scan_parquet(options.panel).drop("sector", strict=False).rename(
    {options.id: "stock_id", options.period: "period", options.return_column: "return"})
alpha = (pl.col("return") * 100 - (pl.col("return") * 100).mean().over("period")).alias("alpha")
values = (panel.with_columns(alpha).drop("return")
          .unpivot(index=["stock_id", "period", "alpha"], variable_name="factor", value_name="value")
          .filter(pl.col("value").is_finite()))
window = ["period", "factor"]
ranked = values.with_columns(
    (pl.col("value").rank("average").over(window) / pl.len().over(window)).alias("pct_rank"),
    pl.col("value").median().over(window).alias("median"),
).collect()
ranked.select("stock_id", "period", "factor", "value", "pct_rank").write_parquet(f"{options.out_dir}/factor_values.parquet")
side = pl.when(pl.col("value") > pl.col("median")).then(pl.lit("above")).when(pl.col("value") < pl.col("median")).then(pl.lit("below"))
(ranked.lazy().with_columns(side.alias("side")).drop_nulls("side")
 .group_by("factor", "period", "side").agg(pl.col("alpha").mean().alias("mean_alpha"))
 .collect().write_parquet(f"{options.out_dir}/median_split_alpha.parquet"))
