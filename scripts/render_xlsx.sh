#!/bin/sh
# Print the xlsx export as LibreOffice prints it, say how many pages it takes, and write the
# picture of the Dictionary sheet that docs/exports.md shows (default docs/xlsx-dictionary.png).
# Needs LibreOffice Calc and poppler: apt-get install libreoffice-calc poppler-utils
# (and fonts-crosextra-carlito, the metric twin of the workbook's Calibri). Not part of `make test`.
set -eu
picture=${1:-docs/xlsx-dictionary.png}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.venv/bin/peacetalks export --to xlsx "$work/peacetalks.xlsx" .
# A profile of its own, so that a LibreOffice already open does not take the job.
libreoffice -env:UserInstallation="file://$work/profile" --headless --convert-to pdf --outdir "$work" "$work/peacetalks.xlsx" >/dev/null
echo "peacetalks.xlsx prints to $(pdfinfo "$work/peacetalks.pdf" | awk '/^Pages:/ {print $2}') pages"
# Page 2 is the Dictionary's first (About takes one): its upper half, readable at its own size.
pdftoppm -png -r 100 -f 2 -l 2 -singlefile -x 15 -y 65 -W 1040 -H 470 "$work/peacetalks.pdf" "${picture%.png}"
echo "wrote $picture"
