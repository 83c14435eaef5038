"""Young people: one row per person, consistent with the (scaled) CBS population."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import dates as D
from .reference import ALTENA, PREDECESSORS, Municipalities, Population
from .text import at_least

COHORTS = np.arange(1991, 2022)  # everyone aged 4 to 23 at some time in 2015-2025
NO_BSN_SHARE = 0.01  # newcomers without BSN: only in DUO files, by onderwijsnummer
SPARE_BSNS = 40
# Share of persons at a Belgian school (exemption 5 onder c) in the border municipalities.
BELGIAN_SHARE = {"GM0744": 0.06, "GM0873": 0.012, "GM0879": 0.01, "GM1723": 0.012}
BELGIAN_SHARE_ELSEWHERE = 0.0003
HOMESCHOOL_SHARE = {"GM1959": 0.002}  # 5 onder b: objection to all schools nearby (orthodox areas)
HOMESCHOOL_SHARE_ELSEWHERE = 0.0003
POSTCODE_LETTERS = np.array(list("ABCEGHJKLMNPRTVWXZ"))  # avoids SA, SD and SS, never used by PostNL


@dataclass
class People:
    muni: np.ndarray  # 0..15
    sub: np.ndarray  # Altena only: which predecessor (0..2) the address lay in before 2019, else -1
    birth: np.ndarray
    sex: np.ndarray  # 0 = M, 1 = V
    bsn: np.ndarray  # 0 where the person has no BSN
    onderwijsnummer: np.ndarray  # only for persons without BSN
    postcode: np.ndarray
    settled: np.ndarray  # datum_vestiging, NONE for most (living here since birth)
    belgian: np.ndarray  # attends school in Belgium (5 onder c)
    homeschool: np.ndarray  # exempt under 5 onder b, never enrolled
    travelling: np.ndarray  # travelling family (5a trekkend)
    died: np.ndarray  # date of death or NONE
    spare_bsn: np.ndarray  # valid BSNs nobody has: for the deliberately bad rows

    def __len__(self) -> int:
        return len(self.birth)

    @property
    def has_bsn(self) -> np.ndarray:
        return self.bsn > 0


def _check_digit_numbers(rng: np.random.Generator, n: int, first: int, remainder: int) -> np.ndarray:
    """Unique 9-digit numbers starting with `first` whose weighted digit sum minus the last digit
    leaves `remainder` modulo 11 (0 for a valid BSN; DUO's onderwijsnummer uses 5)."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    middle = rng.choice(10**7, size=int(n * 1.2) + 50, replace=False).astype(np.int64)
    digits = (middle[:, None] // 10 ** np.arange(6, -1, -1)) % 10
    total = first * 9 + digits @ np.arange(8, 1, -1)
    last = (total - remainder) % 11
    ok = last < 10
    numbers = first * 10**8 + middle * 10 + last
    if ok.sum() < n:
        raise RuntimeError("not enough check-digit numbers drawn")
    return numbers[ok][:n]


def bsns(rng: np.random.Generator, n: int) -> np.ndarray:
    """Fake BSNs: 9 digits, first digit 9, passing the eleven test."""
    return _check_digit_numbers(rng, n, first=9, remainder=0)


def make_people(rng: np.random.Generator, munis: Municipalities, pop: Population) -> People:
    n_m, n_c = munis.n, len(COHORTS)
    ref_year = np.clip(COHORTS + 13, 2015, 2025)  # count each cohort when it is about 12
    ref_age = ref_year - COHORTS - 1
    counts = pop.current[:, ref_year - 2015, ref_age, :]  # [m, cohort, sex]
    flat = counts.ravel()
    muni = np.repeat(np.repeat(np.arange(n_m), n_c * 2), flat)
    cohort = np.repeat(np.tile(np.repeat(COHORTS, 2), n_m), flat)
    sex = np.repeat(np.tile([0, 1], n_m * n_c), flat)
    n = len(muni)
    days_in_year = D.jan1(cohort + 1) - D.jan1(cohort)
    birth = D.jan1(cohort) + (rng.random(n) * days_in_year).astype(np.int64)

    sub = np.full(n, -1)
    altena = muni == munis.altena
    in_2018 = pop.rows_year == 2018
    pred_totals = np.array([pop.rows_count[(pop.rows_code == munis.index(code)) & in_2018].sum()
                            for code, _ in PREDECESSORS], dtype=float)
    sub[altena] = rng.choice(len(PREDECESSORS), size=int(altena.sum()), p=pred_totals / pred_totals.sum())

    has_bsn = rng.random(n) >= NO_BSN_SHARE
    bsn = np.zeros(n, dtype=np.int64)
    drawn = bsns(rng, int(has_bsn.sum()) + SPARE_BSNS)
    bsn[has_bsn] = drawn[SPARE_BSNS:]
    onderwijsnummer = np.zeros(n, dtype=np.int64)
    onderwijsnummer[~has_bsn] = _check_digit_numbers(rng, int((~has_bsn).sum()), first=1, remainder=5)

    pc4 = np.empty(n, dtype=object)
    for m in range(n_m):
        sel = np.flatnonzero(muni == m)
        pc4[sel] = np.array(munis.postcodes[m], dtype=object)[rng.integers(0, len(munis.postcodes[m]),
                                                                                sel.size)]
    letters = POSTCODE_LETTERS[rng.integers(0, len(POSTCODE_LETTERS), (n, 2))]
    postcode = pc4 + letters[:, 0].astype(object) + letters[:, 1].astype(object)

    moved_in = rng.random(n) < 0.08
    settled = np.full(n, D.NONE, dtype=np.int64)
    span = np.maximum(D.LOAD_DATE - (birth + 365), 1)
    settled[moved_in] = (birth + 365 + (rng.random(n) * span).astype(np.int64))[moved_in]

    code = np.array(munis.codes[:n_m], dtype=object)[muni]
    belgian_p = np.array([BELGIAN_SHARE.get(c, BELGIAN_SHARE_ELSEWHERE) for c in code])
    homeschool_p = np.array([HOMESCHOOL_SHARE.get(c, HOMESCHOOL_SHARE_ELSEWHERE) for c in code])
    draw = rng.random(n)
    belgian = draw < belgian_p
    homeschool = (draw >= belgian_p) & (draw < belgian_p + homeschool_p) & (cohort >= 2001)
    school_age = (cohort >= 2006) & (cohort <= 2016) & has_bsn
    baarle = np.flatnonzero(school_age & (code == "GM0744") & ~homeschool)
    belgian[at_least(rng, np.flatnonzero(belgian & school_age & (code == "GM0744")), baarle, 2)] = True
    altena = np.flatnonzero(school_age & (code == ALTENA) & ~belgian)
    homeschool[at_least(rng, np.flatnonzero(homeschool & school_age), altena, 1)] = True
    # travelling families: a handful of school-age children, at least one at any scale
    school_age = np.flatnonzero((cohort >= 2004) & (cohort <= 2016) & ~belgian & ~homeschool & has_bsn)
    n_travel = max(1, round(len(school_age) * 0.00002))
    travelling = np.zeros(n, dtype=bool)
    travelling[rng.choice(school_age, size=min(n_travel, len(school_age)), replace=False)] = True

    died = np.full(n, D.NONE, dtype=np.int64)
    dies = (rng.random(n) < 0.0001) & (cohort <= 2012)
    lo = np.maximum(D.add_years(birth, 5), D.WINDOW_START)
    died[dies] = (lo + rng.random(n) * np.maximum(D.LOAD_DATE - 30 - lo, 1)).astype(np.int64)[dies]

    return People(muni=muni, sub=sub, birth=birth, sex=sex, bsn=bsn, onderwijsnummer=onderwijsnummer,
                  postcode=postcode, settled=settled, belgian=belgian, homeschool=homeschool,
                  travelling=travelling, died=died, spare_bsn=drawn[:SPARE_BSNS])
