"""The Dutch words the product shows for its codes: one home, so a page, a workbook and the meeting pack call
the region, a period kind or a kind of absence the same. Formats of numbers and dates: presentation/formats.py."""

from __future__ import annotations

REGION_NAME = "Regio West-Brabant"  # the 16 municipalities together (warehouse.queries.REGION_CODE)

# How a period of each kind (warehouse.registry.PERIOD_KINDS) is written out in the UI.
PERIOD_WORDS = {
    "schooljaar": "schooljaar",
    "teljaar": "teljaar",
    "peildatum": "peildatum",
    "begrotingsjaar": "begroting",
    "kwartaal": "kwartaal",
}
DE_WORDS = {"peildatum"}  # Dutch "de" words among the period words (schooljaar, teljaar, kwartaal are "het")

SEX = {"M": "man", "V": "vrouw"}

# Kinds of absence (the `verzuimsoort=` breakdown of verzuim_per_school)
ABSENCE_KINDS = {"V1": "V1 (oud)", "V2": "V2 (oud)", "V3": "V3: 16 uur, onder 18", "V4": "V4: 16 uur, 18 en ouder",
                 "L": "Luxe verzuim", "LRV": "Langdurig relatief verzuim", "RMC": "RMC (18 en ouder)", "O": "Overig",
                 "signaal": "Signaal verzuim", "beginnend": "Beginnend verzuim"}
# DUO's closing reasons 1-7; the registry names the first and the last (docs/kpis.md, sluitredenen)
CLOSING_REASONS = {"1": "1: terug naar school", "7": "7: geoorloofd afwezig"}
