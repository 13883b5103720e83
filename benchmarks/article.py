"""The article's median split, written as the article writes it: pandas loops over a wide frame.

"Zero to one in Financial ML with sklearn" sorts stocks on every indicator at its median,
year by year, with `filter_data_top` / `filter_data_below`: for each year, take the year's
rows, compute the column's median, keep the rows strictly above (or below) it and average
their Alpha. This module keeps that loop structure (a boolean filter per year and factor)
as the independent reference the SQL mart `factor_median_split_alpha` is tested against,
and as the workload the benchmark (`benchmarks.sorts`) times. Differences from
the article: the printing is left out, years and column names are parameters, and
`.iloc[0]` replaces the `median()[0]` lookup that pandas 3 no longer allows.
"""

import operator

import pandas as pd

YEAR_COLUMN = "period"
ALPHA_COLUMN = "alpha"


def filter_data(column, df_all, years, keep, year_column=YEAR_COLUMN, alpha_column=ALPHA_COLUMN):
    """Mean alpha per year of the rows whose `column` compares by `keep` to the year's median."""
    dic_alpha = {}
    for year in years:
        data = df_all[df_all[year_column] == year]
        filter_value = data[[column]].median().iloc[0]
        filterdata = data[keep(data[column], filter_value)]
        dic_alpha[year] = filterdata[alpha_column].mean()
    return dic_alpha


def filter_data_top(column, df_all, years, **columns):
    """The article's filter_data_top: mean alpha of the stocks strictly above the year's median."""
    return filter_data(column, df_all, years, operator.gt, **columns)


def filter_data_below(column, df_all, years, **columns):
    """The article's filter_data_below: mean alpha of the stocks strictly below the year's median."""
    return filter_data(column, df_all, years, operator.lt, **columns)


def alpha_tables(df_all, factor_columns, years, **columns):
    """The article's two alpha tables: (top, below), one row per year, one column per factor."""
    tables = []
    for filter_function in (filter_data_top, filter_data_below):
        per_factor = []
        for factor in factor_columns:
            dic_alpha = filter_function(column=factor, df_all=df_all, years=years, **columns)
            per_factor.append(pd.DataFrame.from_dict(dic_alpha, orient="index", columns=[factor]))
        tables.append(pd.concat(per_factor, axis=1))
    return tuple(tables)


def load_wide_frame(connection):
    """The article's df_all from a built warehouse: one row per stock-year, one column per factor
    (exact original names), plus period and alpha. Returns (frame, factor_columns, years)."""
    stock_periods = connection.sql("select stock_id, period, alpha from stock_periods").df()
    factor_values = connection.sql("select stock_id, period, factor, value from factor_values").df()
    wide = factor_values.pivot(index=["stock_id", "period"], columns="factor", values="value")
    factor_columns = sorted(wide.columns)
    df_all = stock_periods.merge(wide[factor_columns].reset_index(), on=["stock_id", "period"], how="left")
    years = sorted(stock_periods["period"].unique().tolist())
    return df_all, factor_columns, years
