"""What a load refuses before it reads a file, and after (settings `laden.*`, docs/settings.md).

- A symbolic link is followed only when its target stays inside the folder the load was given: a link
  to `/etc/...` or to another team's share is refused, never read.
- A file larger than `laden.max_bestand_mb` is refused; an `.xlsx` also by the size its parts unpack to
  (a 1 MB workbook can unpack to hundreds of MB of XML). The default, 1.024 MB, takes a national-size set
  (the demo at scale 25: DUO start-population files of about 250 MB, a BRP extract of about 435 MB; reading
  streams, so memory does not grow with a file's size) and still stops a runaway export or a zip bomb.
- A file with more rejected rows than `laden.max_afgekeurde_regels` is refused: a file that is mostly
  wrong is the wrong file, and publishing a million rejections helps no one.
A refusal refuses the whole load (exit 2, nothing published), with the reason and what to do.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from config.settings import load_settings
from etl.read import FileRefused

MB = 1024 * 1024


def check_file(path: Path, folder: Path) -> None:
    """Refuse `path` (a file listed in `folder`) when it links out of the folder or is too large."""
    if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
        raise FileRefused(path, "een symbolische koppeling naar een bestand buiten de map (niet gevolgd)",
                          "Zet het bestand zelf in de map in plaats van een koppeling")
    limit_mb = float(load_settings().get("laden", "max_bestand_mb"))
    size = path.stat().st_size
    if size > limit_mb * MB:
        raise FileRefused(path, f"het bestand is groter dan {_mb(limit_mb)} MB ({_mb(size / MB, 1)} MB)",
                          "Lever het in kleinere delen aan, of verhoog laden.max_bestand_mb in de instellingen")
    if path.suffix.lower() == ".xlsx" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > limit_mb * MB:
            raise FileRefused(path, f"het Excel-bestand is uitgepakt groter dan {_mb(limit_mb)} MB "
                              f"({_mb(unpacked / MB, 1)} MB)", "Lever het als CSV of in kleinere delen aan")


def _mb(value: float, decimals: int | None = None) -> str:
    """A size the Dutch way: 1.024 and 0,05 and 1.100,0 (the message is read by people)."""
    whole = f"{value:,.0f}" if value == int(value) else f"{value:g}"
    text = whole if decimals is None else f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def check_rejects(path: Path, rejected: int) -> None:
    """Refuse a file with more rejected rows than the limit."""
    limit = int(load_settings().get("laden", "max_afgekeurde_regels"))
    if rejected > limit:
        raise FileRefused(path, f"{rejected} afgekeurde regels, meer dan de grens van {limit}",
                          "Controleer of dit het goede bestand is en of de kolommen kloppen (docs/sources.md)")
