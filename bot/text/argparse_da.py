"""Danish for argparse: `referat --help` and its argument errors read like the rest of the bot.

argparse marks its messages for gettext but ships no Danish catalogue, so this module is one: a
`gettext.NullTranslations` whose `gettext`/`ngettext` answer in Danish for argparse's own messages
and pass everything else through. `install()` points argparse's translation functions at it.
"""

from __future__ import annotations

import argparse
import gettext

_CATALOGUE = {
    "usage: ": "brug: ",
    "positional arguments": "argumenter",
    "options": "tilvalg",
    "show this help message and exit": "vis denne hjælp og afslut",
    "show program's version number and exit": "vis programmets version og afslut",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fejl: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "disse argumenter mangler: %s",
    "unrecognized arguments: %s": "ukendte argumenter: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldigt valg: %(value)r (vælg mellem %(choices)s)",
    "invalid %(type)s value: %(value)r": "ugyldig værdi: %(value)r",
    "expected one argument": "forventede én værdi",
    "expected at most one argument": "forventede højst én værdi",
    "expected at least one argument": "forventede mindst én værdi",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydigt tilvalg: %(option)s kan være %(matches)s",
    "not allowed with argument %s": "kan ikke bruges sammen med %s",
    "ignored explicit argument %r": "ignorerede argumentet %r",
    "one of the arguments %s is required": "et af argumenterne %s skal angives",
    "unexpected option string: %s": "uventet tilvalg: %s",
    "can't open '%(filename)s': %(error)s": "kan ikke åbne '%(filename)s': %(error)s",
}
_PLURALS = {
    ("expected %s argument", "expected %s arguments"): ("forventede %s værdi", "forventede %s værdier")
}


class Danish(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return _CATALOGUE.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        one, many = _PLURALS.get((msgid1, msgid2), (msgid1, msgid2))
        return one if n == 1 else many


def install() -> None:
    """Make argparse speak Danish (it looks up `_` and `ngettext` in its module when it speaks)."""
    danish = Danish()
    argparse._ = danish.gettext  # type: ignore[attr-defined]
    argparse.ngettext = danish.ngettext  # type: ignore[attr-defined]
