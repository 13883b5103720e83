"""What every figure is made of: a matplotlib `Figure` wrapped in `Drawn` with notes on
what it leaves out, a constrained-layout figure factory, and factor names kept as text."""

from dataclasses import dataclass, field

from matplotlib.figure import Figure


DOTS_PER_INCH = 100


@dataclass
class Drawn:
    """A drawn figure and notes on what it leaves out and why."""

    figure: Figure
    notes: list = field(default_factory=list)


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
