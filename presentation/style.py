"""The product's colours and figure style for plotly, the same values as the CSS variables in assets/rbl.css.

The palette is Okabe-Ito (Okabe & Ito, "Color Universal Design"): eight colours that stay apart for
the common forms of colour blindness, so a series never depends on red against green.
"""

from __future__ import annotations

from functools import cache

import plotly.graph_objects as go

# Okabe-Ito, in the order series get them: blue first, as it is also the product's own colour.
OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish-green": "#009E73",
    "reddish-purple": "#CC79A7",
    "sky-blue": "#56B4E9",
    "vermillion": "#D55E00",
    "yellow": "#F0E442",
    "black": "#000000",
}
COLORWAY: tuple[str, ...] = tuple(OKABE_ITO.values())

PRIMARY = OKABE_ITO["blue"]
REFERENCE = OKABE_ITO["black"]  # national reference lines and norms
TEXT = "#1F2933"
MUTED = "#5F6B7A"
GRID = "#D9DEE5"
BACKGROUND = "#FFFFFF"
# Other municipalities in a trend chart: a quiet grey that leaves the highlighted series in front.
CONTEXT = "#B8C0CC"
# A period with a time-series note (config/reeksnotities.toml): a light band and a marker, in Okabe-Ito orange.
NOTE = OKABE_ITO["orange"]
NOTE_BAND = "rgba(230, 159, 0, 0.12)"
# Map areas without a colour: a suppressed value ("<5", "–", "×") or no figure at all.
NO_VALUE = "#EEF1F5"
# Sequential scale for maps: viridis (perceptually even, readable for the common colour-vision deficiencies
# and in grey print), reversed so a higher value is darker. Its ends are far from the grey of NO_VALUE.
SEQUENTIAL: tuple[str, ...] = ("#FDE725", "#7AD151", "#22A884", "#2A788E", "#414487", "#440154")
FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'


def plotly_template() -> dict:
    """A plotly layout template: the palette, quiet grid lines and Dutch separators (1.234,5)."""
    return {
        "layout": {
            "colorway": list(COLORWAY),
            "separators": ",.",
            "font": {"family": FONT_FAMILY, "color": TEXT, "size": 14},
            "paper_bgcolor": BACKGROUND,
            "plot_bgcolor": BACKGROUND,
            # automargin: long labels (school names, slanted periods) grow the margin instead of being cut off
            "xaxis": {"gridcolor": GRID, "linecolor": GRID, "zeroline": False, "automargin": True},
            "yaxis": {"gridcolor": GRID, "linecolor": GRID, "zeroline": False, "rangemode": "tozero",
                      "automargin": True},
            "margin": {"l": 48, "r": 16, "t": 32, "b": 40},
            "hoverlabel": {"font": {"family": FONT_FAMILY}},
        }
    }


@cache
def _template_object() -> go.layout.Template:
    return go.layout.Template(plotly_template())


def figure_template() -> go.layout.Template:
    """`plotly_template()` as plotly's own object, validated once per process: given the dict, plotly
    validates it again for every figure (about 45 ms each; a page draws several). Pass it as `template=`."""
    return _template_object()
