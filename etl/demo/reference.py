"""The real reference data the demo is grounded in: municipalities, schools, CBS population.

Read at run time from `RBL_REFERENCE_DIR`, or from `shared/data/reference` found by walking up from
the project root. Generated MBO/VAVO locations are added to the real schools (BRIN `99..`), and a
few schools outside the region (`98..` in Tilburg and Gorinchem, `97..` in Belgium) that pupils
attend but that are not in the `scholen` file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Service level per municipality (domain.md).
LEVELS = {
    "GM1723": "2", "GM1959": "1", "GM0744": "2", "GM0748": "1", "GM0758": "2", "GM1719": "2",
    "GM0777": "2A", "GM0779": "2", "GM1655": "1", "GM1709": "2", "GM0826": "2", "GM1674": "1",
    "GM0840": "2A", "GM0851": "1", "GM0873": "1", "GM0879": "2A",
}
ALTENA = "GM1959"
PREDECESSORS = (("GM0738", "Aalburg"), ("GM0870", "Werkendam"), ("GM0874", "Woudrichem"))
TILBURG = ("GM0855", "Tilburg")  # not participating: used for pupils' schools and for bad rows
BIG_TOWNS = ("GM0758", "GM1674", "GM0748", "GM0826", "GM0777")
POP_YEARS = tuple(range(2015, 2026))  # 1 January of these years
MAX_AGE = 30
MALE_SHARE_YOUNG, MALE_SHARE_ADULT = 0.513, 0.505  # boys slightly outnumber girls at young ages


def reference_dir() -> Path:
    env = os.environ.get("RBL_REFERENCE_DIR")
    if env:
        path = Path(env)
        if not (path / "gemeenten_west_brabant.csv").is_file():
            raise SystemExit(f"RBL_REFERENCE_DIR={env} does not hold the reference CSVs "
                             "(gemeenten_west_brabant.csv missing).")
        return path
    # shipped with the product (public CBS/DUO data, provenance in its README), so a clone needs nothing else
    packaged = Path(__file__).resolve().parent / "reference_data"
    if (packaged / "gemeenten_west_brabant.csv").is_file():
        return packaged
    for folder in (PROJECT_ROOT, *PROJECT_ROOT.parents):
        path = folder / "shared" / "data" / "reference"
        if (path / "gemeenten_west_brabant.csv").is_file():
            return path
    raise SystemExit("Reference data not found: set RBL_REFERENCE_DIR to the folder with "
                     "gemeenten_west_brabant.csv, scholen_west_brabant_2024.csv and the CBS files.")


@dataclass(frozen=True)
class Municipalities:
    """Index 0..15 are the participating municipalities; then Altena's predecessors, then Tilburg."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    levels: tuple[str, ...]
    lon: np.ndarray
    lat: np.ndarray
    postcodes: tuple[tuple[str, ...], ...]  # real 4-digit postcode areas (from the schools)

    @property
    def n(self) -> int:
        return len(self.levels)

    @property
    def altena(self) -> int:
        return self.codes.index(ALTENA)

    def index(self, code: str) -> int:
        return self.codes.index(code)

    def predecessor(self, k: int) -> int:
        return self.n + k

    @property
    def tilburg(self) -> int:
        return self.n + len(PREDECESSORS)


@dataclass(frozen=True)
class Schools:
    brin: np.ndarray
    vestiging: np.ndarray
    name: np.ndarray
    sector: np.ndarray  # PO SBO SO VSO VO MBO VAVO
    otype: np.ndarray  # DUO onderwijstype (VO: VBO/MAVO/HAVO/VWO/PRO combinations)
    muni: np.ndarray  # municipality index, -1 outside the region
    muni_code: np.ndarray
    postcode: np.ndarray
    place: np.ndarray
    street: np.ndarray
    denomination: np.ndarray
    pupils: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    in_file: np.ndarray  # written to the scholen file (the region's locations)
    belgian: np.ndarray

    def __len__(self) -> int:
        return len(self.brin)


# Generated locations (not real): MBO and VAVO are missing from the reference data.
_GENERATED = (
    # brin, vest, name, sector, municipality, place
    ("99MA", "00", "MBO-locatie Breda Centrum (gegenereerd)", "MBO", "GM0758", "Breda"),
    ("99MA", "01", "MBO-locatie Breda Noord (gegenereerd)", "MBO", "GM0758", "Breda"),
    ("99MA", "02", "MBO-locatie Etten-Leur (gegenereerd)", "MBO", "GM0777", "Etten-Leur"),
    ("99MA", "03", "MBO-locatie Oosterhout (gegenereerd)", "MBO", "GM0826", "Oosterhout"),
    ("99MB", "00", "MBO-locatie Roosendaal (gegenereerd)", "MBO", "GM1674", "Roosendaal"),
    ("99MB", "01", "MBO-locatie Bergen op Zoom, Zuid (gegenereerd)", "MBO", "GM0748", "Bergen op Zoom"),
    ("99MB", "02", "MBO-locatie Breda Techniek (gegenereerd)", "MBO", "GM0758", "Breda"),
    ("99VA", "00", "VAVO-locatie Breda (gegenereerd)", "VAVO", "GM0758", "Breda"),
)
# Outside the region: pupils attend them, the scholen file does not list them.
_OUTSIDE = (
    ("98TA", "00", "VO-school Tilburg (gegenereerd)", "VO", "GM0855", "Tilburg", 5.08, 51.56, False),
    ("98GA", "00", "VO-school Gorinchem (gegenereerd)", "VO", "GM0512", "Gorinchem", 4.97, 51.83, False),
    ("98TM", "00", "MBO-locatie Tilburg (gegenereerd)", "MBO", "GM0855", "Tilburg", 5.08, 51.56, False),
    ("98GM", "00", "MBO-locatie Gorinchem (gegenereerd)", "MBO", "GM0512", "Gorinchem", 4.97, 51.83, False),
    ("97BA", "00", "Gemeentelijke school Baarle-Hertog (BE, gegenereerd)", "PO", "", "Baarle-Hertog",
     4.93, 51.44, True),
    ("97BB", "00", "Sint-Jozefscollege Essen (BE, gegenereerd)", "VO", "", "Essen", 4.47, 51.47, True),
    ("97BC", "00", "Basisschool Meerle (BE, gegenereerd)", "PO", "", "Meerle", 4.80, 51.45, True),
    ("97BD", "00", "Secundaire school Hoogstraten (BE, gegenereerd)", "VO", "", "Hoogstraten",
     4.76, 51.40, True),
)


def load_municipalities(ref: Path, schools: pd.DataFrame) -> Municipalities:
    gm = pd.read_csv(ref / "gemeenten_west_brabant.csv", dtype=str).sort_values("gemeente_code")
    codes = tuple(gm["gemeente_code"])
    lon = schools.groupby("gemeente_code")["lon"].mean().reindex(codes).to_numpy()
    lat = schools.groupby("gemeente_code")["lat"].mean().reindex(codes).to_numpy()
    pcs = schools.assign(pc4=schools["postcode"].str[:4]).groupby("gemeente_code")["pc4"]
    postcodes = tuple(tuple(sorted(set(pcs.get_group(c)))) for c in codes)
    return Municipalities(
        codes=codes + tuple(c for c, _ in PREDECESSORS) + (TILBURG[0],),
        names=tuple(gm["gemeente_naam"]) + tuple(n for _, n in PREDECESSORS) + (TILBURG[1],),
        levels=tuple(LEVELS[c] for c in codes), lon=lon, lat=lat, postcodes=postcodes)


def _sector(row: pd.Series) -> str:
    if row["sector"] == "BO":
        return "PO"
    if row["sector"] == "SO/VSO":
        return "SO" if row["onderwijstype"] == "SO" else "VSO"
    return str(row["sector"])


def load_schools(ref: Path) -> tuple[pd.DataFrame, Schools, Municipalities]:
    raw = pd.read_csv(ref / "scholen_west_brabant_2024.csv", dtype=str, keep_default_na=False)
    raw["lon"] = raw["lon"].astype(float)
    raw["lat"] = raw["lat"].astype(float)
    munis = load_municipalities(ref, raw)
    pupils = pd.to_numeric(raw["leerlingen"], errors="coerce")
    pupils = pupils.fillna(pupils.groupby(raw["sector"]).transform("median")).to_numpy(float)
    street = (raw["straat"] + " " + raw["huisnummer"] + raw["huisletter"]).str.strip()
    rows: dict[str, list] = {
        "brin": list(raw["brin_nummer"]), "vestiging": [v.zfill(2) for v in raw["vestigingsnummer"]],
        "name": list(raw["naam"]), "sector": [_sector(r) for _, r in raw.iterrows()],
        "otype": list(raw["onderwijstype"]), "muni_code": list(raw["gemeente_code"]),
        "postcode": list(raw["postcode"]), "place": list(raw["plaats"]), "street": list(street),
        "denomination": list(raw["denominatie"]), "pupils": list(pupils),
        "lon": list(raw["lon"]), "lat": list(raw["lat"]), "in_file": [True] * len(raw),
        "belgian": [False] * len(raw),
    }
    for k, (brin, vest, name, sector, code, place) in enumerate(_GENERATED):
        m = munis.index(code)
        pc4 = munis.postcodes[m][k % len(munis.postcodes[m])]
        letters = "VA" if sector == "VAVO" else "MB"
        _append(rows, brin, vest, name, sector, code, f"{pc4}{letters}", place,
                f"Demolaan {10 + k}", munis.lon[m] + 0.004 * (k % 3), munis.lat[m] - 0.003 * (k % 2),
                True, False)
    for brin, vest, name, sector, code, place, lon, lat, belgian in _OUTSIDE:
        _append(rows, brin, vest, name, sector, code, "", place, "", lon, lat, False, belgian)
    code_to_idx = {c: i for i, c in enumerate(munis.codes[:munis.n])}
    schools = Schools(
        **{k: np.array(v, dtype=object) for k, v in rows.items()
           if k not in ("pupils", "lon", "lat", "in_file", "belgian")},
        muni=np.array([code_to_idx.get(c, -1) for c in rows["muni_code"]]),
        pupils=np.array(rows["pupils"], dtype=float), lon=np.array(rows["lon"]),
        lat=np.array(rows["lat"]), in_file=np.array(rows["in_file"]), belgian=np.array(rows["belgian"]))
    return raw, schools, munis


def _append(rows: dict[str, list], brin: str, vest: str, name: str, sector: str, code: str, postcode: str,
            place: str, street: str, lon: float, lat: float, in_file: bool, belgian: bool) -> None:
    values = {"brin": brin, "vestiging": vest, "name": name, "sector": sector,
              "otype": "MBO" if sector == "MBO" else sector, "muni_code": code, "postcode": postcode,
              "place": place, "street": street, "denomination": "Openbaar", "pupils": 600.0,
              "lon": lon, "lat": lat, "in_file": in_file, "belgian": belgian}
    if sector == "VO":
        values["otype"] = "VBO/MAVO/HAVO/VWO"
    for key, value in values.items():
        rows[key].append(value)


# --- population -----------------------------------------------------------------------------------

def _single_ages(bands: np.ndarray) -> np.ndarray:
    """Spread 5-year band totals over single ages, linearly within a band and preserving each total."""
    means = bands / 5.0
    slope = np.empty_like(means)
    slope[1:-1] = (means[2:] - means[:-2]) / 10.0
    slope[0] = (means[1] - means[0]) / 5.0
    slope[-1] = (means[-1] - means[-2]) / 5.0
    offsets = np.arange(5) - 2
    return np.clip(means[:, None] + slope[:, None] * offsets[None, :], 0, None).ravel()


def largest_remainder(values: np.ndarray, total: int) -> np.ndarray:
    """Integers that add up to `total`, each close to its share of `values`."""
    scaled = values * (total / values.sum()) if values.sum() > 0 else np.zeros_like(values)
    base = np.floor(scaled).astype(np.int64)
    rest = total - int(base.sum())
    if rest > 0:
        order = np.argsort(-(scaled - base), kind="stable")
        base[order[:rest]] += 1
    return base


@dataclass(frozen=True)
class Population:
    """CBS-like counts on 1 January per (municipality code, year, age, sex), already scaled."""

    rows_code: np.ndarray  # index into Municipalities.codes (predecessors before 2019)
    rows_year: np.ndarray
    rows_age: np.ndarray
    rows_sex: np.ndarray  # 0 = M, 1 = V
    rows_count: np.ndarray
    current: np.ndarray  # [16 municipalities, years 2015..2025, age 0..30, sex]; Altena summed before 2019
    youth_share: np.ndarray  # each municipality's share of the region's 5-17 year olds (unscaled, 2024)


def _cbs_totals(ref: Path) -> dict[str, dict[int, float]]:
    cbs = pd.read_csv(ref / "cbs_bevolkingsontwikkeling_west_brabant_2012_2023.csv",
                      dtype={"geslacht_code": str})
    cbs = cbs[cbs["geslacht_code"] == "T001038"]
    totals: dict[str, dict[int, float]] = {}
    for code, grp in cbs.groupby("gemeente_code"):
        years = grp["jaar"].astype(int)
        series = dict(zip(years, grp["PopulationOn1January_1"].astype(float), strict=True))
        dec31 = dict(zip(years, grp["PopulationOn31December_20"].astype(float), strict=True))
        if 2023 in series:  # still exists: 1 January 2024 is 31 December 2023; 2025 extrapolated
            series[2024] = dec31[2023]
            series[2025] = series[2024] * series[2024] / series[2023]
        totals[str(code)] = series
    return totals


def load_population(ref: Path, munis: Municipalities, scale: float) -> Population:
    totals = _cbs_totals(ref)
    bands = pd.read_csv(ref / "cbs_personen_huishoudens_leeftijd_west_brabant_2020.csv")
    sex_share = np.where(np.arange(MAX_AGE + 1) <= 19, MALE_SHARE_YOUNG, MALE_SHARE_ADULT)
    shape: dict[str, np.ndarray] = {}
    for code in munis.codes[:munis.n]:
        grp = bands[bands["gemeente_code"] == code].sort_values("leeftijd_van")
        band_totals = grp["TotaalInParticuliereHuishoudens_2"].to_numpy(float)[:7]  # 0-4 .. 30-34
        shape[code] = _single_ages(band_totals)[:MAX_AGE + 1] / totals[code][2020]
    out: dict[str, list] = {"code": [], "year": [], "age": [], "sex": [], "count": []}
    current = np.zeros((munis.n, len(POP_YEARS), MAX_AGE + 1, 2), dtype=np.int64)
    youth = np.array([shape[c][5:18].sum() * totals[c][2024] for c in munis.codes[:munis.n]])
    ages = np.repeat(np.arange(MAX_AGE + 1), 2)
    sexes = np.tile([0, 1], MAX_AGE + 1)
    for yi, year in enumerate(POP_YEARS):
        for m, code in enumerate(munis.codes[:munis.n]):
            if code == ALTENA and year < 2019:  # old exports: the three predecessors, Altena's shape
                parts = [(munis.index(p), totals[p][year]) for p, _ in PREDECESSORS]
            else:
                parts = [(m, totals[code][year])]
            for code_idx, total in parts:
                expected = shape[code][:, None] * total * np.stack([sex_share, 1 - sex_share], axis=1)
                counts = largest_remainder(expected.ravel(), round(expected.sum() * scale))
                out["code"].append(np.full(counts.size, code_idx))
                out["year"].append(np.full(counts.size, year))
                out["age"].append(ages)
                out["sex"].append(sexes)
                out["count"].append(counts)
                current[m, yi] += counts.reshape(MAX_AGE + 1, 2)
    cat = {k: np.concatenate(v) for k, v in out.items()}
    return Population(cat["code"], cat["year"], cat["age"], cat["sex"], cat["count"], current,
                      youth / youth.sum())
