"""Absence reports (verzuimmeldingen), cases (zaken) and actions (acties).

Reports come from schools for pupils enrolled there, mostly aged 12-17; each gets a life: a first
action a few working days later, closing after about 40 days (lognormal), a status and a closing
reason. Cases follow the reports, absoluut-verzuim cases follow the enrolment gaps and dropouts.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from . import dates as D
from .careers import AbsenceGaps, K, Spells
from .exemptions import Exemptions
from .people import People
from .reference import Schools
from .staff import StaffPicker
from .text import numbered

# Chance per pupil and school year of at least one report, by age (before the factors below).
AGE_RATE = np.zeros(31)
AGE_RATE[6:12] = 0.010
AGE_RATE[12:18] = [0.029, 0.045, 0.064, 0.082, 0.094, 0.088]
AGE_RATE[18:23] = 0.045
KIND_FACTOR = np.array([1.0, 1.3, 1.5, 1.5, 1.0, 1.5, 1.2, 1.4])  # by careers.KINDS
YEAR_FACTOR = {2015: 0.92, 2016: 0.95, 2017: 0.97, 2018: 1.0, 2019: 0.78, 2020: 0.86, 2021: 1.04,
               2022: 1.08, 2023: 1.1, 2024: 1.08, 2025: 1.08}  # 2019-2020: school closures
KINDS_UNDER_12 = (("V3", "L", "LRV", "signaal", "O"), (0.45, 0.35, 0.03, 0.10, 0.07))
KINDS_12_17 = (("V3", "L", "LRV", "signaal", "O"), (0.64, 0.13, 0.06, 0.08, 0.09))
KINDS_18_PLUS = (("V4", "RMC"), (0.55, 0.45))
CLOSING_REASON_P = np.array([0.55, 0.10, 0.03, 0.07, 0.0, 0.10, 0.15])
# Working days from a report to its first action: 1 to 15, mostly within 5.
FIRST_ACTION_WORKDAYS = np.arange(1, 16)
FIRST_ACTION_P = np.array([25, 24, 17, 11, 8, 4, 3, 2, 1.5, 1.2, 1, 0.8, 0.6, 0.5, 0.4]) / 100.4
RESULT_BY_REASON = np.array(["", "terug_op_school", "andere_school", "werk", "overig", "overig", "zorg",
                             "geen_verzuim"], dtype=object)
FOLLOW_UPS = (("gesprek", "waarschuwing", "huisbezoek", "doorverwijzing_zorg", "zorgmelding", "overig",
               "last_onder_dwangsom"), (35, 15, 15, 12, 8, 14, 0.7))
CASE_KIND = {"V3": "relatief_verzuim", "O": "relatief_verzuim", "signaal": "relatief_verzuim",
             "L": "luxe_verzuim", "LRV": "langdurig_relatief_verzuim", "V4": "verzuim_18plus",
             "RMC": "verzuim_18plus"}


@dataclass
class Reports:
    pid: np.ndarray
    school: np.ndarray
    date: np.ndarray
    kind: np.ndarray
    status: np.ndarray
    reason: np.ndarray  # 0 = none
    closing: np.ndarray
    first_action: np.ndarray
    handler: np.ndarray
    begin_absence: np.ndarray
    end_absence: np.ndarray
    hours: np.ndarray
    number: np.ndarray

    def __len__(self) -> int:
        return len(self.pid)


@dataclass
class Cases:
    zaak_id: np.ndarray
    pid: np.ndarray
    kind: np.ndarray
    start: np.ndarray
    end: np.ndarray
    report: np.ndarray  # meldingsnummer or ""
    handler: np.ndarray
    result: np.ndarray  # canonical code, or a free-text spelling for leave requests

    def __len__(self) -> int:
        return len(self.pid)


@dataclass
class Actions:
    actie_id: np.ndarray
    date: np.ndarray
    kind: np.ndarray
    zaak_id: np.ndarray
    report: np.ndarray
    handler: np.ndarray

    def __len__(self) -> int:
        return len(self.date)


def _choice(rng: np.random.Generator, spec: tuple[tuple[str, ...], tuple[float, ...]], n: int) -> np.ndarray:
    values, p = spec
    return np.array(values, dtype=object)[rng.choice(len(values), n, p=np.array(p) / sum(p))]


def _concat(cls: type, parts: list) -> object:
    return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})


def build_reports(rng: np.random.Generator, spells: Spells, people: People, schools: Schools,
                  staff: StaffPicker, muni_factor: np.ndarray) -> Reports:
    pid_parts, school_parts, date_parts = [], [], []
    for y0 in D.SCHOOL_YEARS:
        # the running school year stops at the load date; its chance per day is that of a whole year
        lo, full, hi = D.aug1(y0) + 31, D.jul31(y0 + 1) - 16, min(D.jul31(y0 + 1) - 16, D.LOAD_DATE - 1)
        o_start, o_end = np.maximum(spells.start, lo), np.minimum(spells.end, hi)
        ok = (o_end >= o_start) & ~schools.belgian[spells.school] & people.has_bsn[spells.pid]
        a = np.clip(D.age(people.birth[spells.pid], np.clip(o_start, D.BASE, None)), 0, 30)
        p = (AGE_RATE[a] * KIND_FACTOR[spells.kind] * muni_factor[people.muni[spells.pid]] * YEAR_FACTOR[y0]
             * (o_end - o_start + 1) / (full - lo + 1))
        chosen = np.flatnonzero(ok & (rng.random(len(spells)) < p))
        idx = np.repeat(chosen, 1 + rng.poisson(0.3, chosen.size))
        span = o_end[idx] - o_start[idx] + 1
        day = D.weekday_forward(o_start[idx] + (rng.random(idx.size) * span).astype(np.int64))
        back = np.busday_offset(o_end[idx].astype("M8[D]"), 0, roll="backward").astype(np.int64)
        pid_parts.append(spells.pid[idx])
        school_parts.append(spells.school[idx])
        date_parts.append(np.maximum(np.minimum(day, back), o_start[idx]))
    pid, school, date = (np.concatenate(x) for x in (pid_parts, school_parts, date_parts))
    order = np.lexsort((pid, date))
    pid, school, date = pid[order], school[order], date[order]
    return _report_life(rng, pid, school, date, people, staff)


def _report_life(rng: np.random.Generator, pid: np.ndarray, school: np.ndarray, date: np.ndarray,
                 people: People, staff: StaffPicker) -> Reports:
    n = pid.size
    a = D.age(people.birth[pid], date)
    kind = np.where(a >= 18, _choice(rng, KINDS_18_PLUS, n),
                    np.where(a < 12, _choice(rng, KINDS_UNDER_12, n), _choice(rng, KINDS_12_17, n)))
    u = rng.random(n)
    p_k = np.select([kind == "signaal", kind == "O"], [0.40, 0.15], 0.03)
    status = np.where(u < 0.02, "I", np.where(u < 0.02 + p_k, "K", "G")).astype(object)
    median = np.where(kind == "LRV", 80.0, 40.0)
    sigma = np.where(kind == "LRV", 0.7, 0.8)
    duration = np.maximum(2, rng.lognormal(np.log(median), sigma)).astype(np.int64)
    duration = np.where(status == "G", duration, rng.integers(1, 12, n))
    has_action = rng.random(n) < np.where(status == "G", 0.93, 0.4)
    workdays = rng.choice(FIRST_ACTION_WORKDAYS, n, p=FIRST_ACTION_P / FIRST_ACTION_P.sum())
    first = D.add_workdays(date, workdays)
    has_action &= first <= D.LOAD_DATE
    first = np.where(has_action, first, D.NONE)
    closing = date + duration
    closing = np.where(has_action, np.maximum(closing, first + 1), closing)
    reason = np.where(status == "G", 1 + rng.choice(7, n, p=CLOSING_REASON_P), 0)
    still_open = (closing > D.LOAD_DATE) | ((status == "G") & (rng.random(n) < 0.015))
    status = np.where(still_open, np.where(has_action, "B", "R"), status).astype(object)
    reason = np.where(still_open, 0, reason)
    closing = np.where(still_open, D.NONE, closing)
    # a pupil who died while a report was open: closed with reason 5
    died = people.died[pid]
    dies = (died != D.NONE) & (died > date) & ((closing == D.NONE) | (closing >= died))
    closing = np.where(dies, np.minimum(died + 3, D.LOAD_DATE), closing)
    reason = np.where(dies, 5, reason)
    status = np.where(dies, "G", status).astype(object)

    adult = np.isin(kind, ("V4", "RMC"))
    handler = np.where(adult, staff.pick("doorstroomcoach", people.muni[pid], date),
                       staff.pick("leerplichtambtenaar", people.muni[pid], date))
    begin_abs, end_abs, hours = _absence_period(rng, kind, date)
    year = D.school_year_of(date)
    seq = np.zeros(n, dtype=np.int64)
    for y in np.unique(year):
        sel = year == y
        seq[sel] = np.arange(1, sel.sum() + 1)
    number = numbered(np.array([f"VM{y % 100:02d}" for y in year], dtype=object), seq, 6)
    return Reports(pid=pid, school=school, date=date, kind=kind, status=status, reason=reason,
                   closing=closing, first_action=first, handler=handler, begin_absence=begin_abs,
                   end_absence=end_abs, hours=hours, number=number)


def close_for_deaths(rng: np.random.Generator, reports: Reports, people: People, exempt: np.ndarray) -> None:
    """A few pupils die while a report is open (closing reason 5): rare, but every reason occurs.
    Takes each chosen person's last report, so nothing of theirs is reported after the death."""
    last = len(reports) - 1 - np.unique(reports.pid[::-1], return_index=True)[1]
    pid = reports.pid[last]
    a = D.age(people.birth[pid], reports.date[last])
    ok = ((reports.status[last] == "G") & (reports.closing[last] - reports.date[last] > 3) & (a >= 12)
          & (people.died[pid] == D.NONE) & ~exempt[pid] & ~people.belgian[pid] & ~people.travelling[pid])
    candidates = last[ok]
    chosen = rng.choice(candidates, size=min(len(reports) // 15000 + 1, candidates.size), replace=False)
    reports.reason[chosen] = 5
    people.died[reports.pid[chosen]] = reports.closing[chosen] - rng.integers(1, 3, chosen.size)


def _absence_period(rng: np.random.Generator, kind: np.ndarray, date: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = kind.size
    back = np.select([kind == "LRV", kind == "L"], [rng.integers(28, 45, n), rng.integers(0, 15, n)],
                     rng.integers(10, 28, n))
    begin = np.maximum(date - back, D.aug1(D.school_year_of(date)) + 28)  # not in the summer holiday
    end = np.select([kind == "LRV", kind == "L"], [np.full(n, D.NONE), begin + rng.integers(1, 8, n)],
                    date - rng.integers(0, 4, n))
    end = np.where((end != D.NONE) & (end < begin), begin, end)
    hours = np.select([kind == "LRV", kind == "L", kind == "signaal", kind == "O"],
                      [rng.integers(80, 160, n), rng.integers(6, 40, n), rng.integers(6, 16, n),
                       rng.integers(4, 20, n)], 16 + rng.gamma(2.0, 5.0, n).astype(np.int64))
    half = rng.random(n) < 0.15  # some schools report half hours
    return begin, end, hours + 0.5 * half


def build_cases(rng: np.random.Generator, reports: Reports, gaps: AbsenceGaps, leavers_pid: np.ndarray,
                leavers_date: np.ndarray, exemptions: Exemptions, spells: Spells, people: People,
                staff: StaffPicker) -> Cases:
    parts = [_report_cases(rng, reports),
             _absolute_cases(rng, gaps, leavers_pid, leavers_date, people, staff),
             _exemption_cases(rng, exemptions, people, staff),
             _leave_requests(rng, spells, people, staff)]
    cases: Cases = _concat(Cases, parts)  # type: ignore[assignment]
    order = np.lexsort((cases.pid, cases.start))
    cases = Cases(**{f.name: getattr(cases, f.name)[order] for f in fields(Cases)})
    year = D.year_of(cases.start)
    seq = np.zeros(len(cases), dtype=np.int64)
    for y in np.unique(year):
        sel = year == y
        seq[sel] = np.arange(1, sel.sum() + 1)
    cases.zaak_id = numbered(np.array([f"Z{y}-" for y in year], dtype=object), seq, 5)
    return cases


def _case_end(rng: np.random.Generator, start: np.ndarray, median: float, sigma: float) -> np.ndarray:
    end = start + np.maximum(1, rng.lognormal(np.log(median), sigma, start.size)).astype(np.int64)
    return np.where(end > D.LOAD_DATE, D.NONE, end)


def _report_cases(rng: np.random.Generator, r: Reports) -> Cases:
    n = len(r)
    take = (r.status != "I") & (rng.random(n) < np.where(r.status == "K", 0.2, 0.88))
    idx = np.flatnonzero(take)
    end = np.where(r.closing[idx] == D.NONE, D.NONE, r.closing[idx] + rng.integers(0, 7, idx.size))
    end = np.where(end > D.LOAD_DATE, D.NONE, end)
    result = np.where(r.status[idx] == "K", "geen_verzuim", RESULT_BY_REASON[r.reason[idx]])
    moved = (r.reason[idx] == 4) & (rng.random(idx.size) < 0.4)
    result = np.where(moved, "verhuisd", result)
    result = np.where(end == D.NONE, "", result).astype(object)
    kind = np.array([CASE_KIND[k] for k in r.kind[idx]], dtype=object)
    return Cases(zaak_id=np.full(idx.size, "", dtype=object), pid=r.pid[idx], kind=kind, start=r.date[idx],
                 end=end, report=r.number[idx], handler=r.handler[idx], result=result)


def _absolute_cases(rng: np.random.Generator, gaps: AbsenceGaps, leavers_pid: np.ndarray,
                    leavers_date: np.ndarray, people: People, staff: StaffPicker) -> Cases:
    # gaps in enrolment: the school reports the pupil gone, the case runs until re-enrolment
    gaps = AbsenceGaps(*(getattr(gaps, f.name)[people.has_bsn[gaps.pid]] for f in fields(AbsenceGaps)))
    start = np.minimum(D.weekday_forward(gaps.start + rng.integers(1, 10, gaps.pid.size)), D.LOAD_DATE)
    end = np.where(gaps.end == D.NONE, D.NONE, np.maximum(gaps.end, start + 1))
    end = np.where(end > D.LOAD_DATE, D.NONE, end)
    not_back = _choice(rng, (("verhuisd", "werk", "zorg", "overig", "vrijstelling"), (3, 2, 2, 3, 1)),
                       gaps.pid.size)
    result = np.where(gaps.back_same_school, "terug_op_school",
                      np.where(gaps.back, "andere_school", not_back))
    # dropouts under 18 (still kwalificatieplichtig)
    a = D.age(people.birth[leavers_pid], leavers_date)
    keep = ((a < 18) & (leavers_date >= D.WINDOW_START) & (leavers_date <= D.LOAD_DATE - 10)
            & people.has_bsn[leavers_pid])
    lp, ld = leavers_pid[keep], leavers_date[keep]
    l_start = np.minimum(D.weekday_forward(ld + rng.integers(5, 25, lp.size)), D.LOAD_DATE)
    l_end = _case_end(rng, l_start, 45, 0.8)
    l_result = _choice(rng, (("werk", "andere_school", "zorg", "overig"), (3, 3, 1.5, 2.5)), lp.size)
    pid = np.concatenate([gaps.pid, lp])
    start = np.concatenate([start, l_start])
    end = np.concatenate([end, l_end])
    result = np.where(end == D.NONE, "", np.concatenate([result, l_result])).astype(object)
    return Cases(zaak_id=np.full(pid.size, "", dtype=object), pid=pid,
                 kind=np.full(pid.size, "absoluut_verzuim", dtype=object), start=start, end=end,
                 report=np.full(pid.size, "", dtype=object),
                 handler=staff.pick("leerplichtambtenaar", people.muni[pid], start), result=result)


def _exemption_cases(rng: np.random.Generator, ex: Exemptions, people: People, staff: StaffPicker) -> Cases:
    idx = np.flatnonzero((ex.requested >= D.WINDOW_START) & people.has_bsn[ex.pid])
    start = ex.requested[idx]
    end = np.minimum(start + rng.integers(5, 40, idx.size), np.maximum(ex.begin[idx], start + 1))
    end = np.where(end > D.LOAD_DATE, D.NONE, end)
    result = np.where(end == D.NONE, "", np.where(ex.granted[idx], "vrijstelling", "overig")).astype(object)
    return Cases(zaak_id=np.full(idx.size, "", dtype=object), pid=ex.pid[idx],
                 kind=np.full(idx.size, "vrijstelling_aanvraag", dtype=object), start=start, end=end,
                 report=np.full(idx.size, "", dtype=object),
                 handler=staff.pick("leerplichtambtenaar", people.muni[ex.pid[idx]], start), result=result)


def _leave_requests(rng: np.random.Generator, spells: Spells, people: People, staff: StaffPicker) -> Cases:
    """Parents asking leave outside the holidays (verlof aanvraag); results are free text."""
    young = np.isin(spells.kind, (K["PO"], K["SBO"], K["SO"], K["VO"])) & people.has_bsn[spells.pid]
    pids, starts = [], []
    for y0 in D.SCHOOL_YEARS:
        lo, full = D.aug1(y0) + 31, D.jul31(y0 + 1) - 30
        hi = min(full, D.LOAD_DATE - 15)  # the running school year: its share of a year's requests so far
        chance = 0.0025 * (hi - lo) / (full - lo)
        ok = young & (spells.start <= lo) & (spells.end >= hi) & (rng.random(len(spells)) < chance)
        idx = np.flatnonzero(ok)
        pids.append(spells.pid[idx])
        starts.append(D.weekday_forward(lo + (rng.random(idx.size) * (hi - lo)).astype(np.int64)))
    pid, start = np.concatenate(pids), np.concatenate(starts)
    end = start + rng.integers(2, 12, pid.size)
    result = _choice(rng, (("verlof verleend", "verlof geweigerd", "geen verzuim"), (6, 3, 1)), pid.size)
    return Cases(zaak_id=np.full(pid.size, "", dtype=object), pid=pid,
                 kind=np.full(pid.size, "verlof_aanvraag", dtype=object), start=start, end=end,
                 report=np.full(pid.size, "", dtype=object),
                 handler=staff.pick("leerplichtambtenaar", people.muni[pid], start), result=result)


def build_actions(rng: np.random.Generator, reports: Reports, cases: Cases, people: People) -> Actions:
    parts: list[Actions] = []
    # the first action on a report
    has = reports.first_action != D.NONE
    linked = cases.report != ""
    case_of_report = dict(zip(cases.report[linked], cases.zaak_id[linked], strict=True))
    zaak = np.array([case_of_report.get(m, "") for m in reports.number[has]], dtype=object)
    first_kind = np.where(reports.status[has] == "K", "overig",
                          _choice(rng, (("gesprek", "huisbezoek", "waarschuwing", "zorgmelding", "overig"),
                                        (55, 12, 8, 5, 20)), int(has.sum())))
    parts.append(_actions(reports.first_action[has], first_kind, zaak, reports.number[has],
                          reports.handler[has]))
    # follow-ups in cases
    requests = np.isin(cases.kind, ("verlof_aanvraag", "vrijstelling_aanvraag"))
    mean = np.select([cases.kind == "langdurig_relatief_verzuim", cases.kind == "absoluut_verzuim", requests],
                     [2.5, 2.0, 0.3], 1.0)
    count = rng.poisson(mean)
    idx = np.repeat(np.arange(len(cases)), count)
    last = np.where(cases.end[idx] == D.NONE, np.minimum(cases.start[idx] + 150, D.LOAD_DATE), cases.end[idx])
    offset = (rng.random(idx.size) * np.maximum(last - cases.start[idx], 1)).astype(np.int64)
    date = D.weekday_forward(cases.start[idx] + 1 + offset)
    kind = _choice(rng, FOLLOW_UPS, idx.size)
    parts.append(_actions(date, kind, cases.zaak_id[idx], np.full(idx.size, "", dtype=object),
                          cases.handler[idx]))
    # HALT (12-17, once per pupil) and proces-verbaal, now and then
    a = D.age(people.birth[cases.pid], cases.start)
    enforce = np.isin(cases.kind, ("relatief_verzuim", "luxe_verzuim", "langdurig_relatief_verzuim"))
    halt = enforce & (a >= 12) & (a < 18) & (rng.random(len(cases)) < 0.05)
    halt_idx = np.flatnonzero(halt)
    halt_idx = halt_idx[np.unique(cases.pid[halt_idx], return_index=True)[1]]
    pv = (enforce | (cases.kind == "absoluut_verzuim")) & (rng.random(len(cases)) < np.where(
        cases.kind == "langdurig_relatief_verzuim", 0.05, 0.015))
    pv_idx = np.flatnonzero(pv)
    for sel, kind_name, lo, hi in ((halt_idx, "halt", 10, 50), (pv_idx, "proces_verbaal", 20, 90)):
        d = D.weekday_forward(cases.start[sel] + rng.integers(lo, hi, sel.size))
        d = np.where(cases.end[sel] != D.NONE, np.minimum(d, cases.end[sel]), d)
        parts.append(_actions(d, np.full(sel.size, kind_name, dtype=object), cases.zaak_id[sel],
                              np.full(sel.size, "", dtype=object), cases.handler[sel]))
        closed = sel[(cases.end[sel] != D.NONE) & (rng.random(sel.size) < 0.5)]
        cases.result[closed] = kind_name
    acts: Actions = _concat(Actions, parts)  # type: ignore[assignment]
    keep = np.flatnonzero(acts.date <= D.LOAD_DATE)
    acts = Actions(**{f.name: getattr(acts, f.name)[keep] for f in fields(Actions)})
    order = np.argsort(acts.date, kind="stable")
    acts = Actions(**{f.name: getattr(acts, f.name)[order] for f in fields(Actions)})
    acts.actie_id = numbered("ACT", np.arange(1, len(acts) + 1), 7)
    return acts


def _actions(date: np.ndarray, kind: np.ndarray, zaak: np.ndarray, report: np.ndarray,
             handler: np.ndarray) -> Actions:
    return Actions(actie_id=np.full(date.size, "", dtype=object), date=date.astype(np.int64), kind=kind,
                   zaak_id=zaak, report=report, handler=handler)
