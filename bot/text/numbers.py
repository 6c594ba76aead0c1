"""Number words, one copy: `om tre uger`, `de sidste to måneder`, `frist om fjorten dage`, `in two weeks`."""

from __future__ import annotations

from typing import Final

NUMBER_WORDS_DA: Final = {
    "en": 1, "et": 1, "én": 1, "ét": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7,
    "otte": 8, "ni": 9, "ti": 10, "tolv": 12, "fjorten": 14,
}  # fmt: skip
NUMBER_WORDS_EN: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "twelve": 12, "fourteen": 14,
}  # fmt: skip
