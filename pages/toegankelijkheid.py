"""Toegankelijkheid: the accessibility statement (what was tested, how, when, what is known not to work).

Dutch government web applications must meet WCAG 2.1 AA (EN 301 549) and publish such a statement. Open to every
logged-in role and linked from every page's footer. The facts here are what tests/test_browser_a11y.py and
tests/test_keyboard_phone.py check in every `make test`; docs/accessibility.md says how to keep them true.
"""

from __future__ import annotations

import dash
from dash import html

from access.roles import ROLES
from pages._components import page_header

TESTED_ON = "6 december 2026"  # the last review by hand (docs/accessibility.md); the tests run on every change

dash.register_page(__name__, path="/toegankelijkheid", name="Toegankelijkheid",
                   title="Toegankelijkheid - RBL Monitor", order=200, access=ROLES, in_menu=False)


def layout(**_: object) -> html.Div:
    return html.Div([
        page_header("Toegankelijkheid"),
        html.P("Het Regionaal Bureau Leren West-Brabant wil dat iedereen de RBL Monitor kan gebruiken: met muis, "
               "toetsenbord of schermlezer, op een computer, tablet of telefoon. De RBL Monitor moet voldoen aan "
               "de Web Content Accessibility Guidelines (WCAG) 2.1, niveau AA."),
        html.H2("Wat we hebben getest", className="h4 mt-4"),
        html.Ul([
            html.Li("Elke pagina, voor elke rol die haar mag openen, en de inlogpagina: automatisch met axe-core "
                    "4.14 op alle regels van WCAG 2.0 en 2.1, niveau A en AA, in de browser Chromium. "
                    "Uitkomst: geen overtredingen."),
            html.Li("Bediening met alleen het toetsenbord: een link 'Naar de inhoud' als eerste, een zichtbare "
                    "focusrand op elke knop, link en keuzelijst, de detailgegevens van een school openen met Enter "
                    "in de tabel, en een tabel downloaden."),
            html.Li("Telefoon (390 bij 844 beeldpunten): het menu klapt in, de eerste grafiek van Verzuim staat op "
                    "het eerste scherm. Tablet (1024 beeldpunten breed): de kwartaalweergave past zonder "
                    "horizontaal schuiven."),
            html.Li("Het kwartaalpakket (PDF): getagd volgens PDF/UA, met taal Nederlands, een titel, een "
                    "leesvolgorde en een tekstalternatief bij elke grafiek."),
            html.Li("Elke grafiek heeft een kop die zegt wat zij laat zien, en de cijfers als tabel onder "
                    "'Tabel bij deze grafiek'."),
        ]),
        html.H2("Hoe en wanneer", className="h4 mt-4"),
        html.P(f"De automatische tests draaien bij elke wijziging van de software. De laatste controle met de hand "
               f"was op {TESTED_ON}."),
        html.H2("Wat nog niet goed werkt", className="h4 mt-4"),
        html.Ul([
            html.Li("De kaarten en grafieken zelf zijn afbeeldingen: een schermlezer leest ze niet voor. Gebruik de "
                    "tabel onder elke grafiek; een gemeente kiest u ook met de keuzelijst Gemeente."),
            html.Li("De keuzelijsten komen uit het onderdeel Dash; een klein script maakt ze bedienbaar met het "
                    "toetsenbord en geeft ze hun naam. Zonder JavaScript werkt de RBL Monitor niet."),
            html.Li("Excel-bestanden zijn niet op toegankelijkheid getest."),
        ]),
        html.H2("Een probleem melden", className="h4 mt-4"),
        html.P("Werkt iets niet, of kunt u iets niet lezen? Meld het bij de functioneel beheerder van het "
               "Regionaal Bureau Leren West-Brabant. U krijgt binnen vijf werkdagen antwoord."),
    ])
