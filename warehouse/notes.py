"""Words beside the figures (kpis.md, "Notes and explanations"): time-series notes and explanations.

- **Time-series notes** (`config/reeksnotities.toml`, or the file `RBL_REEKSNOTITIES` names): per KPI (or
  `*` for every KPI) and period, a note such as "not comparable: schools closed". Trend charts mark these
  periods and exports carry the note.
- **Explanations** (`config/toelichtingen/`, or the folder `RBL_TOELICHTINGEN` names): the coordinator's
  Markdown per KPI and period, `<kpi_id>/<period>.md` for the region and every municipality, or
  `<kpi_id>/<period>.<GMxxxx>.md` for one municipality (that one wins). Shown beside the figure and
  printed in the quarterly pack and the annual report.

Both are read on every call, so an edit shows at the next page view without a restart; they are small.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[1] / "config"
ANY_KPI = "*"
_PERIOD = re.compile(r"^[0-9A-Za-z-]+$")  # 2023-2024, 2024, 2024-Q3, 2024-10: never a path


@dataclass(frozen=True)
class SeriesNote:
    kpi_id: str  # a KPI id, or ANY_KPI
    period: str
    text: str


class NotesError(ValueError):
    """The notes file cannot be read; the message names the file and the fix."""


def notes_file() -> Path:
    return Path(os.environ.get("RBL_REEKSNOTITIES") or CONFIG / "reeksnotities.toml")


def explanations_dir() -> Path:
    return Path(os.environ.get("RBL_TOELICHTINGEN") or CONFIG / "toelichtingen")


def all_series_notes() -> list[SeriesNote]:
    path = notes_file()
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NotesError(f"{path}: geen geldige TOML ({exc}); zie docs/settings.md") from exc
    notes = []
    for i, entry in enumerate(data.get("notitie", []), start=1):
        missing = [k for k in ("kpi", "periode", "tekst") if not str(entry.get(k, "")).strip()]
        if missing:
            raise NotesError(f"{path}: notitie {i} mist {', '.join(missing)}; zie docs/settings.md")
        notes.append(SeriesNote(str(entry["kpi"]).strip(), str(entry["periode"]).strip(), str(entry["tekst"]).strip()))
    return notes


def series_notes(kpi_id: str) -> dict[str, str]:
    """period -> note text for one KPI (notes for every KPI included; two notes on a period are joined)."""
    out: dict[str, str] = {}
    for note in all_series_notes():
        if note.kpi_id in (kpi_id, ANY_KPI):
            out[note.period] = f"{out[note.period]} {note.text}" if note.period in out else note.text
    return out


def explanation_of(kpi_id: str, period: str, municipality_code: str | None = None) -> tuple[str | None, bool]:
    """(text, is_the_regions): a municipality's own explanation, else the region's marked as such (issue #9: a
    municipality's tile never passes the region's text off as its own)."""
    own = municipality_code not in (None, "REGIO")
    if own:
        folder = explanations_dir() / kpi_id
        if _PERIOD.match(period) and re.match(r"^\w+$", kpi_id) and municipality_code.isalnum():
            path = folder / f"{period}.{municipality_code}.md"
            if path.is_file() and path.read_text(encoding="utf-8").strip():
                return path.read_text(encoding="utf-8").strip(), False
    region = explanation(kpi_id, period)
    return region, own and region is not None


def explanation(kpi_id: str, period: str, municipality_code: str | None = None) -> str | None:
    """The coordinator's Markdown for this KPI and period (the municipality's own first), or None."""
    if not _PERIOD.match(period) or not re.match(r"^\w+$", kpi_id):
        return None
    folder = explanations_dir() / kpi_id
    names = ([f"{period}.{municipality_code}.md"] if municipality_code and municipality_code.isalnum() else [])
    for name in [*names, f"{period}.md"]:
        path = folder / name
        if path.is_file():
            text = path.read_text(encoding="utf-8").strip()
            if text:
                return text
    return None
