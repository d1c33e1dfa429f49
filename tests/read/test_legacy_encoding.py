"""`read_legacy`: a code page only when the bytes leave no doubt about it, and the doubt said otherwise."""

from __future__ import annotations

import pytest

from peacetalks.read.legacy_encoding import read_legacy


def test_curly_quotes_and_a_latin_letter_read_the_same_in_every_code_page_left() -> None:
    raw = "id,name\na,“Zelenské” – said\n".encode("cp1252")
    reading = read_legacy(raw)
    assert (reading.encoding, reading.name, reading.text, reading.line, reading.value) == (
        "cp1252",
        "Windows-1252",
        "id,name\na,“Zelenské” – said\n",
        2,
        "93 5a 65 6c",
    )


@pytest.mark.parametrize(
    ("raw", "line", "why"),
    [
        ("id,name\na,Moèt\n".encode("cp1252"), 2, "the byte e8 on line 2 reads differently in each code page: cp1252 as 'è', cp1250"),
        ("id,n\n“x”\n".encode() + "é\n".encode("cp1252"), 3, "the file mixes UTF-8 with another encoding"),
        ("id,n\na,Café\n".encode("mac_roman"), 2, "the byte 8e on line 2 is 'Ž' in the Windows code pages, but 'é' in Mac Roman"),
    ],
)
def test_bytes_in_doubt_give_no_text_and_say_where(raw: bytes, line: int, why: str) -> None:
    reading = read_legacy(raw)
    assert (reading.text, reading.encoding, reading.line) == (None, None, line)
    assert reading.why.startswith(why)


def test_a_named_encoding_is_read_as_named_and_its_undecodable_byte_located() -> None:
    assert read_legacy("id,n\na,Café\n".encode("mac_roman"), "mac-roman").text == "id,n\na,Café\n"
    reading = read_legacy(b"id,n\na,x\nb,\x81\n", "cp1252")
    assert (reading.text, reading.line, reading.why) == (None, 3, "line 3 does not decode as cp1252")
