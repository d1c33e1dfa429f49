"""Descriptions in a Data Package are Markdown (CommonMark): as plain text for readers that show text
as it is (a spreadsheet cell, Datasette's column notes), and as HTML for those that show HTML.

markdown-it-py parses; the plain text keeps what a reader sees and drops the marks: `code` and
**bold** become their words, a link becomes "text (url)", list items start with "- ".
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

# CommonMark as specified: no typographic quotes, no linkified bare URLs, so text stays as written.
PARSER = MarkdownIt("commonmark")
# Raw HTML in a description is shown as text, never passed through to a page.
HTML_RENDERER = MarkdownIt("commonmark", {"html": False})


def inline_text(children: list[Token]) -> str:
    """The words of one inline run, with each link's address after its text."""
    parts: list[str] = []
    links: list[tuple[str, int]] = []  # each open link's address and where its text starts
    for token in children:
        if token.type in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif token.type == "softbreak":
            parts.append(" ")
        elif token.type == "hardbreak":
            parts.append("\n")
        elif token.type == "image":
            parts.append(inline_text(token.children or []) or str(token.attrGet("src") or ""))
        elif token.type == "link_open":
            links.append((str(token.attrGet("href") or ""), len(parts)))
        elif token.type == "link_close" and links:
            address, start = links.pop()
            text = "".join(parts[start:])
            if address and address not in (text, f"mailto:{text}"):
                parts.append(f" ({address})")
    return "".join(parts)


def markdown_to_text(markdown: str) -> str:
    """`markdown` as plain text: one line per paragraph, heading, list item or code line; raw HTML
    is markup, not text a reader sees, and is left out."""
    lines: list[str] = []
    prefix = ""
    for token in PARSER.parse(markdown):
        if token.type == "list_item_open":
            marker = f"{token.info}{token.markup}" if token.info else "-"  # "1." in an ordered list
            prefix = "  " * (token.level // 2) + marker + " "
        elif token.type == "inline":
            lines.append(prefix + inline_text(token.children or []))
            prefix = ""
        elif token.type in ("fence", "code_block"):
            lines.extend(token.content.rstrip("\n").split("\n"))
    return "\n".join(lines).strip()


def markdown_to_html(markdown: str) -> str:
    """`markdown` as HTML; raw HTML in it is escaped, never passed through."""
    return HTML_RENDERER.render(markdown).strip()


def has_markup(markdown: str) -> bool:
    """Whether `markdown` shows differently from its plain text (code, emphasis, links, lists ...)."""
    return markdown_to_text(markdown) != " ".join(markdown.split())
