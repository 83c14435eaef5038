"""The product's colours and figure style for plotly, the same values as the CSS variables in assets/rbl.css.

The palette is Okabe-Ito (Okabe & Ito, "Color Universal Design"): eight colours that stay apart for
the common forms of colour blindness, so a series never depends on red against green.
"""

from __future__ import annotations

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
            "xaxis": {"gridcolor": GRID, "linecolor": GRID, "zeroline": False},
            "yaxis": {"gridcolor": GRID, "linecolor": GRID, "zeroline": False, "rangemode": "tozero"},
            "margin": {"l": 48, "r": 16, "t": 32, "b": 40},
            "hoverlabel": {"font": {"family": FONT_FAMILY}},
        }
    }
