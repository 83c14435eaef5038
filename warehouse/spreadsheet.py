"""Text cells a spreadsheet will not run: the one guard against CSV injection (OWASP "CSV injection").

Excel and LibreOffice treat a cell that starts with `=`, `+`, `-` or `@` (and, after a tab or carriage
return, the same) as a formula, so a school name `=HYPERLINK("http://x.example","klik")` loaded from a
source file would become a live link in a downloaded CSV. Every CSV writer of the product passes its
text cells through `safe_text`, which puts an apostrophe in front: the spreadsheet shows the text as
it is (the apostrophe is its own "this is text" mark). Numbers are not text cells: a negative number
stays a number. XLSX cells are written as strings (xlsxwriter `write_string`), never as formulas, so
they need no apostrophe.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """`value` as a CSV text cell that a spreadsheet shows as text."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
