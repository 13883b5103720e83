-- One row per (scheme, factor, period, portfolio), every portfolio 1..J of every scheme's
-- factor-period: turnover, the share of the portfolio's stocks that were not in the same portfolio
-- of the scheme in the previous period (period_index - 1); traded_weight, the share of the
-- portfolio's weight in those stocks (turnover for equal weights), and trading_cost_pct, the cost
-- of buying them (their weight share times their cost in percent: the scheme's cost_bps, or each
-- stock's cost); and the factor's rank autocorrelation, the Pearson
-- correlation of its percentile ranks (factor_values.pct_rank, within the period whatever
-- sort_grouping says) at the period and the previous one over the stocks ranked in both,
-- the same number repeated on each portfolio row, over the scheme's sample. They are null when
-- the factor has no value in the previous period (its first period, or after a gap); turnover is null for an empty
-- portfolio, and the autocorrelation when either rank is constant over the common stocks;
-- statistics_note says which is null and why.
-- The composite portfolio a scheme holds (holding_periods K: the mean of the cohorts formed in the
-- last K periods, as factor_portfolio_alpha) trades, at a period, the cohort formed then, entering
-- with weight 1/K, against the one formed K periods before, leaving: holding_traded_weight is 1/K of
-- the share of the new cohort's weight in stocks not in the same portfolio of the leaving cohort, and
-- holding_trading_cost_pct their cost (both equal traded_weight and trading_cost_pct when K = 1). The
-- held cohorts' reweighting (equal weights rebalanced, value weights drifting with market equity, as
-- the gross return takes them) is not charged, as a one-period hold's stocks that stay are not.
{{ config(materialized='factor_batched_table', period_lookback=portfolio_schemes_holding_reach() + 1) }}
{%- set holding = portfolio_schemes_holding_reach() > 0 %}

with

portfolios as (

    select scheme, factor_key, period, stock_key, portfolio, pct_rank, weight, cost_pct
    from {{ ref('int_factor_sorts__portfolios') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

portfolio_alpha as (

    select scheme, factor_key, factor, period, grouping, portfolio_count, portfolio
    from {{ ref('factor_portfolio_alpha') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

periods as (

    select period, period_index
    from {{ ref('periods') }}
    where {{ period_filter('period') }}

),

schemes as (

    select scheme, holding_periods
    from ({{ portfolio_schemes_relation() | indent(4) }})

),

indexed_portfolios as (

    select portfolios.*, periods.period_index
    from portfolios
    inner join periods
        on portfolios.period = periods.period

),

factor_periods as (

    select distinct scheme, factor_key, period, period_index
    from indexed_portfolios

),

-- the period before and the formation period of the cohort leaving (K periods before), if the
-- factor has portfolios then
previous_factor_periods as (

    select
        factor_periods.scheme,
        factor_periods.factor_key,
        factor_periods.period,
        schemes.holding_periods,
        previous.period as previous_period,
        leaving.period as holding_exit_period
    from factor_periods
    inner join schemes
        on factor_periods.scheme = schemes.scheme
    left join factor_periods as previous
        on factor_periods.scheme = previous.scheme
        and factor_periods.factor_key = previous.factor_key
        and previous.period_index = factor_periods.period_index - 1
    left join factor_periods as leaving
        on factor_periods.scheme = leaving.scheme
        and factor_periods.factor_key = leaving.factor_key
        and leaving.period_index = factor_periods.period_index - schemes.holding_periods

),

-- every stock's portfolio and rank with its own of the previous period, if any: one join
-- serves both measures (a portfolio row is a ranked value: factor_portfolios holds every
-- value of factor_values); read once, by memberships
stock_transitions as (

    select
        current_portfolios.scheme,
        current_portfolios.factor_key,
        current_portfolios.period,
        current_portfolios.portfolio,
        current_portfolios.pct_rank,
        current_portfolios.weight,
        current_portfolios.cost_pct,
        previous_portfolios.portfolio as previous_portfolio,
        previous_portfolios.pct_rank as previous_pct_rank,
        {%- if holding %}
        leaving_portfolios.portfolio as leaving_portfolio
        {%- else %}
        previous_portfolios.portfolio as leaving_portfolio
        {%- endif %}
    from indexed_portfolios as current_portfolios
    left join indexed_portfolios as previous_portfolios
        on current_portfolios.scheme = previous_portfolios.scheme
        and current_portfolios.factor_key = previous_portfolios.factor_key
        and current_portfolios.stock_key = previous_portfolios.stock_key
        and previous_portfolios.period_index = current_portfolios.period_index - 1
    {%- if holding %}
    inner join schemes
        on current_portfolios.scheme = schemes.scheme
    left join indexed_portfolios as leaving_portfolios
        on current_portfolios.scheme = leaving_portfolios.scheme
        and current_portfolios.factor_key = leaving_portfolios.factor_key
        and current_portfolios.stock_key = leaving_portfolios.stock_key
        and leaving_portfolios.period_index = current_portfolios.period_index - schemes.holding_periods
    {%- endif %}

),

-- per portfolio: its membership counts and weights, and the sums over its stocks ranked in both
-- periods that rank_autocorrelations adds up per factor-period (one pass over the transitions)
memberships as (

    select
        scheme,
        factor_key,
        period,
        portfolio,
        count(*) as n_stocks,
        count(*) filter (where previous_portfolio is distinct from portfolio) as n_stocks_new,
        sum(weight) filter (where previous_portfolio is distinct from portfolio) as new_weight,
        sum(weight * cost_pct) filter (where previous_portfolio is distinct from portfolio) as new_weight_cost,
        sum(weight) filter (where leaving_portfolio is distinct from portfolio) as entering_weight,
        sum(weight * cost_pct) filter (where leaving_portfolio is distinct from portfolio) as entering_weight_cost,
        sum(weight) as total_weight,
        count(previous_pct_rank) as n_ranked_both,
        min(pct_rank) filter (where previous_pct_rank is not null) as rank_min,
        max(pct_rank) filter (where previous_pct_rank is not null) as rank_max,
        min(previous_pct_rank) as previous_rank_min,
        max(previous_pct_rank) as previous_rank_max,
        sum(pct_rank) filter (where previous_pct_rank is not null) as rank_sum,
        sum(previous_pct_rank) as previous_rank_sum,
        sum(pct_rank * pct_rank) filter (where previous_pct_rank is not null) as rank_square_sum,
        sum(previous_pct_rank * previous_pct_rank) as previous_rank_square_sum,
        sum(pct_rank * previous_pct_rank) as rank_product_sum
    from stock_transitions
    group by scheme, factor_key, period, portfolio

),

rank_sums as (

    select
        scheme,
        factor_key,
        period,
        cast(sum(n_ranked_both) as bigint) as n_stocks,
        min(rank_min) < max(rank_max) and min(previous_rank_min) < max(previous_rank_max) as ranks_vary,
        sum(rank_sum) as rank_sum,
        sum(previous_rank_sum) as previous_rank_sum,
        sum(rank_square_sum) as rank_square_sum,
        sum(previous_rank_square_sum) as previous_rank_square_sum,
        sum(rank_product_sum) as rank_product_sum
    from memberships
    group by scheme, factor_key, period

),

-- Pearson's r from the sums; a rank the same for all stocks ranked in both periods gives none
rank_autocorrelations as (

    select
        scheme,
        factor_key,
        period,
        n_stocks as rank_autocorrelation_n_stocks,
        case
            when ranks_vary
                then {{ correlation_from_sums('n_stocks', 'rank_sum', 'previous_rank_sum', 'rank_square_sum',
                    'previous_rank_square_sum', 'rank_product_sum') }}
        end as rank_autocorrelation
    from rank_sums

),

final as (

    select
        portfolio_alpha.scheme,
        portfolio_alpha.factor_key,
        portfolio_alpha.factor,
        portfolio_alpha.period,
        portfolio_alpha.portfolio,
        portfolio_alpha.grouping,
        portfolio_alpha.portfolio_count,
        previous_factor_periods.previous_period,
        coalesce(memberships.n_stocks, 0) as n_stocks,
        case when previous_factor_periods.previous_period is not null then coalesce(memberships.n_stocks_new, 0) end
            as n_stocks_new,
        case
            when previous_factor_periods.previous_period is not null and memberships.n_stocks > 0
                then memberships.n_stocks_new / memberships.n_stocks
        end as turnover,
        case
            when previous_factor_periods.previous_period is not null and memberships.total_weight > 0
                then {{ double_quotient('coalesce(memberships.new_weight, 0)', 'memberships.total_weight') }}
        end as traded_weight,
        case
            when previous_factor_periods.previous_period is not null and memberships.total_weight > 0
                then coalesce(memberships.new_weight_cost, 0) / memberships.total_weight
        end as trading_cost_pct,
        previous_factor_periods.holding_exit_period,
        case
            when previous_factor_periods.holding_exit_period is not null and memberships.total_weight > 0
                then {{ double_quotient('coalesce(memberships.entering_weight, 0)', 'memberships.total_weight') }}
                    / previous_factor_periods.holding_periods
        end as holding_traded_weight,
        case
            when previous_factor_periods.holding_exit_period is not null and memberships.total_weight > 0
                then coalesce(memberships.entering_weight_cost, 0) / memberships.total_weight
                    / previous_factor_periods.holding_periods
        end as holding_trading_cost_pct,
        case when previous_factor_periods.previous_period is not null
            then coalesce(rank_autocorrelations.rank_autocorrelation_n_stocks, 0) end
            as rank_autocorrelation_n_stocks,
        rank_autocorrelations.rank_autocorrelation,
        nullif(concat_ws('; ',
            case
                when previous_factor_periods.previous_period is null
                    then 'turnover, n_stocks_new, rank_autocorrelation and rank_autocorrelation_n_stocks: the factor '
                        || 'has no value in the previous period (its first period, or after a gap)'
                else nullif(concat_ws('; ',
                    case when coalesce(memberships.n_stocks, 0) = 0 then 'turnover: the portfolio is empty' end,
                    case when rank_autocorrelations.rank_autocorrelation is null
                        then 'rank_autocorrelation: fewer than 2 stocks are ranked in both periods, '
                            || 'or a rank is the same for all of them' end), '')
            end,
            case when previous_factor_periods.holding_periods > 1 and previous_factor_periods.holding_exit_period is null
                then 'holding_traded_weight and holding_trading_cost_pct: the factor has no portfolios '
                    || previous_factor_periods.holding_periods || ' periods before (no cohort leaves)' end), '')
            as statistics_note
    from portfolio_alpha
    left join previous_factor_periods
        on portfolio_alpha.scheme = previous_factor_periods.scheme
        and portfolio_alpha.factor_key = previous_factor_periods.factor_key
        and portfolio_alpha.period = previous_factor_periods.period
    left join memberships
        on portfolio_alpha.scheme = memberships.scheme
        and portfolio_alpha.factor_key = memberships.factor_key
        and portfolio_alpha.period = memberships.period
        and portfolio_alpha.portfolio = memberships.portfolio
    left join rank_autocorrelations
        on portfolio_alpha.scheme = rank_autocorrelations.scheme
        and portfolio_alpha.factor_key = rank_autocorrelations.factor_key
        and portfolio_alpha.period = rank_autocorrelations.period

)

select * from final
