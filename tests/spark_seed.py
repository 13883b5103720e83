"""Seeding of a Spark catalog for the research step's tests, until the SQL models build on the
spark target: `seed_spark_from_duckdb_build` copies the tables the Python models read from a DuckDB
build into the Spark schema, through Parquet. Swap it for `dbt build --target spark` on the same
panel once that builds them; the tests that use it stay as they are."""

import duckdb


def seed_spark_from_duckdb_build(spark, schema, database, tables, directory):
    """Copy `tables` (names) of the DuckDB file `database` into the Spark schema `schema`
    (created if missing), each as a Parquet file written in `directory` then a Spark table."""
    spark.sql(f"create database if not exists {schema}")
    with duckdb.connect(str(database), read_only=True) as warehouse:
        for name in tables:
            path = directory / f"{name}.parquet"
            warehouse.execute(f"copy (from {name}) to '{path}' (format parquet)")
            spark.read.parquet(str(path)).write.mode("overwrite").format("parquet").saveAsTable(f"{schema}.{name}")
