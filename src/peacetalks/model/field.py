"""One field of a Table Schema, read the same way by every check, export and doc.

A view over the field's dict as the schema gives it: what the dict holds in the wrong shape (a
`constraints` that is not an object, a `required` that is not a boolean) reads as absent here,
and the descriptor check reports it (`check_descriptor.check_field`)."""

from __future__ import annotations

from dataclasses import dataclass

from peacetalks.model.types import TableType, table_type


@dataclass(frozen=True)
class Field:
    descriptor: dict
    # The table's primary key: its columns are required whatever their constraints say.
    primary_key: tuple[str, ...] = ()

    @property
    def name(self):
        return self.descriptor.get("name")

    @property
    def type(self):
        """The declared type, "string" when none is; as written, so a type that is not text can be reported."""
        return self.descriptor.get("type", "string")

    @property
    def table_type(self) -> TableType:
        """The type's record in the type table (text for a type the descriptor check refuses)."""
        return table_type(self.type)

    @property
    def format(self):
        return self.descriptor.get("format", "default")

    @property
    def constraints(self) -> dict:
        constraints = self.descriptor.get("constraints")
        return constraints if isinstance(constraints, dict) else {}

    @property
    def required(self) -> bool:
        """Table Schema's `required` is a JSON boolean: only `true` requires a value."""
        return self.constraints.get("required") is True or self.name in self.primary_key

    @property
    def unique(self) -> bool:
        return self.constraints.get("unique") is True

    @property
    def enum(self) -> list | None:
        allowed = self.constraints.get("enum")
        return allowed if isinstance(allowed, list) else None

    @property
    def rules(self) -> dict:
        """The project's own rules for the field (its `peacetalks` object)."""
        rules = self.descriptor.get("peacetalks")
        return rules if isinstance(rules, dict) else {}

    @property
    def quote_of(self) -> str | None:
        """The column naming the source this field quotes verbatim."""
        return text(self.rules.get("quoteOf"))

    @property
    def codelist(self) -> str | None:
        return text(self.rules.get("codelist"))

    @property
    def source_text(self) -> bool:
        """The field holds the path of a source text that quotes are checked against."""
        return self.rules.get("sourceText") is True

    @property
    def sha256_of(self) -> str | None:
        """The column whose file this field holds the SHA-256 of."""
        return text(self.rules.get("sha256Of"))

    @property
    def allow_formula_prefix(self) -> bool:
        """Text in this field may start with = + - @ (`check_cells`)."""
        return self.rules.get("allowFormulaPrefix") is True


def text(value) -> str | None:
    return value if isinstance(value, str) else None
