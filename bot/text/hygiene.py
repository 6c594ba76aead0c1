"""Characters that must not reach the minutes, a terminal or a log line.

Two jobs, both pure:
- `clean_input`: what people type (titles, names, entries, Slack display names, imported text) loses
  control characters, bidi overrides and zero-width characters. They are invisible in Slack, can
  reorder or hide words in an official record, and can drive a terminal. Line breaks and tabs stay;
  everything else stays exactly as typed.
- `escape_controls`: text from outside that is printed or logged shows such characters as visible
  escapes (`\\n`, `\\x1b`, `\\u202e`), so it can neither start a forged log line nor send a terminal
  an escape sequence.
"""

from __future__ import annotations

import functools

# Bidi embeddings, overrides and isolates, and the invisible direction marks.
_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
# Zero-width space, non-joiner, joiner, word joiner, and the byte-order mark used as a zero-width space.
_ZERO_WIDTH = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}
# Line and paragraph separators read as line breaks in some viewers and not in others.
_SEPARATORS = {0x2028, 0x2029, 0x0085}


def _is_control(code: int) -> bool:
    return code < 0x20 or 0x7F <= code < 0xA0


def _dropped(code: int) -> bool:
    return (_is_control(code) and code not in (0x09, 0x0A)) or code in _BIDI or code in _ZERO_WIDTH


_DROP: dict[int, str | None] = {code: None for code in range(0xA0) if _dropped(code)}
_DROP.update({code: None for code in _BIDI | _ZERO_WIDTH})
_DROP.update({code: "\n" for code in _SEPARATORS})


def clean_input(text: str, *, keep: str = "") -> str:
    """Remove control characters (except line break, tab and `keep`), bidi and zero-width characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_table_keeping(keep) if keep else _DROP)


@functools.cache
def _table_keeping(keep: str) -> dict[int, str | None]:
    return {code: value for code, value in _DROP.items() if chr(code) not in keep}


def _escape(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    if char == "\t":
        return "\\t"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_ESCAPE = {
    code: _escape(chr(code))
    for code in [*filter(_is_control, range(0xA0)), *_BIDI, *_ZERO_WIDTH, *_SEPARATORS]
}
_ESCAPE_KEEP_LAYOUT = {code: value for code, value in _ESCAPE.items() if code not in (0x09, 0x0A)}


def escape_controls(text: str, *, keep_layout: bool = False) -> str:
    """Show control, bidi and zero-width characters as visible escapes (line breaks and tabs too, unless
    `keep_layout`: for a terminal, where they are layout, not a way to forge a line)."""
    return text.translate(_ESCAPE_KEEP_LAYOUT if keep_layout else _ESCAPE)
