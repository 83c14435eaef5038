"""The filter bar every figures page shares: period, municipality and, where a page has it, type of
education. Its state lives in the URL query string, so a view can be bookmarked; `layout(**query)` of a page
rebuilds the view from it (pages/_page.py). The period's parameter is named for what it holds, the page's
period kind: `?schooljaar=2024-2025&gemeente=GM0758&soort=VO`, `?teljaar=2023-2024`, `?peildatum=2024-10-01`,
`?kwartaal=2025-K3`, `?begrotingsjaar=2026`. The old name `jaar` (every page used it until 2026) is still read,
so links sent before keep working; a new URL is written with the new name.

No callbacks here (a shared module is imported once per process, tests build several apps): a page
registers its own with `pages._page.url_callback`, which turns the bar's values into a query string with
`next_search()` and writes it to the page's own `dcc.Location` (`FilterIds.url`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import pandas as pd
from dash import dcc, html

from access.roles import Viewer
from presentation.formats import date_nl
from presentation.labels import DE_WORDS, REGION_NAME
from warehouse import queries
from warehouse.connection import Warehouse
from warehouse.coverage import default_period
from warehouse.queries import REGION_CODE

ALL_KINDS = ""  # the type-of-education filter's value for "every type"; the URL then has no `soort`
LEGACY_PERIOD = "jaar"  # the period's URL parameter on every page until 2026: still read, never written


@dataclass(frozen=True)
class FilterIds:
    """The component ids of one page's filter bar and URL (stable, so tests and callbacks can find them), and
    the kind of period the bar chooses, which is also the name of its URL parameter."""

    page: str
    period_kind: str = "schooljaar"

    @property
    def period(self) -> str:
        return f"{self.page}-jaar"

    @property
    def municipality(self) -> str:
        return f"{self.page}-gemeente"

    @property
    def kind(self) -> str:
        return f"{self.page}-soort"

    @property
    def url(self) -> str:
        return f"{self.page}-url"


@dataclass(frozen=True)
class Selection:
    """What the URL asks for, checked against what exists and what the viewer may see."""

    period: str | None  # None: no periods with data at all
    municipality: str | None  # a municipality code, REGION_CODE, or None: the viewer may see nothing
    municipality_name: str
    kind: str  # ALL_KINDS or an education group (PO, VO, VSO, MBO)
    notices: tuple[str, ...] = ()


def visible_municipalities(frame: pd.DataFrame, viewer: Viewer) -> dict[str, str]:
    """code -> name of the municipalities this viewer may see (staff: only their own), in name order."""
    return {c: n for c, n in zip(frame["gemeente_code"], frame["naam"], strict=True) if viewer.may_see_municipality(c)}


def select(viewer: Viewer, names: dict[str, str], periods: list[str], kinds: list[str], period: str | None,
           municipality: str | None, kind: str | None, period_word: str = "schooljaar",
           default: str | None = None) -> Selection:
    """Resolve the URL's values: an unknown value falls back (the page's default period, region or the viewer's
    first municipality, every type) with a notice that says so. `default` is the period the page opens on (the
    latest complete one, warehouse.coverage.default_period); without it the latest."""
    notices = []
    chosen_period = default if default in periods else (periods[-1] if periods else None)
    if period and period in periods:
        chosen_period = period
    elif period:
        unknown, latest = ("Onbekende", "de laatste volledige") if period_word in DE_WORDS else (
            "Onbekend", "het laatste volledige")
        notices.append(f"{unknown} {period_word} '{period}'; hieronder {latest} {period_word}.")
    fallback = REGION_CODE if viewer.may_see_region else next(iter(names), None)
    code = fallback
    if municipality and (municipality in names or (municipality == REGION_CODE and viewer.may_see_region)):
        code = municipality
    elif municipality:
        notices.append(f"Onbekende gemeente '{municipality}'; hieronder de cijfers van "
                       f"{'de hele regio' if viewer.may_see_region else 'uw gemeente'}.")
    chosen_kind = ALL_KINDS
    if kind and kind in kinds:
        chosen_kind = kind
    elif kind:
        notices.append(f"Onbekende soort onderwijs '{kind}'; hieronder alle soorten.")
    name = names.get(code, REGION_NAME) if code else ""
    return Selection(chosen_period, code, name, chosen_kind, tuple(notices))


def query(search: str | dict | None, period_kind: str) -> dict[str, str]:
    """The values of a query string (or of `layout`'s keyword arguments) with the period under its own name
    (`period_kind`): an old link's `jaar` is read as that, unless the link also has the new name."""
    values = {k: v for k, v in (search.items() if isinstance(search, dict) else parse(search).items())
              if isinstance(v, str) and v}
    legacy = values.pop(LEGACY_PERIOD, None)
    if legacy and period_kind not in values:
        values[period_kind] = legacy
    return values


def select_from(wh: Warehouse, viewer: Viewer, period_kind: str, periods: list[str], values: dict[str, str],
                kinds: list[str] | None = None) -> tuple[Selection, dict[str, str]]:
    """`select` for the values of `query(...)`, with the municipalities this viewer may see (code -> name)."""
    names = visible_municipalities(queries.municipalities(wh), viewer)
    sel = select(viewer, names, periods, kinds or [], values.get(period_kind), values.get("gemeente"),
                 values.get("soort") if kinds else None, period_word=period_kind,
                 default=opens_on(wh, period_kind, periods))
    return sel, names


# the page whose main figures decide the period a filter bar of this kind opens on (warehouse.coverage.PAGES)
DEFAULT_PAGE = {"schooljaar": "verzuim", "teljaar": "vsv", "peildatum": "capaciteit", "kwartaal": "kwartaal"}


def opens_on(wh: Warehouse, period_kind: str, periods: list[str]) -> str | None:
    """The period a page opens on without one in its URL: the latest complete one (issue #9), if it is offered;
    else the latest offered."""
    default = default_period(wh, DEFAULT_PAGE[period_kind]) if period_kind in DEFAULT_PAGE and periods else None
    return default if default in periods else (periods[-1] if periods else None)


def url_selection(wh: Warehouse, viewer: Viewer, period_kind: str, search: str | None,
                  kinds: list[str] | None = None) -> Selection:
    """What a page's URL (`search`, as a callback reads it from the page's `dcc.Location`) selects among the
    periods of `period_kind` there are, checked like the page itself checks it."""
    periods = queries.periods(wh, period_kind)
    return select_from(wh, viewer, period_kind, periods, query(search, period_kind), kinds)[0]


def search(period: str | None, municipality: str | None, kind: str | None = None, *, period_kind: str) -> str:
    """The query string of a selection; the region and "every type" are the defaults and stay out of it."""
    params = {period_kind: period}
    if municipality and municipality != REGION_CODE:
        params["gemeente"] = municipality
    if kind:
        params["soort"] = kind
    clean = {k: v for k, v in params.items() if v}
    return f"?{urlencode(clean)}" if clean else ""


def next_search(periods: list[str], period: str | None, municipality: str | None, current: str | None,
                kind: str | None = None, *, period_kind: str, default: str | None = None) -> str | None:
    """The query string for the chosen filters, or None when nothing changes. The period the page opens on
    (`default`: the latest complete one, see `opens_on`; else the latest) stays out of the URL, so a bookmark keeps
    showing the latest complete one; the dropdowns' first report of their value (when they mount) equals the URL
    (also an old link's, read through `query`) and changes nothing."""
    if period is None or municipality is None:
        return None
    first = default if default in periods else (periods[-1] if periods else None)
    wanted = search(None if period == first else period, municipality, kind, period_kind=period_kind)
    return None if parse(wanted) == query(current, period_kind) else wanted


def parse(query: str | None) -> dict[str, str]:
    """The values of a query string (`?schooljaar=...&gemeente=...`) as written, as `layout(**values)` gets
    them; `query` reads them with the period under its own name."""
    return dict(parse_qsl((query or "").lstrip("?")))


def filter_bar(ids: FilterIds, selection: Selection, periods: list[str], names: dict[str, str], *,
               region: bool, kinds: list[str] | None = None,
               period_text: Callable[[str], str] | None = None) -> html.Div:
    """The dropdowns: newest period first (shown by `period_text`, default as the URL writes it; a reference
    date the Dutch way); the region first among the municipalities (if the viewer may see it); the type of
    education only when `kinds` is given."""
    period_kind = ids.period_kind
    text = period_text or (lambda p: _period_text(period_kind, p))
    municipality_options = [{"label": REGION_NAME, "value": REGION_CODE}] if region else []
    municipality_options += [{"label": n, "value": c} for c, n in names.items()]
    parts = [
        _dropdown(ids.period, period_kind.capitalize(),
                  [{"label": text(p), "value": p} for p in reversed(periods)], selection.period),
        _dropdown(ids.municipality, "Gemeente", municipality_options, selection.municipality),
    ]
    if kinds is not None:
        parts.append(_dropdown(ids.kind, "Soort onderwijs",
                               [{"label": "Alle soorten", "value": ALL_KINDS}] + [{"label": k, "value": k}
                                                                                    for k in kinds],
                               selection.kind))
    return html.Div([*parts, dcc.Location(id=ids.url, refresh="callback-nav")],
                    className="rbl-filter-bar d-flex flex-wrap gap-3")


def _period_text(kind: str, period: str) -> str:
    """A period as the dropdown shows it: a reference date the Dutch way (01-10-2024); the URL keeps ISO."""
    return date_nl(period) if kind == "peildatum" else period


def skeleton(ids: FilterIds, kinds: bool = False) -> list:
    """The bar's component ids without data, for a page's `skeleton()`."""
    parts = [dcc.Dropdown(id=ids.period), dcc.Dropdown(id=ids.municipality), dcc.Location(id=ids.url)]
    return parts + ([dcc.Dropdown(id=ids.kind)] if kinds else [])


def _dropdown(component_id: str, label: str, options: list[dict], value: str | None) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=component_id, className="form-label mb-1"),
            dcc.Dropdown(id=component_id, options=options, value=value, clearable=False, searchable=True),
        ],
        className="rbl-selector",
    )
