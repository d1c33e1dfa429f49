"""The hint for a quote not found verbatim in its source: the source's closest sentences, the
words that differ, and the quote cut around its first difference."""

from __future__ import annotations

import difflib
import itertools
import json
import re
from dataclasses import dataclass

from peacetalks.report.problems import MAX_VALUE_CHARS

# A word (with its inner apostrophes and hyphens: "we’re", "post-war", "5-like") or one mark of
# punctuation, so that a changed comma or quote mark is a change of its own.
TOKEN = re.compile(r"\w+(?:['’-]\w+)*|[^\w\s]")
TOKEN_IS_WORD = re.compile(r"\w")

# A sentence ends at a line end, or at `.`, `!`, `?` or `…` (then any closing quotes or brackets)
# followed by spaces and a capital, a digit or an opening quote or bracket. No package dependency
# splits sentences; this rule misses none in a news text's prose, and its two refusals below keep
# "U.S. officials" and "Dr. Smith" whole (a sentence kept whole is harmless: hints show sentences).
SENTENCE_END = re.compile(r"[.!?…]+[”’\"')\]]*\s+")
OPENING = "“‘\"'(["
# Words that end in a full stop without ending a sentence.
ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt", "st", "jr", "sr", "vs"})

# A quote's first tokens only are compared: matching is quadratic, and a huge cell must not hang.
MAX_TOKENS = 300
# Below this likeness (2 x matched words / (quote's words + the passage's matched span)), no
# sentence is close enough to be worth showing.
MIN_LIKENESS = 0.25
# The word changes listed in a hint; the rest are counted.
MAX_CHANGES = 5


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokens(text: str, most: int | None = None) -> list[Token]:
    """The first `most` tokens of `text` (all by default)."""
    return [Token(m.group(), m.start(), m.end()) for m in itertools.islice(TOKEN.finditer(text), most)]


def sentences(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence of `text`, without the spaces around it."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for end in SENTENCE_END.finditer(text, line.start(), line.end()):
            if ends_sentence(text, line.start(), end):
                spans.append((start, end.end()))
                start = end.end()
        spans.append((start, line.end()))
    stripped = []
    for start, end in spans:
        part = text[start:end]
        if part.strip():
            stripped.append((start + len(part) - len(part.lstrip()), start + len(part.rstrip())))
    return stripped


def ends_sentence(text: str, line_start: int, end: re.Match) -> bool:
    following = text[end.end() : end.end() + 1]
    if not following or not (following.isupper() or following.isdigit() or following in OPENING):
        return False
    if text[end.start()] != ".":
        return True
    before = re.search(r"\w+$", text[line_start : end.start()])
    word = before.group() if before else ""
    return not ((len(word) == 1 and word.isalpha()) or word.lower() in ABBREVIATIONS)


@dataclass(frozen=True)
class Passage:
    """The closest run of whole sentences, and how the quote's tokens line up with its tokens."""

    text: str
    quote_tokens: list[Token]
    tokens: list[Token]
    opcodes: list[tuple[str, int, int, int, int]]


def closest_passage(quote: str, text: str) -> Passage | None:
    """The sentence, or run of consecutive sentences, of `text` most like `quote`; None when no
    sentence is like it. A run grows while it is still shorter than the quote, so a quote of two
    sentences is compared with pairs of sentences, and a fragment with single ones."""
    quoted = tokens(quote, MAX_TOKENS)
    if not quoted or not text:
        return None
    spans = sentences(text)
    sentence_tokens = [tokens(text[start:end]) for start, end in spans]
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2([t.text for t in quoted])
    best, best_likeness = None, MIN_LIKENESS
    for first in range(len(spans)):
        run: list[str] = []
        sentence_of: list[int] = []  # the sentence of each token of the run
        for last in range(first, len(spans)):
            if run and len(run) >= len(quoted):
                break
            run = run + [t.text for t in sentence_tokens[last]]
            sentence_of += [last] * len(sentence_tokens[last])
            matcher.set_seq1(run)
            # At most as many words match as the two share (`quick_ratio`): skip a run that
            # could not beat the best even if they all lined up.
            most = round(matcher.quick_ratio() * (len(run) + len(quoted)) / 2)
            if 2 * most / (len(quoted) + most) <= best_likeness:
                continue
            blocks = [b for b in matcher.get_matching_blocks() if b.size]
            if not blocks:
                continue
            matched = sum(b.size for b in blocks)
            # Only the part of the run the quote lines up with counts: a quote of half a sentence
            # is as like its sentence as a whole quote is like its own.
            span = blocks[-1].a + blocks[-1].size - blocks[0].a
            likeness = 2 * matched / (len(quoted) + span)
            if likeness > best_likeness:
                best, best_likeness = (sentence_of[blocks[0].a], sentence_of[blocks[-1].a + blocks[-1].size - 1]), likeness
    if best is None:
        return None
    passage = text[spans[best[0]][0] : spans[best[1]][1]]
    passage_tokens = tokens(passage)
    matcher = difflib.SequenceMatcher(None, [t.text for t in quoted], [t.text for t in passage_tokens], autojunk=False)
    opcodes = matcher.get_opcodes()
    # The words of the sentences before and after the quote are context, not differences.
    while opcodes and opcodes[0][0] == "insert":
        opcodes = opcodes[1:]
    while opcodes and opcodes[-1][0] == "insert":
        opcodes = opcodes[:-1]
    return Passage(passage, quoted, passage_tokens, opcodes)


def aligned_text(passage: Passage) -> str:
    """The part of the passage that the quote lines up with."""
    if not passage.opcodes:
        return ""
    first = next((op for op in passage.opcodes if op[3] < op[4]), None)
    last = next((op for op in reversed(passage.opcodes) if op[3] < op[4]), None)
    if first is None or last is None:
        return ""
    return passage.text[passage.tokens[first[3]].start : passage.tokens[last[4] - 1].end]


def first_difference(quote: str, passage: Passage) -> int:
    """The position in `quote` of its first changed word, else (the words are all the source's)
    of its first character that differs from the source."""
    changed = next((op for op in passage.opcodes if op[0] != "equal"), None)
    if changed is not None:
        return passage.quote_tokens[changed[1]].start if changed[1] < len(passage.quote_tokens) else len(quote)
    if not passage.opcodes:
        return 0
    start = passage.quote_tokens[0].start
    source = passage.text[passage.tokens[passage.opcodes[0][3]].start :]
    same = 0
    for ours, theirs in zip(quote[start:], source, strict=False):
        if ours != theirs:
            break
        same += 1
    return start + same


def word_changes(quote: str, passage: Passage) -> list[str]:
    """Each change that turns the quote into the source: `- "run" + "led"`, `+ "envoys" after "Trump"`.
    A word added or taken out is placed by the quote's word before it."""

    def shown(text: str, found: list[Token], start: int, end: int) -> str:
        return json.dumps(text[found[start].start : found[end - 1].end], ensure_ascii=False)

    def after(position: int) -> str:
        if position == 0:
            return " at the start"
        word = position - 1
        while word > 0 and not TOKEN_IS_WORD.match(passage.quote_tokens[word].text):
            word -= 1  # "Berlin," rather than ","
        return f" after {shown(quote, passage.quote_tokens, word, position)}"

    changes = []
    for tag, i1, i2, j1, j2 in passage.opcodes:
        if tag == "equal":
            continue
        removed = f"- {shown(quote, passage.quote_tokens, i1, i2)}" if i2 > i1 else ""
        added = f"+ {shown(passage.text, passage.tokens, j1, j2)}" if j2 > j1 else ""
        place = after(i1) if tag in ("insert", "delete") else ""
        changes.append(" ".join(part for part in (removed, added) if part) + place)
    return changes


def describe_difference(quote: str, passage: Passage) -> str:
    compared = quote[: passage.quote_tokens[-1].end].strip()  # what the tokens compared cover
    aligned = aligned_text(passage)

    def words(text: str) -> str:
        return " ".join(text.split())

    straight = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
    if words(aligned) != words(compared) and words(aligned.translate(straight)) == words(compared.translate(straight)):
        return "the source uses typographic quotes (“ ” ‘ ’) where the quote has straight ones, or the other way round"
    if words(aligned) == words(compared):
        if aligned == compared and len(quote.strip()) > len(compared):
            return f"its first {MAX_TOKENS} words and marks are the source's: the difference comes after them"
        return "only the spacing differs"
    changes = word_changes(quote, passage)
    listed = "; ".join(changes[:MAX_CHANGES])
    if len(changes) > MAX_CHANGES:
        listed += f"; and {len(changes) - MAX_CHANGES} more"
    return f"changed words (- in the quote, + in the source): {listed}"


def centred(text: str, position: int, limit: int = MAX_VALUE_CHARS) -> str:
    """`text` on one line, cut to `limit` characters around `position`, with `…` on each side cut."""

    def one_line(part: str) -> str:
        return part.replace("\r", "\\r").replace("\n", "\\n")

    position = len(one_line(text[:position]))
    text = one_line(text)
    if len(text) <= limit:
        return text
    start = max(0, position - (limit - 2) // 2)
    if start == 0:
        return text[: limit - 1] + "…"
    if start + limit - 1 >= len(text):
        return "…" + text[len(text) - (limit - 1) :]
    return "…" + text[start : start + limit - 2] + "…"


def quote_hint(quote: str, source: str) -> tuple[str, str | None]:
    """The value to show for a quote not found in `source` (cut around its first difference) and
    the hint: the closest sentences and what differs. The hint is None when no sentence is close."""
    passage = closest_passage(quote, source)
    if passage is None:
        return centred(quote, 0), None
    hint = f"closest passage: {passage.text}\n{describe_difference(quote, passage)}"
    return centred(quote, first_difference(quote, passage)), hint
