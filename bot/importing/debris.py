"""What a web page adds around minutes published on it: comment forms, e-mail notices, share
buttons, sign-offs. Recognised line by line and dropped before the minutes are read, so none of it
is stored as a statement; the import report counts what was dropped.

Pure and conservative: a line is debris only when it reads as page furniture as a whole, never
because a word in a sentence matches.
"""

from __future__ import annotations

import re

_DEBRIS = re.compile(
    r"^(?:"
    r"skriv\s+(?:en\s+)?kommentar|(?:efterlad|tilføj)\s+(?:en\s+)?kommentar|kommentarer?(?:\s+\(\d+\))?|"
    r"\d+\s+kommentarer?|ingen\s+kommentarer|kommentarer\s+er\s+lukket|"
    r"din\s+e-?mail(?:-?adresse)?\s+(?:vil\s+ikke\s+blive|bliver\s+ikke)\s+(?:publiceret|offentliggjort|vist).*|"
    r"(?:krævede|påkrævede|obligatoriske)\s+felter\s+er\s+markeret.*|"
    r"gem\s+mit\s+navn.*|navn\s*\*|e-?mail\s*\*|websted|hjemmeside|kommentar\s*\*|"
    r"send\s+kommentar|indsend(?:\s+kommentar)?|"
    r"del\s+(?:dette|siden|artiklen|på\s+\w+)\s*:?|del\s+via\s+\w+|print(?:\s+siden)?|udskriv(?:\s+siden)?|"
    r"like\s+this:?|synes\s+godt\s+om\s+dette:?|relaterede?(?:\s+indlæg)?:?|"
    r"(?:forrige|næste)\s+(?:indlæg|artikel|side)\b.*|"
    r"(?:posted|published|skrevet|udgivet|offentliggjort)\s+(?:by|af|den|d\.)\s*:?.{0,60}|"
    r"(?:tilmeld|abonnér\s+på)\s+(?:dig\s+)?(?:vores\s+)?nyhedsbrev.*|"
    r"få\s+besked\s+om\s+(?:opfølgende\s+kommentarer|nye\s+indlæg).*|"
    r"læs\s+mere|læs\s+hele\s+(?:referatet|artiklen)|tilbage\s+til\s+(?:oversigten|forsiden|toppen)|"
    r"til\s+toppen|indholdsfortegnelse|se\s+vores\s+\W?cookie.*|"
    r"kategori(?:er)?\s*:.{0,80}|tags?\s*:.{0,80}|arkiv(?:er)?|søg(?:\s+efter)?\s*:?|"
    r"(?:kilde|source|url|link)\s*:\s*https?://\S+|https?://\S+|www\.\S+|you\s+are\s+here|du\s+er\s+her:?|"
    r"skriv\s+et\s+svar|svar|besvar|annuller\s+svar|"
    r"sidst\s+(?:opdateret|ændret|redigeret)\b.*|senest\s+(?:opdateret|ændret)\b.*|"
    r"(?:hoved\s*)?menu\s*:?|.*\btilbage\s+til\s+indhold\b.*|retur\s+til\s+.{0,40}|"
    r"(?:spring|gå)\s+til\s+(?:hoved)?indhold(?:et)?|"
    r"(?:(?:dette|denne|vores)\s+(?:site|websted|hjemmeside|side)|vi|siden|hjemmesiden)\s+(?:bruger|anvender)"
    r"\s+cookies.*|"
    r".{0,60}\blogo|"
    r"cookie.*|accepter(?:\s+ikke|\s+alle)?(?:\s+cookies)?|©.*|"
    r"[-–—_=~*·]{3,}"  # a rule drawn with dashes: `——————————————–`
    r")\s*$",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^(?:med\s+)?(?:venlig(?:st)?\s+hilsen|de\s+bedste\s+hilsner|mvh\.?|vh\.?|hilsen)\s*,?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_SIGNATURE_MAX_WORDS = 5


# Where a page's text runs furniture into the last sentence, with no space: `lejrskole.Sidst opdateret`.
_GLUED = re.compile(r"(?<=[.!?])(?=[A-ZÆØÅ])")
_GLUED_TAIL = 120


def _glued_debris(line: str) -> int | None:
    """Where page furniture glued to the end of a sentence starts, or None."""
    # Only a short tail is looked at: furniture is a line's last words, and a match from every glued
    # point of a long line would cost time quadratic in its length.
    for m in _GLUED.finditer(line, max(0, len(line) - _GLUED_TAIL)):
        if _DEBRIS.match(line[m.start() :]):
            return m.start()
    return None


# A column of bare codes, one a line (`DIR` / `FOU` / `BFU` / `SOS`): the check boxes of a case
# sheet's distribution list, never a sentence of the minutes.
_CODE = re.compile(r"^[A-ZÆØÅ]{2,4}$")
_CODE_COLUMN = 4


def _code_columns(lines: list[str], used: list[bool]) -> list[str]:
    dropped: list[str] = []
    k = 0
    while k < len(lines):
        j = k
        while j < len(lines) and not used[j] and _CODE.match(lines[j]):
            j += 1
        if j - k >= _CODE_COLUMN:
            for n in range(k, j):
                used[n] = True
                dropped.append(lines[n])
        k = max(j, k + 1)
    return dropped


def drop_debris(lines: list[str], used: list[bool]) -> list[str]:
    """Mark page furniture and a closing sign-off (with the signature under it) as used, cut furniture
    glued to the end of a line off it; return what was dropped."""
    dropped = _code_columns(lines, used)
    k = 0
    while k < len(lines):
        line = lines[k]
        if not line or used[k]:
            k += 1
            continue
        if _DEBRIS.match(line):
            used[k] = True
            dropped.append(line)
        elif (glued := _glued_debris(line)) is not None:
            lines[k] = line[:glued].rstrip()  # `… og lejrskole.Sidst opdateret den 7. maj 2008`
            dropped.append(line[glued:])
        elif (m := _SIGN_OFF.match(line)) and len(m.group("rest").split()) <= _SIGNATURE_MAX_WORDS:
            used[k] = True
            dropped.append(line)
            # The signature: up to three short lines right under the greeting (`Bestyrelsen`, a name).
            j = k + 1
            while (
                j < len(lines) and j <= k + 3 and lines[j] and len(lines[j].split()) <= _SIGNATURE_MAX_WORDS
            ):
                if lines[j].endswith((".", "?", "!")):
                    break
                used[j] = True
                dropped.append(lines[j])
                j += 1
            k = j
            continue
        k += 1
    return dropped
