"""The hints for a table a spreadsheet saved in another form than the package's (encoding, byte-order
mark, delimiter, line ends): `peacetalks fix` puts each right without changing a value, and the save
options that give the package's form in Excel and in LibreOffice. Written once, for every reader."""

from __future__ import annotations

LIBREOFFICE = (
    'in LibreOffice, File › Save As › "Text CSV", tick "Edit filter settings", then Character set "Unicode (UTF-8)" and Field delimiter ","'
)
EXCEL = 'Excel\'s "CSV UTF-8 (Comma delimited)" writes a byte-order mark, and semicolons in many European languages: fix removes both'

BOM = f"run `peacetalks fix`: it removes the mark and changes no value. To save without one: {LIBREOFFICE}; {EXCEL}"

ENCODING = f"run `peacetalks fix`: it re-encodes the table as UTF-8 and changes no value. To save as UTF-8: {LIBREOFFICE}; {EXCEL}"

ENCODING_UNSURE = (
    "name the encoding it was saved in: `peacetalks fix --encoding cp1252` (Windows-1252, Western Europe; cp1250 Central "
    f"Europe, cp1251 Cyrillic, mac-roman Excel for Mac), or save it again as UTF-8: {LIBREOFFICE}; {EXCEL}"
)

DELIMITER = f"run `peacetalks fix`: it rewrites the table with commas and changes no value. To save with commas: {LIBREOFFICE}; {EXCEL}"

LINE_ENDS = "run `peacetalks fix`: it rewrites the line ends as the package's and changes no value (spreadsheets on Windows end lines in CRLF)"
