"""The course's one visual style: colours, matplotlib defaults, and how a grid cell looks.

Input pixels are blue, outputs orange (Okabe & Ito's colour-blind-safe
palette); zeros that padding adds are hatched ``///``, zeros inserted between
pixels dotted, cropped cells grey. The grids of :mod:`aecourse.figures.grids`
and the animations of :mod:`aecourse.figures.animation` both draw from here.
"""

from __future__ import annotations

# Okabe & Ito's colour-blind-safe palette.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
ROW_COLOURS = [PALETTE[name] for name in ("blue", "orange", "vermillion", "green", "purple", "sky")]
"""Frame colours of successive rows of images (original, then reconstructions)."""

INPUT_COLOUR, INPUT_EDGE = PALETTE["sky"], PALETTE["blue"]
OUTPUT_COLOUR, OUTPUT_EDGE = PALETTE["orange"], PALETTE["vermillion"]
ZERO_EDGE = "#7F7F7F"
CROPPED_FILL = "#E6E6E6"

CELL_STYLES = {
    "input": {"facecolor": INPUT_COLOUR, "edgecolor": INPUT_EDGE, "linewidth": 1},
    "output": {"facecolor": OUTPUT_COLOUR, "edgecolor": OUTPUT_EDGE, "linewidth": 1},
    "padding": {"facecolor": "white", "edgecolor": ZERO_EDGE, "hatch": "///", "linestyle": "--", "linewidth": 0.8},
    "inserted": {"facecolor": "white", "edgecolor": ZERO_EDGE, "hatch": "...", "linestyle": ":", "linewidth": 0.8},
    "cropped": {"facecolor": CROPPED_FILL, "edgecolor": ZERO_EDGE, "hatch": "xx", "linewidth": 0.5},
}
"""Keyword arguments of ``matplotlib.patches.Rectangle`` for each kind of grid cell."""

CELL_LABELS = {
    "input": "input pixel",
    "padding": "zero padding",
    "inserted": "inserted zero",
    "cropped": "cropped",
}

_KIND_PRECEDENCE = ("cropped", "padding", "inserted", "input")


def cell_kind(row_kind: str, column_kind: str) -> str:
    """Kind of the cell where a row of one kind crosses a column of another: cropped, then padding, then inserted
    wins."""
    pair = {row_kind, column_kind}
    return next(kind for kind in _KIND_PRECEDENCE if kind in pair)


def format_number(value: float) -> str:
    """A cell's number as text: whole numbers without decimals, others with one."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def apply_style() -> None:
    """Set matplotlib defaults used by every figure in the course."""
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "image.cmap": "gray",
            "axes.prop_cycle": mpl.cycler(color=list(PALETTE.values())),
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
