"""Settings an administrator can change without touching code (config/settings.toml, or RBL_SETTINGS)."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parent / "settings.toml"
# Names KPI SQL may use as {{name}}; each maps to (section, key) in the settings file.
SQL_NAMES = {
    "reactie_werkdagen": ("termijnen", "reactie_werkdagen"),
    "doorlooptijd_dagen": ("termijnen", "doorlooptijd_dagen"),
    "contact_dagen": ("termijnen", "contact_dagen"),
    "zonder_status_werkdagen": ("termijnen", "zonder_status_werkdagen"),
    "actualiteit_dagen": ("termijnen", "actualiteit_dagen"),
    "leerplicht_min": ("leeftijden", "leerplicht_min"),
    "leerplicht_max": ("leeftijden", "leerplicht_max"),
    "kosten_min": ("leeftijden", "kosten_min"),
    "kosten_max": ("leeftijden", "kosten_max"),
    "doorstroompunt_max": ("leeftijden", "doorstroompunt_max"),
}


@dataclass(frozen=True)
class Settings:
    values: dict

    def get(self, section: str, key: str):
        return self.values[section][key]

    def age(self, value: int | str) -> int:
        return value if isinstance(value, int) else int(self.get(*SQL_NAMES[value]))

    def render(self, sql: str) -> str:
        """Put setting values into SQL written with {{name}} placeholders (integers only)."""
        def value(m: re.Match) -> str:
            return str(int(self.get(*SQL_NAMES[m[1]])))
        return re.sub(r"\{\{(\w+)\}\}", value, sql)


@lru_cache(maxsize=4)
def _load(path: str) -> Settings:
    with open(path, "rb") as fh:
        return Settings(tomllib.load(fh))


def load_settings() -> Settings:
    return _load(os.environ.get("RBL_SETTINGS") or str(DEFAULT_FILE))


def small_number_threshold() -> int:
    """The small-number threshold T (setting `privacy.kleine_aantallen`, default 5): counts 1 to T-1 are
    suppressed for portfolio holders and publications. The one reading of that setting."""
    return int(load_settings().get("privacy", "kleine_aantallen"))
