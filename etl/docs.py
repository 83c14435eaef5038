"""Write docs/sources.md from the source contract (etl/sources.py), with an example file per source.

`python -m etl.docs` rewrites it; tests/test_docs.py fails when a source or column is missing.
Example BSNs come from the government's test range (9999...); no real person is in them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from etl.sources import SOURCES, Source

DOCS = Path(__file__).resolve().parents[1] / "docs"
EXAMPLES = {
    "gemeenten": "gemeente_code;naam;uitvoeringsniveau;deelname_vanaf\nGM0758;Breda;2;01-01-2014\n"
                 "GM1959;Altena;1;01-01-2019",
    "bevolking": "gemeente_code;peildatum;leeftijd;geslacht;aantal\nGM0758;01-01-2024;10;M;1.012\n"
                 "GM0738;01-01-2018;10;V;71",
    "scholen": 'brin;vestiging;naam;sector;gemeente_code;postcode;plaats\n06HO;00;Basisschool de Uilenpoort;PO;'
               'GM0744;5111 XP;Baarle-Nassau\n'
               '25GC;08;"Scholengemeenschap; locatie Baarle";VO;0744;5111 BX;Baarle-Nassau',
    "personen": "bsn;geboortedatum;gemeente_code;geslacht;postcode;voornaam\n999990019;15-03-2011;BREDA;V;4811 AB;"
                "(niet gelezen)",
    "inschrijvingen": "bsn;brin;vestiging;datum_inschrijving;datum_uitschrijving;onderwijssoort;niveau;leerjaar\n"
                      "999990019;06HO;00;01-08-2015;31-07-2023;PO;;8\n999990019;25GC;08;01-08-2023;;VO;havo;1",
    "verzuimmeldingen": "meldingsnummer;bsn;brin;vestiging;melddatum;verzuimsoort;status;reden_afsluiting;"
                        "datum_afsluiting;gemeente_code;behandelaar;laatste_mutatie\n"
                        "2024-000123;999990019;25GC;08;04-03-2024;V3;G;1;15-04-2024;GM0758;LPA07;15-04-2024 10:12",
    "zaken": "zaak_id;bsn;soort;startdatum;einddatum;gemeente_code;meldingsnummer;behandelaar;resultaat\n"
             "Z-2024-0042;999990019;relatief_verzuim;05-03-2024;15-04-2024;GM0758;2024-000123;LPA07;terug_op_school",
    "acties": "actie_id;datum;soort;zaak_id;meldingsnummer;behandelaar\nA-1;06-03-2024;gesprek;Z-2024-0042;"
              "2024-000123;LPA07",
    "vrijstellingen": "bsn;artikel;besluit;begindatum;einddatum;aanvraagdatum;gemeente_code\n"
                      "999990020;5 onder c;toegekend;01-08-2024;31-07-2025;15-06-2024;GM0744",
    "trajecten": "traject_id;bsn;startdatum;herkomst;datum_eerste_contact;einddatum;resultaat;gemeente_code\n"
                 "T-88;999990032;02-10-2023;nieuw_vsv;09-10-2023;30-04-2024;werk;GM1674",
    "medewerkers": "medewerker;rol;gemeente_code;fte;begindatum;einddatum\nLPA07;leerplichtambtenaar;GM0758;0,8;"
                   "01-01-2022;",
    "contactpersonen": "brin;vestiging;medewerker;begindatum;einddatum\n25GC;08;LPA07;01-08-2023;",
    "begroting": "jaar;bedrag;uitvoeringsniveau\n2025;1.234.567,89;1\n2025;1.612.000,00;2\n2025;312.500,01;2A",
    "landelijke_referenties": "kpi_id;periode;uitsplitsing;waarde;bron;publicatiejaar\n"
                              "vsv_percentage;2023-2024;;2,29;NJi, Cijfers over voortijdig schoolverlaten (DUO);2025\n"
                              "vsv_percentage;2023-2024;MBO;6,0;NJi, Cijfers over voortijdig schoolverlaten (DUO);2025",
    "vsv": "bsn;teljaar;gemeente_code;onderwijssoort;niveau;geboortedatum;geslacht;status\n"
           "999990044;2022-2023;GM0758;MBO;2;20060315;M;definitief",
    "startpopulatie": "bsn;teljaar;gemeente_code;onderwijssoort;niveau;geboortedatum;geslacht;status\n"
                      "999990044;2022-2023;GM0758;MBO;2;20060315;M;definitief",
}
KIND_TEXT = {
    "text": "tekst", "int": "geheel getal (`1.234` mag)", "decimal": "getal (`0,8` of `0.8`)", "bool": "J/N",
    "date": "datum", "datetime": "datum met tijd", "code": "code", "municipality": "deelnemende gemeente",
    "municipality_any": "gemeente", "brin": "BRIN (2 cijfers + 2 tekens)", "vestiging": "2 cijfers",
    "postcode4": "postcode (alleen de 4 cijfers blijven)", "person": "BSN (elfproef) -> pseudoniem",
    "birthdate": "datum -> alleen jaar en maand", "schoolyear": "teljaar `2022-2023`",
}


def _codes(f) -> str:
    if not f.codes:
        return ""
    canonical = sorted(set(f.codes.values()))
    text = ", ".join(f"`{c}`" for c in canonical)
    return f" Codes: {text}." + (f" Onbekend wordt `{f.lenient_default}`." if f.lenient_default else "")


def _source(source: Source) -> list[str]:
    lines = [f"### `{source.name}`", "", f"Eén regel is {source.description}. Sleutel: "
             + ", ".join(f"`{k}`" for k in source.key)
             + (f"; bij dezelfde sleutel wint de hoogste `{source.order_by}`, daarna de latere levering."
                if source.order_by else "; bij dezelfde sleutel wint de latere levering."), "",
             "| kolom | verplicht | soort | ook als |", "|---|---|---|---|"]
    for f in source.fields:
        aliases = ", ".join(f"`{a}`" for a in f.aliases)
        future = " Mag na de laaddatum liggen." if f.future_ok else ""
        lines.append(f"| `{f.name}` | {'ja' if f.required else ''} | {KIND_TEXT[f.kind]}.{_codes(f)}{future} "
                     f"| {aliases} |")
    if source.date_pairs:
        lines += ["", "Afgekeurd als " + "; ".join(f"`{e}` voor `{s}` ligt" for s, e in source.date_pairs) + "."]
    lines += ["", "Voorbeeld (`" + source.name + ".csv`):", "", "```", EXAMPLES[source.name], "```", ""]
    return lines


def render() -> str:
    intro = (DOCS / "sources_intro.md").read_text().rstrip()
    body = ["", "## De bronnen", "",
            "Gegenereerd uit `etl/sources.py` door `python -m etl.docs`; niet onder deze regel bewerken.", ""]
    for source in SOURCES:
        body += _source(source)
    return intro + "\n" + "\n".join(body).rstrip() + "\n"


def main() -> int:
    (DOCS / "sources.md").write_text(render())
    print(f"docs/sources.md: {len(SOURCES)} bronnen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
