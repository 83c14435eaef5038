-- Shared definitions used by the models and the KPI SQL (kpis.md "Conventions").
-- working days from a to b: the Mondays to Fridays after a up to and including b (same day = 0).
-- 1970-01-05 was a Monday; weekdays_upto(d) counts Mondays to Fridays from then up to d.
CREATE OR REPLACE MACRO weekdays_upto(d) AS
    5 * ((d - DATE '1970-01-05') // 7) + least(((d - DATE '1970-01-05') % 7) + 1, 5);
CREATE OR REPLACE MACRO working_days(a, b) AS weekdays_upto(b) - weekdays_upto(a);
-- Age in whole years on date d for a birth known by year and month only: the birthday is taken
-- to be the first of the birth month (security.md keeps no day; the law's age rules work per month).
CREATE OR REPLACE MACRO age_on(birth_year, birth_month, d) AS
    year(d) - birth_year - CASE WHEN month(d) < birth_month THEN 1 ELSE 0 END;
-- The school year (1 August - 31 July) a date falls in, written 2023-2024.
CREATE OR REPLACE MACRO school_year_of(d) AS
    CAST(year(d) - CASE WHEN month(d) < 8 THEN 1 ELSE 0 END AS VARCHAR) || '-' ||
    CAST(year(d) - CASE WHEN month(d) < 8 THEN 1 ELSE 0 END + 1 AS VARCHAR);
-- Education groups of the annual report: PO (incl. SBO), VSO ((V)SO), VO (incl. PRO and VAVO), MBO, HO.
CREATE OR REPLACE MACRO education_group(t) AS CASE
    WHEN t IN ('PO', 'SBO') THEN 'PO' WHEN t IN ('SO', 'VSO') THEN 'VSO'
    WHEN t IN ('VO', 'PRO', 'VAVO') THEN 'VO' WHEN t = 'MBO' THEN 'MBO' WHEN t = 'HO' THEN 'HO'
    ELSE 'onbekend' END;
-- The latest enrolment of a set, ties (two starting the same day) to the later stage, so a model picks the same
-- one on every build: arg_max(education_group, enrolment_order(start_date, education_group)).
CREATE OR REPLACE MACRO enrolment_order(start_date, grp) AS
    (start_date - DATE '1900-01-01') * 8 + CASE grp WHEN 'PO' THEN 1 WHEN 'VSO' THEN 2 WHEN 'VO' THEN 3
                                                WHEN 'MBO' THEN 4 WHEN 'HO' THEN 5 ELSE 0 END;
