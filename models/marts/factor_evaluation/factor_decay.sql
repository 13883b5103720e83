-- One row per (factor, phase) of the factors with dates in the dbt var factor_publications
-- (stg_factor_publications__dates): the primary scheme's long-short returns split as Open Source Asset
-- Pricing does, by the period in which each return is earned (the period after the warehouse period):
-- in_sample from sample_start to sample_end, post_sample after sample_end up to publication_date,
-- post_publication after publication_date (the first phase that holds wins; a missing date leaves
-- the phases it bounds empty). Per phase: mean, standard deviation, n, t = mean / (sd / sqrt(n)),
-- and the ratio of the mean to the in-sample mean (McLean and Pontiff 2016).

with

settings as (

    select frequency, primary_scheme
    from {{ ref('int_factor_evaluation__settings') }}

),

long_short_returns as (

    select scheme, factor, period, long_short_return
    from {{ ref('factor_long_short_returns') }}
    where long_short_return is not null

),

publications as (

    select factor, sample_start, sample_end, publication_date
    from {{ ref('stg_factor_publications__dates') }}

),

earned_returns as (

    select
        long_short_returns.scheme,
        long_short_returns.factor,
        long_short_returns.period,
        {{ earned_period('long_short_returns.period', 'settings.frequency') }} as earned_period,
        long_short_returns.long_short_return
    from long_short_returns
    inner join settings
        on long_short_returns.scheme = settings.primary_scheme

),

phased_returns as (

    select
        earned_returns.*,
        publications.sample_start,
        publications.sample_end,
        publications.publication_date,
        case
            when earned_returns.earned_period between publications.sample_start and publications.sample_end
                then 'in_sample'
            when earned_returns.earned_period > publications.sample_end
                and earned_returns.earned_period <= publications.publication_date
                then 'post_sample'
            when earned_returns.earned_period > publications.publication_date then 'post_publication'
        end as phase
    from earned_returns
    inner join publications
        on earned_returns.factor = publications.factor

),

phase_statistics as (

    select
        scheme,
        factor,
        phase,
        any_value(sample_start) as sample_start,
        any_value(sample_end) as sample_end,
        any_value(publication_date) as publication_date,
        min(period) as first_period,
        max(period) as last_period,
        count(*) as n_periods,
        avg(long_short_return) as mean_long_short_return,
        stddev_samp(long_short_return) as sd_long_short_return
    from phased_returns
    where phase is not null
    group by scheme, factor, phase

),

final as (

    select
        scheme,
        factor,
        phase,
        {{ array_position(array_literal(["'in_sample'", "'post_sample'", "'post_publication'"]), 'phase') }} as phase_order,
        sample_start,
        sample_end,
        publication_date,
        first_period,
        last_period,
        n_periods,
        mean_long_short_return,
        sd_long_short_return,
        mean_long_short_return / nullif(sd_long_short_return / sqrt(n_periods), 0) as t_statistic,
        mean_long_short_return / nullif(
            any_value(mean_long_short_return) filter (where phase = 'in_sample') over (partition by factor), 0
        ) as ratio_to_in_sample
    from phase_statistics

)

select * from final
