"""Input readers and demo inputs: `kaggle` parses the Kaggle files, `demo` writes a
deterministic data set in the same format, `dbt_plugin` serves either to dbt as the `kaggle`
source (and `panel_files`' check of Parquet files to the `panel` source); `panel_demo` writes a deterministic monthly stock panel (Parquet or CSV, wide or long)
in the shape of the research panels the `panel` source reads."""
