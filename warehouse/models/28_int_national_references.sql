-- int_national_references: published national values beside the region's figures (source landelijke_referenties),
-- in the KPI's own unit; breakdown '' is the total, as in mart_kpi_values.
CREATE TABLE int_national_references AS
SELECT kpi_id, periode AS period, coalesce(uitsplitsing, '') AS breakdown, waarde AS value, bron AS source,
       publicatiejaar AS published
FROM stg_landelijke_referenties;
