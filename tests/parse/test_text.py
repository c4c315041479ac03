import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.core.text import DecodeError, decode, normalise, renormalise, squash


def test_utf8_is_read_as_is_and_bom_dropped():
    assert decode("\ufeffcommuniqué".encode("utf-8")) == ("communiqué", None)


def test_cp1252_fallback_warns():
    text, warning = decode("Geschäftsjahr “2025” – €5".encode("cp1252"))
    assert text == "Geschäftsjahr “2025” – €5"
    assert "cp1252" in warning and "UTF-8" in warning


@pytest.mark.parametrize("data, reason", [(b"", "empty"), (b"  \n\t\n", "empty"), (b"PK\x03\x04\x00\x00", "binary")])
def test_not_text_is_refused(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode(data)


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("5\u00a0000\u202fEUR", "5 000 EUR"),  # no-break and narrow no-break spaces
        ("a\u2009b\u3000c", "a b c"),
        ("Zu\u00adsam\u200bmen", "Zusammen"),  # soft hyphen, zero-width space
        ("line\r\nnext\rlast", "line\nnext\nlast"),
        ("Cafe\u0301", "Café"),  # NFC composes
    ],
)
def test_normalise(raw, clean):
    assert normalise(raw) == clean


def test_squash_keeps_paragraphs():
    assert squash("  a   b \n\n\n\n c  ") == "a b\n\nc"


def test_escape_controls_writes_what_a_terminal_obeys_as_escapes_and_keeps_the_rest():
    from indexer.core.text import escape_controls

    assert escape_controls("b\x1b]0;PWNED\x07\x1b[2J.txt") == "b\\x1b]0;PWNED\\x07\\x1b[2J.txt"
    assert escape_controls("c\x1b]52;c;eA==\x07 \x9b31m \x7f") == "c\\x1b]52;c;eA==\\x07 \\x9b31m \\x7f"
    assert escape_controls("one\nline\tand\r\u2028\u202e") == "one\\nline\\tand\\r\\u2028\\u202e"
    assert escape_controls("caf\udce9/Überblick «x».txt") == "caf\\xe9/Überblick «x».txt"  # bytes as printable_path


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=["Cs"])))
def test_renormalise_is_normalise(text):
    assert renormalise(text) == normalise(text)


@pytest.mark.parametrize(
    "value", ["no\u00a0break", "line\r\nend", "e\u0301", "esc\x1b[31m", "soft\u00adhyphen", "c1\x85"]
)
def test_renormalise_mends_what_escapes_decode_to(value):
    assert renormalise(value) == normalise(value) != value
