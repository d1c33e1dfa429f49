"""The hints for a table a spreadsheet saved in another form than the package's (encoding, byte-order
mark, delimiter, line ends): `peacetalks fix` puts each right without changing a value, and the save
options that give the package's form in Excel and in LibreOffice. Written once, for every reader."""

from __future__ import annotations

SAVE_AS = (
    'To save so: LibreOffice, File › Save As › Text CSV, "Edit filter settings", Character set Unicode (UTF-8), Field delimiter ","; '
    'Excel, "CSV UTF-8 (Comma delimited)", then `peacetalks fix` (Excel adds a BOM, and semicolons in many European languages)'
)

BOM = f"run `peacetalks fix`: it removes the mark and changes no value. {SAVE_AS}"

ENCODING = f"run `peacetalks fix`: it re-encodes the table as UTF-8 and changes no value. {SAVE_AS}"

ENCODING_UNSURE = (
    "run `peacetalks fix --encoding cp1252` with the encoding it was saved in (cp1252: Windows-1252, Western Europe; "
    f"cp1250 Central Europe; cp1251 Cyrillic; mac-roman Excel for Mac), or save it again as UTF-8. {SAVE_AS}"
)

DELIMITER = f"run `peacetalks fix`: it rewrites the table with commas and changes no value. {SAVE_AS}"

LINE_ENDS = "run `peacetalks fix`: it rewrites the line ends as the package's and changes no value (spreadsheets on Windows write CRLF)"
