-- int_municipalities: one row per participating municipality (key gemeente_code).
-- From the `gemeenten` source; before one is loaded, the 16 of domain.md (inserted by build.py).
CREATE TABLE int_municipalities AS
SELECT gemeente_code, naam, uitvoeringsniveau, deelname_vanaf, deelname_tot
FROM stg_gemeenten;
