"""The hint for a quote not found verbatim: real quotes of the package, each changed as a
curator's slip would change it, against the real article."""

from __future__ import annotations

import csv

from conftest import ROOT, rehash
from package_edits import set_cell
from peacetalks.checks.closest_passage import centred, quote_hint, sentences
from peacetalks.run.validate import validate_package

ARTICLE = (ROOT / "data/sources/berlin_talks_article.txt").read_text(encoding="utf-8")
CHANGED = "changed words (- in the quote, + in the source): "


def real_quote(table: str, starting: str) -> str:
    """The package's quote in `table` that starts with `starting`."""
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as file:
        quote = next(row["quote"] for row in csv.DictReader(file) if row["quote"].startswith(starting))
    assert quote in ARTICLE
    return quote


def changed(quote: str, old: str, new: str) -> str:
    assert quote.count(old) == 1, old
    return quote.replace(old, new)


def test_one_word_changed():
    quote = real_quote("actors", "Ukrainian President Volodymyr Zelensky said")
    assert quote_hint(changed(quote, "Zelensky said", "Zelensky says"), ARTICLE) == (
        "Ukrainian President Volodymyr Zelensky says discussions with envoys of US Presi…",
        f"closest passage: {quote}\n" + CHANGED + '- "says" + "said"',
    )


def test_dropped_word_is_placed_by_the_word_before_it():
    quote = real_quote("meeting_participants", "The Berlin talks were led")
    assert quote_hint(changed(quote, "and Jared Kushner", "and Kushner"), ARTICLE) == (
        "The Berlin talks were led for the US by Trump envoys Steve Witkoff and Kushner.",
        "closest passage: The Berlin talks were led for the US by Trump envoys Steve Witkoff and Jared Kushner.\n"
        + CHANGED
        + '+ "Jared" after "and"',
    )


def test_badly_damaged_quote_gets_its_whole_sentence():
    quote = real_quote("statuses", "Ukrainian President Volodymyr Zelensky said")
    damaged = "Ukrainian President Zelensky said talks with US envoys were not easy but had made progress on security guarantees."
    assert quote_hint(damaged, ARTICLE) == (
        "Ukrainian President Zelensky said talks with US envoys were not easy but had ma…",
        f"closest passage: {quote}\n"
        + CHANGED
        + '+ "Volodymyr" after "President"; - "talks" + "discussions"; + "envoys of" after "with"; '
        + '- "envoys" + "President Donald Trump"; + "“" after "were"; and 3 more',
    )


def test_long_quote_is_shown_around_a_change_near_its_end():
    quote = real_quote("statuses", "Working groups are expected")
    assert len(quote) > 80
    value, hint = quote_hint(changed(quote, "prepared by negotiators", "prepared by the negotiators"), ARTICLE)
    assert value == "…ng territorial issues outlined in a draft document prepared by the negotiators."
    assert len(value) == 80
    assert hint == f"closest passage: {quote}\n" + CHANGED + '- "the" after "by"'


def test_change_in_the_middle_of_a_long_quote_is_centred_with_an_ellipsis_each_side():
    quote = real_quote("meeting_participants", "Trump told reporters")
    value, hint = quote_hint(changed(quote, "Denmark and the Netherlands", "Denmark and Netherlands"), ARTICLE)
    assert value == "…, Britain, Poland, Norway, Denmark and Netherlands following the Berlin talks,…"
    assert len(value) == 80 and value.index("Netherlands") == 40
    assert hint == f"closest passage: {quote}\n" + CHANGED + '+ "the" after "and"'


def test_quote_of_two_sentences_gets_both():
    first = real_quote("statuses", "Russia, meanwhile")
    second = real_quote("proposals", "One US official said")
    quote = first + " " + changed(second, "the European Union", "the EU")
    value, hint = quote_hint(quote, ARTICLE)
    assert value == "…w appeared open to Ukraine joining the EU, while Trump was keen to prevent fur…"
    assert hint == f"closest passage: {first}\n{second}\n" + CHANGED + '- "EU" + "European Union"'


def test_fragment_of_a_sentence_gets_the_sentence():
    quote = real_quote("actors", "leaders from Germany")
    sentence = real_quote("meeting_participants", "Trump told reporters")
    assert quote_hint(changed(quote, "Denmark and", "Denmark  and"), ARTICLE) == (
        "…y, NATO, Finland, France, Britain, Poland, Norway, Denmark  and the Netherlands",
        f"closest passage: {sentence}\nonly the spacing differs",
    )


def test_straight_quote_marks_for_typographic_ones():
    quote = real_quote("actors", "Two senior US officials")
    value, hint = quote_hint(changed(quote, "“Article 5-like,”", '"Article 5-like,"'), ARTICLE)
    assert value == '… described the proposed protections as "Article 5-like," signalling a strong c…'
    assert hint == (
        f"closest passage: {quote}\nthe source uses typographic quotes (“ ” ‘ ’) where the quote has straight ones, or the other way round"
    )


def test_quote_like_no_sentence_has_no_hint():
    assert quote_hint("NOT IN THE TEXT", ARTICLE) == ("NOT IN THE TEXT", None)


def test_article_sentences():
    found = [ARTICLE[start:end] for start, end in sentences(ARTICLE)]
    assert len(found) == 18
    assert found[6].startswith("“We’re trying to get it done, and I think we’re closer now than we’ve ever been,” Trump said")
    assert found[-3:] == [real_quote("proposals", "Discussions also covered"), "Erizia Rubyjeana", "Follow us on:"]


def test_sentences_do_not_end_at_initials_or_titles():
    text = "He met Dr. Smith in the U.S. on Monday. “It went well,” he said! 5 more came.\nNext line"
    assert [text[start:end] for start, end in sentences(text)] == [
        "He met Dr. Smith in the U.S. on Monday.",
        "“It went well,” he said!",
        "5 more came.",
        "Next line",
    ]


def test_centred_keeps_short_values_whole_and_puts_line_ends_on_one_line():
    assert centred("short", 3) == "short"
    assert centred("a\nb" + "x" * 100, 1) == "a\\nb" + "x" * 75 + "…"


def test_validate_gives_each_row_of_a_repeated_quote_the_hint(package_dir):
    actors = package_dir / "data/actors.csv"
    quote = real_quote("actors", "The Berlin talks were led")
    lines = [set_cell(actors, actor, "quote", changed(quote, "were led", "were run")) for actor in ("steve_witkoff", "jared_kushner")]
    rehash(package_dir)
    found = validate_package(package_dir, frictionless="off").problems
    assert [(p.file, p.line, p.column, p.rule) for p in found] == [("data/actors.csv", line, "quote", "quote-verbatim") for line in lines]
    for problem in found:
        assert problem.value == "The Berlin talks were run for the US by Trump envoys Steve Witkoff and Jared Ku…"
        assert problem.hint == f"closest passage: {quote}\n" + CHANGED + '- "run" + "led"'


def test_quote_across_a_paragraph_break_typed_with_a_space():
    first = real_quote("statuses", "Russia, meanwhile")
    second = real_quote("proposals", "One US official said")
    value, hint = quote_hint(first + " " + second, ARTICLE)
    assert value == "…hown little flexibility on its demands. One US official said Moscow appeared o…"
    assert hint == f"closest passage: {first}\n{second}\nonly the spacing differs"
