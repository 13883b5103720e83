"""Input readers: turn the user's files into the long text tables the dbt staging models
read. `kaggle` parses the Kaggle files, `demo` writes a deterministic data set in the
same format, `dbt_plugin` serves either to dbt as the `kaggle` source."""
