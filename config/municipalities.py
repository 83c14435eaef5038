"""The participating municipalities of the joint arrangement (domain.md), before any `gemeenten` file is loaded.

Configuration, not code: the etl reads municipality names and codes against it, the warehouse fills
int_municipalities with it until a `gemeenten` file says who takes part.
"""

from __future__ import annotations

# The 16 participating municipalities (domain.md): the default until a `gemeenten` file is loaded.
DEFAULT_MUNICIPALITIES: dict[str, tuple[str, str]] = {
    "GM1723": ("Alphen-Chaam", "2"), "GM1959": ("Altena", "1"), "GM0744": ("Baarle-Nassau", "2"),
    "GM0748": ("Bergen op Zoom", "1"), "GM0758": ("Breda", "2"), "GM1719": ("Drimmelen", "2"),
    "GM0777": ("Etten-Leur", "2A"), "GM0779": ("Geertruidenberg", "2"), "GM1655": ("Halderberge", "1"),
    "GM1709": ("Moerdijk", "2"), "GM0826": ("Oosterhout", "2"), "GM1674": ("Roosendaal", "1"),
    "GM0840": ("Rucphen", "2A"), "GM0851": ("Steenbergen", "1"), "GM0873": ("Woensdrecht", "1"),
    "GM0879": ("Zundert", "2A"),
}
