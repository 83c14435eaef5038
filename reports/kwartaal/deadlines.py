"""The statutory deadlines the quarterly view and pack count down to, and the page "Over deze cijfers" lists: each
report's day of the year from the settings (`[deadlines]`, "MM-DD"; docs/settings.md), the next one on or after a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from config.settings import Settings, load_settings

# The reports with a deadline (domain.md "Reports and deadlines"): setting key in [deadlines], report, to whom.
DEADLINES: tuple[tuple[str, str, str], ...] = (
    ("concept_jaarverslag", "Concept statistisch jaarverslag (gemeenten met alleen niveau 1)",
     "gemeenschappelijk orgaan"),
    ("jaarverslag", "Statistisch leerplichtjaarverslag (art. 25 Leerplichtwet)", "elke gemeenteraad"),
    ("inhoudelijk_jaarverslag", "Inhoudelijk jaarverslag (handhaving)", "gemeenteraden niveau 2 en 2A"),
    ("leerplichttelling", "Jaarcijfers voor het ministerie (leerplichttelling)", "OCW via DUO"),
    ("effectrapportage", "Effectrapportage Doorstroompunt", "OCW via DUO"),
)


@dataclass(frozen=True)
class Deadline:
    key: str  # the setting deadlines.<key>
    report: str
    to: str
    due: date  # deliver before this day
    school_year: str  # the school year it reports on: the last one ended before the due date
    days: int  # from today


def deadlines(today: date, settings: Settings | None = None) -> list[Deadline]:
    """Each report's next due date on or after today (settings `deadlines.*`, "MM-DD"), soonest first; a report
    whose setting is missing is left out."""
    configured = (settings or load_settings()).values.get("deadlines", {})
    out = []
    for key, report, to in DEADLINES:
        if key not in configured:
            continue
        month, day = (int(x) for x in str(configured[key]).split("-"))
        due = date(today.year, month, day)
        if due < today:
            due = date(today.year + 1, month, day)
        ended = due.year if (month, day) > (7, 31) else due.year - 1  # the school year ended on 31 July of this
        out.append(Deadline(key, report, to, due, f"{ended - 1}-{ended}", (due - today).days))
    return sorted(out, key=lambda d: (d.due, d.key))


def configured_deadlines(settings: Settings | None = None) -> list[tuple[str, str, int, int]]:
    """(report, to whom, month, day) of every report with a deadline setting, in the year's order."""
    configured = (settings or load_settings()).values.get("deadlines", {})
    out = []
    for key, report, to in DEADLINES:
        if key in configured:
            month, day = (int(x) for x in str(configured[key]).split("-"))
            out.append((report, to, month, day))
    return sorted(out, key=lambda d: (d[2], d[3]))


def days_text(days: int) -> str:
    return "vandaag" if days == 0 else ("1 dag" if days == 1 else f"{days} dagen")
