"""peacetalks: the facts of one article on peace talks on the war in Ukraine,
as a validated Frictionless Data Package.

    >>> import peacetalks
    >>> tables = peacetalks.load()
    >>> tables["statuses"].dtypes
"""

from __future__ import annotations

__all__ = ["PackageError", "load", "validate_package"]


def __getattr__(name: str):
    # Lazy, so that `peacetalks --help` does not pay for importing pandas.
    if name in ("load", "PackageError"):
        from peacetalks.read import load_tables as load_module

        return getattr(load_module, name)
    if name == "validate_package":
        from peacetalks.run.validate import validate_package

        return validate_package
    raise AttributeError(name)
