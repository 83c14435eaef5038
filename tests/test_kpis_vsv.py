"""KPIs of the page "VSV" (early school leaving), on hand-written rows with hand-computed figures.

Count year 2022-2023 = 1 October 2022 to 30 September 2023; ages are taken on 1 October 2022, the birthday
being the 1st of the birth month (docs/kpis.md). Age bands 12-15, 16-17, 18-20, 21-22.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count

import pytest

from tests.kpi_fixtures import (
    ALTENA,
    BREDA,
    ETTEN_LEUR,
    GEMEENTEN,
    REGIO,
    KpiWarehouse,
    assert_rows,
    bsn,
    csv,
    load_sources,
)

T, T_NEXT = "2022-2023", "2023-2024"
HEADER = ("bsn", "teljaar", "gemeente_code", "onderwijssoort", "niveau", "geboortedatum", "geslacht", "status")
S = {n: bsn(n) for n in range(1, 10)}  # the early leavers S1..S8 (S3 only on a provisional list)
_fillers: Iterator[int] = count(100)  # other participants of the start population: bsn(100), bsn(101), ...


def fillers(n: int, gm: str, soort: str, niveau: str, born: str, sexes: str, teljaar: str = T,
            status: str = "definitief") -> list[tuple]:
    """n participants who are not early leavers; `sexes` gives each one's sex in turn (e.g. "MV")."""
    return [(bsn(next(_fillers)), teljaar, gm, soort, niveau, born, sexes[i % len(sexes)], status) for i in range(n)]


# Early leavers, count year 2022-2023. Age on 1-10-2022:
#   S1 born 03-2006: 16 (16-17)      S2 born 11-2004: 17 (16-17; turns 18 in November)
#   S4 born 10-2002: 20 (18-20; birthday in October counts as had)      S5 born 09-2001: 21 (21-22)
#   S6 born 12-2007: 14 (12-15), sex unknown (X)
EARLY_LEAVERS = {
    "S1": (S[1], T, BREDA, "VO", "vmbo-b", "15-03-2006", "M"),
    "S2": (S[2], T, BREDA, "MBO", "niveau 2", "20-11-2004", "V"),
    "S3": (S[3], T, ALTENA, "MBO", "1", "01-05-2003", "M"),
    "S4": (S[4], T, ALTENA, "MBO", "3", "01-10-2002", "V"),
    "S5": (S[5], T, ALTENA, "BOL", "4", "10-09-2001", "M"),  # BOL is MBO
    "S6": (S[6], T, BREDA, "VO", "havo", "01-12-2007", None),
    "S7": (S[7], T_NEXT, BREDA, "VO", "vmbo-k", "01-01-2008", "M"),
    "S8": (S[8], T_NEXT, ETTEN_LEUR, "MBO", "2", "01-06-2005", "V"),
}


def leavers(names: str, status: str) -> list[tuple]:
    return [(*EARLY_LEAVERS[n], status) for n in names.split()]


# The provisional list of 2022-2023 has S1 S2 S3; the definitive list S1 S2 S4 S5 S6. The definitive list
# replaces the provisional one as a whole: S3 drops out. (The definitive file sorts first, so it is
# also loaded first: the order of delivery must not matter.) 2023-2024 has only a provisional list.
VSV_DEFINITIEF = csv(HEADER, leavers("S1 S2 S4 S5 S6", "definitief"))
VSV_VOORLOPIG = csv(HEADER, leavers("S1 S2 S3", "voorlopig") + leavers("S7 S8", "voorlopig"))

# Start population 2022-2023 (definitive), 80 participants:
#   Breda 60: VO 40 = S1, S6 + 38 born 01-2007 (15: 12-15; 19 M, 19 V);
#             MBO 2: 10 = S2 + 9 born 01-2004 (18: 18-20; V); MBO 3: 10 born 01-2003 (19: 18-20; M).
#   Altena 10: MBO 3: S4 + 4 born 01-2003 (19; M); MBO 4: S5 + 4 born 01-2001 (21: 21-22; V).
#   Etten-Leur 10: VO born 01-2007 (15; 5 M, 5 V).
# The provisional start population also has S3 and one more Breda pupil: both drop out.
STARTPOPULATIE_DEFINITIEF = csv(HEADER, (
    leavers("S1 S6", "definitief") + fillers(38, BREDA, "VO", "vmbo-gt", "01-01-2007", "MV")
    + leavers("S2", "definitief") + fillers(9, BREDA, "MBO", "2", "01-01-2004", "V")
    + fillers(10, BREDA, "MBO", "3", "01-01-2003", "M")
    + leavers("S4", "definitief") + fillers(4, ALTENA, "MBO", "3", "01-01-2003", "M")
    + leavers("S5", "definitief") + fillers(4, ALTENA, "MBO", "4", "01-01-2001", "V")
    + fillers(10, ETTEN_LEUR, "VO", "havo", "01-01-2007", "MV")))
# 2023-2024 (provisional only): Breda VO 50 (S7 + 49), Etten-Leur MBO 20 (S8 + 19), Altena VO 10.
STARTPOPULATIE_VOORLOPIG = csv(HEADER, (
    leavers("S3", "voorlopig") + fillers(1, BREDA, "VO", "vwo", "01-01-2007", "V", status="voorlopig")
    + leavers("S7", "voorlopig") + fillers(49, BREDA, "VO", "vwo", "01-01-2008", "MV", T_NEXT, "voorlopig")
    + leavers("S8", "voorlopig") + fillers(19, ETTEN_LEUR, "MBO", "2", "01-01-2005", "MV", T_NEXT, "voorlopig")
    + fillers(10, ALTENA, "VO", "vwo", "01-01-2008", "MV", T_NEXT, "voorlopig")))


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> KpiWarehouse:
    return load_sources(tmp_path_factory.mktemp("vsv"), {
        "gemeenten.csv": GEMEENTEN,
        "vsv_2022-2023_definitief.csv": VSV_DEFINITIEF, "vsv_voorlopig.csv": VSV_VOORLOPIG,
        "startpopulatie_definitief.csv": STARTPOPULATIE_DEFINITIEF,
        "startpopulatie_voorlopig.csv": STARTPOPULATIE_VOORLOPIG,
    })


def test_vsv_aantal_definitive_list_replaces_provisional(wh: KpiWarehouse) -> None:
    got = wh.rows(T, "vsv_aantal")
    # Definitive list: Breda S1 S2 S6 = 3, Altena S4 S5 = 2 (S3, only provisional, drops out), region 5.
    assert_rows(got, {
        (BREDA, ""): (3, 3, None), (ALTENA, ""): (2, 2, None), (ETTEN_LEUR, ""): (0, 0, None),
        (REGIO, ""): (5, 5, None),
        (BREDA, "status=definitief"): (3, 3, None), (ALTENA, "status=definitief"): (2, 2, None),
        (REGIO, "status=definitief"): (5, 5, None),
        # Breda: VO S1 S6, MBO S2 (level 2); ages S6 12-15, S1 S2 16-17; sex S1 M, S2 V, S6 X
        (BREDA, "onderwijssoort=VO"): (2, 2, None), (BREDA, "onderwijssoort=MBO"): (1, 1, None),
        (BREDA, "niveau=2;onderwijssoort=MBO"): (1, 1, None),
        (BREDA, "leeftijd=12-15"): (1, 1, None), (BREDA, "leeftijd=16-17"): (2, 2, None),
        (BREDA, "geslacht=M"): (1, 1, None), (BREDA, "geslacht=V"): (1, 1, None), (BREDA, "geslacht=X"): (1, 1, None),
        # Altena: MBO S4 (3) and S5 (BOL, 4); S4 20 (18-20), S5 21 (21-22); S4 V, S5 M
        (ALTENA, "onderwijssoort=MBO"): (2, 2, None),
        (ALTENA, "niveau=3;onderwijssoort=MBO"): (1, 1, None), (ALTENA, "niveau=4;onderwijssoort=MBO"): (1, 1, None),
        (ALTENA, "leeftijd=18-20"): (1, 1, None), (ALTENA, "leeftijd=21-22"): (1, 1, None),
        (ALTENA, "geslacht=M"): (1, 1, None), (ALTENA, "geslacht=V"): (1, 1, None),
        (REGIO, "onderwijssoort=VO"): (2, 2, None), (REGIO, "onderwijssoort=MBO"): (3, 3, None),
        (REGIO, "niveau=2;onderwijssoort=MBO"): (1, 1, None), (REGIO, "niveau=3;onderwijssoort=MBO"): (1, 1, None),
        (REGIO, "niveau=4;onderwijssoort=MBO"): (1, 1, None),
        (REGIO, "leeftijd=12-15"): (1, 1, None), (REGIO, "leeftijd=16-17"): (2, 2, None),
        (REGIO, "leeftijd=18-20"): (1, 1, None), (REGIO, "leeftijd=21-22"): (1, 1, None),
        (REGIO, "geslacht=M"): (2, 2, None), (REGIO, "geslacht=V"): (2, 2, None), (REGIO, "geslacht=X"): (1, 1, None),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))  # no niveau=1 and no status=voorlopig: S3 is gone


def test_vsv_aantal_provisional_where_no_definitive_list(wh: KpiWarehouse) -> None:
    got = wh.rows(T_NEXT, "vsv_aantal")
    # 2023-2024 has only the provisional list: S7 (Breda) and S8 (Etten-Leur), marked voorlopig.
    assert_rows(got, {
        (BREDA, ""): (1, 1, None), (ETTEN_LEUR, ""): (1, 1, None), (ALTENA, ""): (0, 0, None),
        (REGIO, ""): (2, 2, None),
        (BREDA, "status=voorlopig"): (1, 1, None), (ETTEN_LEUR, "status=voorlopig"): (1, 1, None),
        (REGIO, "status=voorlopig"): (2, 2, None),
    })
    assert not any(b == "status=definitief" for _, b in got)


def test_vsv_percentage(wh: KpiWarehouse) -> None:
    got = wh.rows(T, "vsv_percentage")
    # 100 x early leavers / start population (definitive lists), with the same breakdown in both.
    assert_rows(got, {
        (BREDA, ""): (5.0, 3, 60),
        (ALTENA, ""): (20.0, 2, 10),
        (ETTEN_LEUR, ""): (0.0, 0, 10),
        (REGIO, ""): (6.25, 5, 80),
        # type and MBO level
        (BREDA, "onderwijssoort=VO"): (5.0, 2, 40), (BREDA, "onderwijssoort=MBO"): (5.0, 1, 20),
        (BREDA, "niveau=2;onderwijssoort=MBO"): (10.0, 1, 10),
        (BREDA, "niveau=3;onderwijssoort=MBO"): (0.0, 0, 10),  # participants but no early leavers
        (ALTENA, "onderwijssoort=MBO"): (20.0, 2, 10),
        (ALTENA, "niveau=3;onderwijssoort=MBO"): (20.0, 1, 5), (ALTENA, "niveau=4;onderwijssoort=MBO"): (20.0, 1, 5),
        (ETTEN_LEUR, "onderwijssoort=VO"): (0.0, 0, 10),
        (REGIO, "onderwijssoort=VO"): (4.0, 2, 50), (REGIO, "onderwijssoort=MBO"): (10.0, 3, 30),
        (REGIO, "niveau=2;onderwijssoort=MBO"): (10.0, 1, 10),
        (REGIO, "niveau=3;onderwijssoort=MBO"): (100 / 15, 1, 15),
        (REGIO, "niveau=4;onderwijssoort=MBO"): (20.0, 1, 5),
        # age bands: Breda 12-15 = S6 + 38, 16-17 = S1 S2, 18-20 = 9 + 10
        (BREDA, "leeftijd=12-15"): (100 / 39, 1, 39), (BREDA, "leeftijd=16-17"): (100.0, 2, 2),
        (BREDA, "leeftijd=18-20"): (0.0, 0, 19),
        (ALTENA, "leeftijd=18-20"): (20.0, 1, 5), (ALTENA, "leeftijd=21-22"): (20.0, 1, 5),
        (REGIO, "leeftijd=12-15"): (100 / 49, 1, 49), (REGIO, "leeftijd=16-17"): (100.0, 2, 2),
        (REGIO, "leeftijd=18-20"): (100 / 24, 1, 24), (REGIO, "leeftijd=21-22"): (20.0, 1, 5),
        # sex: Breda M = S1 + 19 + 10 = 30, V = 19 + S2 + 9 = 29, X = S6
        (BREDA, "geslacht=M"): (100 / 30, 1, 30), (BREDA, "geslacht=V"): (100 / 29, 1, 29),
        (BREDA, "geslacht=X"): (100.0, 1, 1),
        (ALTENA, "geslacht=M"): (20.0, 1, 5), (ALTENA, "geslacht=V"): (20.0, 1, 5),
        (ETTEN_LEUR, "geslacht=M"): (0.0, 0, 5), (ETTEN_LEUR, "geslacht=V"): (0.0, 0, 5),
        (REGIO, "geslacht=M"): (5.0, 2, 40), (REGIO, "geslacht=V"): (200 / 39, 2, 39),
        (REGIO, "geslacht=X"): (100.0, 1, 1),
    })


def test_vsv_trend(wh: KpiWarehouse) -> None:
    # The total of vsv_percentage for every loaded count year.
    assert_rows(wh.rows(T, "vsv_trend"), {
        (BREDA, ""): (5.0, 3, 60), (ALTENA, ""): (20.0, 2, 10), (ETTEN_LEUR, ""): (0.0, 0, 10),
        (REGIO, ""): (6.25, 5, 80),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))
    # 2023-2024 (provisional): Breda S7 / 50, Etten-Leur S8 / 20, Altena 0 / 10, region 2 / 80.
    assert_rows(wh.rows(T_NEXT, "vsv_trend"), {
        (BREDA, ""): (2.0, 1, 50), (ALTENA, ""): (0.0, 0, 10), (ETTEN_LEUR, ""): (5.0, 1, 20),
        (REGIO, ""): (2.5, 2, 80),
    }, complete_for=(BREDA, ALTENA, ETTEN_LEUR, REGIO))
