"""Descriptions' Markdown as plain text and as HTML."""

from __future__ import annotations

import pytest

from peacetalks.export.render_markdown import has_markup, markdown_to_html, markdown_to_text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Kind of actor: `person`; `state`.", "Kind of actor: person; state."),
        ("**Required** when `basis` is *inferred*.", "Required when basis is inferred."),
        ("See [Wikidata](https://www.wikidata.org/) for ids.", "See Wikidata (https://www.wikidata.org/) for ids."),
        ("Mail <someone@example.org> or <https://example.org>.", "Mail someone@example.org or https://example.org."),
        ("One line\nwrapped in the source.\n\nA second paragraph.", "One line wrapped in the source.\nA second paragraph."),
        ("Values:\n\n- `a`, first\n- `b`\n\n1. one\n2. two", "Values:\n- a, first\n- b\n1. one\n2. two"),
        ("Fish &amp; chips, <b>bold</b> \\*not emphasis\\*", "Fish & chips, bold *not emphasis*"),
        ("actor_id and snake_case_names stay whole, 5 * 3 too", "actor_id and snake_case_names stay whole, 5 * 3 too"),
        ("", ""),
    ],
)
def test_plain_text_keeps_the_words_and_drops_the_marks(markdown, text):
    assert markdown_to_text(markdown) == text


def test_html_renders_the_marks_and_escapes_raw_html():
    assert markdown_to_html("`a` and [b](https://example.org)") == '<p><code>a</code> and <a href="https://example.org">b</a></p>'
    assert markdown_to_html("<script>alert(1)</script> x") == "<p>&lt;script&gt;alert(1)&lt;/script&gt; x</p>"


def test_markup_is_what_shows_differently_from_the_text():
    assert has_markup("The source (`sources.source_id`).")
    assert has_markup("First.\n\nSecond.")
    assert not has_markup("Who took part in each meeting, and in what role.")
    assert not has_markup("The actor_id of an actor,\nwrapped.")
