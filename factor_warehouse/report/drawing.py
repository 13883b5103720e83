"""What every figure is made of: a matplotlib `Figure` wrapped in `Drawn` with notes on
what it leaves out (and, when labels would crowd it, a table printed next to it), a
constrained-layout figure factory, factor names kept as text, and the Student t critical
values that size every error bar."""

from dataclasses import dataclass, field

from matplotlib.figure import Figure
from scipy import stats


DOTS_PER_INCH = 100
CONFIDENCE = 0.95  # every error bar is a two-sided 95% confidence interval


@dataclass(frozen=True)
class Table:
    """A small table shown next to a figure: column titles and rows of text."""

    columns: tuple
    rows: tuple


@dataclass
class Drawn:
    """A drawn figure, notes on what it leaves out and why, and an optional table next to it."""

    figure: Figure
    notes: list = field(default_factory=list)
    table: Table = None


def plain_text(text):
    """Factor names are data: keep matplotlib from reading '$' as math."""
    return str(text).replace("$", r"\$")


def new_figure(width, height, rows=1, columns=1, **subplot_options):
    figure = Figure(figsize=(width, height), dpi=DOTS_PER_INCH, layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False, **subplot_options)
    return figure, axes


def name_positions(axis, labels, most):
    """x ticks at positions 0, 1, ... named by `labels` (points drawn at their label's
    position); with more than `most` labels only every k-th is written, so they stay readable."""
    step = -(-len(labels) // most) if labels else 1
    shown = range(0, len(labels), step)
    axis.set_xticks(list(shown), [str(labels[position]) for position in shown])


def critical_value(degrees_of_freedom):
    """The two-sided CONFIDENCE critical value of Student's t: an estimate +/- this many standard
    errors is its confidence interval (2.78 with 4 degrees of freedom, 1.97 with 298)."""
    return stats.t.ppf(0.5 + CONFIDENCE / 2, degrees_of_freedom)


def interval_label(degrees_of_freedom):
    """How the error bars of estimates with these degrees of freedom were sized, in words:
    '95% interval: +/- 2.78 s.e. (Student t, 4 degrees of freedom)', or the ranges of both."""
    lowest, highest = min(degrees_of_freedom), max(degrees_of_freedom)
    widest, narrowest = f"{critical_value(lowest):.2f}", f"{critical_value(highest):.2f}"
    values = widest if widest == narrowest else f"{narrowest} to {widest}"
    freedom = f"{lowest:g}" if lowest == highest else f"{lowest:g} to {highest:g}"
    return f"{CONFIDENCE:.0%} interval: +/- {values} s.e. (Student t, {freedom} degrees of freedom)"
