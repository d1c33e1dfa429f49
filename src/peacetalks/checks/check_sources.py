"""Rules about the source texts: each text's SHA-256, every quote found
verbatim in its source, and codes that must exist in a code list."""

from __future__ import annotations

import hashlib

import pandas as pd

from peacetalks.checks.closest_passage import quote_hint
from peacetalks.model.field import Field
from peacetalks.model.read_package import Package, inside
from peacetalks.report.problems import Problem

Frames = dict[str, pd.DataFrame]


def marked_field(resource, rule: str) -> Field | None:
    """The table's first field that a `peacetalks` rule marks: `rule` names the `Field` property
    ("source_text", "sha256_of", "quote_of")."""
    return next((f for f in resource.field_views if getattr(f, rule)), None)


def read_source_texts(package: Package, frames: Frames, files: dict[str, str]) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """For each table holding source texts: source id -> text. Checks each file's SHA-256 on the way."""
    texts: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    for resource in package.resources:
        path_field = marked_field(resource, "source_text")
        frame = frames.get(resource.name)
        if path_field is None or frame is None or path_field.name not in frame.columns or not resource.primary_key:
            continue
        key = resource.primary_key[0]
        hash_field = marked_field(resource, "sha256_of")
        texts[resource.name] = {}
        for line, row in frame.iterrows():
            relative = row[path_field.name]
            if pd.isna(relative) or pd.isna(row.get(key)):
                continue
            target = inside(package.root, relative)
            if target is None:
                message = "the path must stay inside the package folder"
                problems.append(
                    Problem.at(files[resource.name], "unsafe-path", message, line=int(line), column=path_field.name, value=relative)
                )
                continue
            try:
                raw = target.read_bytes()
            except OSError:
                message = "the source text file does not exist"
                problems.append(
                    Problem.at(files[resource.name], "file-missing", message, line=int(line), column=path_field.name, value=relative)
                )
                continue
            if hash_field is not None and hash_field.name in frame.columns and not pd.isna(row[hash_field.name]):
                actual = hashlib.sha256(raw).hexdigest()
                if actual != row[hash_field.name]:
                    problems.append(
                        Problem.at(
                            files[resource.name],
                            "source-hash",
                            f"the SHA-256 of {relative} is {actual}: the text was changed or damaged",
                            line=int(line),
                            column=hash_field.name,
                            value=row[hash_field.name],
                            hint="restore the original text; if the change is intended, run `peacetalks hash`",
                        )
                    )
            try:
                texts[resource.name][str(row[key])] = raw.decode("utf-8")
            except UnicodeDecodeError:
                problems.append(Problem.at(relative, "encoding", "the source text is not valid UTF-8"))
    return texts, problems


def check_quotes(package: Package, frames: Frames, files: dict[str, str], texts: dict[str, dict[str, str]]) -> list[Problem]:
    problems: list[Problem] = []
    for resource in package.resources:
        quote_field = marked_field(resource, "quote_of")
        frame = frames.get(resource.name)
        if quote_field is None or frame is None:
            continue
        quote_column, source_column = quote_field.name, quote_field.quote_of
        if quote_column not in frame.columns or source_column not in frame.columns:
            continue
        target = next((fk["resource"] for fk in resource.foreign_keys if fk["fields"] == [source_column]), None)
        sources = texts.get(target, {})
        pairs = frame[[source_column, quote_column]].dropna()
        # Quotes repeat across rows: look each distinct (source, quote) up once, then
        # visit only the rows holding a pair that failed.
        distinct = pairs.drop_duplicates()
        failed = {
            (str(source_id), str(quote))
            for source_id, quote in zip(distinct[source_column], distinct[quote_column], strict=True)
            if sources.get(str(source_id)) is not None and str(quote) not in sources[str(source_id)]
        }
        if not failed:
            continue  # a missing source is reported as a foreign-key problem
        # One hint for each failed pair, however many rows repeat it.
        hints = {(source_id, quote): quote_hint(quote, sources[source_id]) for source_id, quote in failed}
        suspects = pairs[pairs[quote_column].isin({quote for _, quote in failed})]
        rows = zip(suspects.index, suspects[source_column].astype(str), suspects[quote_column].astype(str), strict=True)
        for line, source_id, quote in rows:
            if (source_id, quote) not in failed:
                continue
            shown, hint = hints[(source_id, quote)]
            message = f"the quote is not found verbatim in source {source_id}"
            problems.append(
                Problem.at(files[resource.name], "quote-verbatim", message, line=int(line), column=quote_column, value=shown, hint=hint)
            )
    return problems


def check_codes(package: Package, frames: Frames, files: dict[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    for resource in package.resources:
        frame = frames.get(resource.name)
        if frame is None:
            continue
        for field in resource.field_views:
            if field.codelist != "iso-3166-1-alpha-3" or field.name not in frame.columns:
                continue
            import pycountry

            values = frame[field.name].dropna()
            # pycountry matches case-insensitively; a code list is exact. (`isin` runs in pyarrow;
            # a dict lookup per row held the GIL about 0.25 s at 1M rows.)
            official = sorted(country.alpha_3 for country in pycountry.countries)
            for line, code in values[~values.astype(str).isin(official)].astype(str).items():
                hint = "e.g. UKR, USA, GBR; see https://www.iso.org/obp/ui/#search"
                message = "not an ISO 3166-1 alpha-3 country code"
                problems.append(
                    Problem.at(files[resource.name], "iso-code", message, line=int(line), column=field.name, value=code, hint=hint)
                )
    return problems
