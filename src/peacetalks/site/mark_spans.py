"""Where each quote sits in its source text, and the text cut into nested marks.

A quote is a verbatim substring of its source; it may occur more than once,
and quotes may overlap. Each distinct (source, start, end) is one span. To be
drawn as HTML, spans must nest: a span that crosses the end of an enclosing
one, or a paragraph break, is cut into fragments that all carry its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Span:
    """One marked passage of a source: the rows whose quote it is."""

    id: str
    number: int
    source_id: str
    start: int
    end: int
    rows: list[str] = field(default_factory=list)


@dataclass
class Piece:
    """A part of a span inside one paragraph: the whole span, or a fragment of it."""

    span: Span
    start: int
    end: int
    first: bool  # the piece where the span starts (it holds the span's id and focus)
    last: bool  # the piece where the span ends (it holds the span's labels)


@dataclass
class Mark:
    piece: Piece
    depth: int  # 1 for a span on plain text, 2 for a span inside another, ...
    children: list  # of Mark and str


def occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) of `quote` in `text`, overlapping occurrences included."""
    found: list[tuple[int, int]] = []
    if not quote.strip():  # nothing a reader could see marked
        return found
    start = text.find(quote)
    while start >= 0:
        found.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return found


def find_spans(texts: dict[str, str], quoted_rows: list[tuple[str, str, str]]) -> tuple[list[Span], dict[str, list[str]]]:
    """Spans of `quoted_rows` ((row id, source id, quote), in reading order) in `texts` (source id -> text).

    Returns the spans, numbered in reading order (by source, then start, longer first), and for each
    row id the ids of the spans of its quote. A row whose quote is not found has no span: the
    validator reports it (`quote-verbatim`).
    """
    by_place: dict[tuple[str, int, int], list[str]] = {}
    order = {source_id: index for index, source_id in enumerate(texts)}
    for row_id, source_id, quote in quoted_rows:
        text = texts.get(source_id)
        if text is None:
            continue
        for start, end in occurrences(text, quote):
            by_place.setdefault((source_id, start, end), []).append(row_id)
    places = sorted(by_place, key=lambda place: (order[place[0]], place[1], -place[2]))
    spans = []
    row_spans: dict[str, list[str]] = {}
    for number, place in enumerate(places, start=1):
        span = Span(f"s{number}", number, place[0], place[1], place[2], by_place[place])
        spans.append(span)
        for row_id in span.rows:
            row_spans.setdefault(row_id, []).append(span.id)
    return spans, row_spans


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line of `text`: a line of a source text is a paragraph."""
    found, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            found.append((start, end))
        start = end + 1
    return found


def nest(pieces: list[Piece], low: int, high: int, depth: int = 1) -> list:
    """The text from `low` to `high` as plain ranges and marks, each mark holding the marks inside it."""
    out: list = []
    position = low
    pending = sorted(pieces, key=lambda p: (p.start, -p.end, p.span.number))
    while pending:
        outer = pending.pop(0)
        if outer.start > position:
            out.append((position, outer.start))
        inner, rest = [], []
        for piece in pending:
            if piece.start >= outer.end:
                rest.append(piece)
            elif piece.end <= outer.end:
                inner.append(piece)
            else:  # crosses the end of `outer`: the part inside is drawn inside, the rest after it
                inner.append(Piece(piece.span, piece.start, outer.end, piece.first, False))
                rest.append(Piece(piece.span, outer.end, piece.end, False, piece.last))
        out.append(Mark(outer, depth, nest(inner, outer.start, outer.end, depth + 1)))
        position = outer.end
        pending = sorted(rest, key=lambda p: (p.start, -p.end, p.span.number))
    if position < high:
        out.append((position, high))
    return out


def layout(text: str, spans: list[Span]) -> list[list]:
    """Each paragraph of `text` as a list of plain ranges (start, end) and `Mark`s."""
    blocks = paragraphs(text)
    pieces: list[list[Piece]] = [[] for _ in blocks]
    for span in spans:
        parts = [(index, max(span.start, low), min(span.end, high)) for index, (low, high) in enumerate(blocks)]
        parts = [part for part in parts if part[1] < part[2]]
        for number, (index, start, end) in enumerate(parts):
            pieces[index].append(Piece(span, start, end, first=number == 0, last=number == len(parts) - 1))
    return [nest(found, low, high) for found, (low, high) in zip(pieces, blocks, strict=True)]
