"""Parsers for the council's record: `afstemning` (a vote), `ankommet` and `gået` (arriving late,
leaving early).

`/referat afstemning 3 Forslag om cykelsti | for: 3 | imod: @erik | undlod: Fie Bach | vedtaget`:
the proposal, then each side as a number or as people (mentions or names; the count is then
theirs), `alle` for everyone taking part, `ingen` for none; an outcome only when simple majority
does not decide it. Whether the people named may vote is the handler's check (it needs the
meeting); here only what was typed is read.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.meeting.commands import Command, RecordVote, VotePart
from bot.meeting.fields import MENTION_RE, collapse, split_fields
from bot.meeting.parse_entries import parse_item_number
from bot.meeting.subcommands import Subcommand, echo, fail
from bot.referat.votes import STATED_WORDS
from bot.text.danish import counted

# The label of each side, Danish first; `ja`/`nej` as people say them at the table.
_SIDES = {
    "for": "for",
    "ja": "for",
    "yes": "for",
    "imod": "imod",
    "mod": "imod",
    "nej": "imod",
    "no": "imod",
    "against": "imod",
    "undlod": "undlod",
    "undlader": "undlod",
    "undladt": "undlod",
    "undlod at stemme": "undlod",
    "hverken for eller imod": "undlod",
    "blank": "undlod",
    "blanke": "undlod",
    "abstain": "undlod",
    "abstained": "undlod",
    "abstentions": "undlod",
    "resultat": "resultat",
    "result": "resultat",
    "outcome": "resultat",
}
_LABEL = re.compile(
    r"^(?P<label>" + "|".join(sorted((re.escape(w) for w in _SIDES), key=len, reverse=True)) + r")"
    r"(?:\s*:\s*|\s+|$)",
    re.IGNORECASE,
)
# Without `|`: the sides found by their labels with a colon (`… for: 3 imod: 1`).
_INLINE_LABEL = re.compile(r"(?<![\w-])(?:for|imod|undlod|resultat)\s*:", re.IGNORECASE)
_EVERYONE = frozenset({"alle", "all", "enstemmigt", "unanimously"})
_NONE = frozenset({"ingen", "none", "0", "-", "–"})
_NAME_SEPARATORS = re.compile(r"\s*(?:[,;&+]|(?<![\w-])(?:og|and)(?![\w-]))\s*", re.IGNORECASE)
_MAX_VOTES = 999


def parse_vote(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    number, body = parse_item_number(sub, rest)
    fields = split_fields(body)
    if len(fields) == 1 and (m := _INLINE_LABEL.search(body)):
        fields = [
            collapse(body[: m.start()]),
            *split_fields(_INLINE_LABEL.sub(lambda x: "|" + x[0], body[m.start() :]))[1:],
        ]
    proposal = fields[0].strip().rstrip(":").strip()
    if not proposal:
        raise fail(sub, f"Skriv forslaget, der blev stemt om under punkt {number}, før det første |.")
    sides: dict[str, VotePart] = {}
    stated: str | None = None
    for field in fields[1:]:
        if not field:
            continue
        word = field.strip(".").casefold()
        if word in STATED_WORDS:
            stated = word
            continue
        m = _LABEL.match(field)
        if m is None:
            raise fail(sub, f'Forstår ikke "{echo(field)}". Skriv for: …, imod: … og evt. undlod: …')
        side = _SIDES[collapse(m["label"]).casefold()]
        value = field[m.end() :].strip()
        if side == "resultat":
            if value.strip(".").casefold() not in STATED_WORDS:
                raise fail(
                    sub, f'Resultatet "{echo(value)}" kendes ikke. Skriv vedtaget, forkastet eller bortfaldt.'
                )
            stated = value.strip(".").casefold()
            continue
        if side in sides:
            raise fail(sub, f"{side}: står to gange. Skriv hver side én gang.")
        sides[side] = _parse_part(sub, side, value)
    if "for" not in sides or "imod" not in sides:
        missing = " og ".join(s + ":" for s in ("for", "imod") if s not in sides)
        raise fail(sub, f"Skriv hvordan der blev stemt: {missing} mangler (et tal eller navnene).")
    if sum(1 for part in sides.values() if part.everyone) > 1:
        raise fail(sub, "Kun én side kan være alle.")
    return RecordVote(number, proposal, sides["for"], sides["imod"], sides.get("undlod"), stated)


def _parse_part(sub: Subcommand, side: str, value: str) -> VotePart:
    """`3`, `ingen`, `alle`, `@a @b`, `Anne Krog og Erik Juhl`, `2 (Anne Krog, Erik Juhl)`."""
    text = collapse(value)
    if not text:
        raise fail(sub, f"Skriv et tal eller navnene efter {side}:.")
    if text.casefold().strip(".") in _EVERYONE:
        return VotePart(None, everyone=True)
    if text.casefold().strip(".") in _NONE:
        return VotePart(0)
    count: int | None = None
    if m := re.match(r"(?P<num>[0-9]+)(?![0-9.,][0-9])\s*(?:stemmer|stemme|votes?)?\s*", text, re.IGNORECASE):
        if len(m["num"]) > 3 or int(m["num"]) > _MAX_VOTES:
            raise fail(sub, f"{side}: {echo(m['num'])} stemmer er ikke muligt.")
        count = int(m["num"])
        text = text[m.end() :]
    user_ids = tuple(dict.fromkeys(m["uid"] for m in MENTION_RE.finditer(text)))
    rest = MENTION_RE.sub(",", text).strip().removeprefix("(").removesuffix(")")
    names = tuple(
        dict.fromkeys(n for n in (collapse(p.strip(" ().")) for p in _NAME_SEPARATORS.split(rest)) if n)
    )
    if any(name[0].isdigit() for name in names):
        raise fail(sub, f'{side}: "{echo(rest)}" er hverken et tal eller navne.')
    part = VotePart(count, user_ids, names)
    if count is not None and part.named and part.named != count:
        raise fail(
            sub,
            f"{side}: {counted(count, 'stemme')}, men {counted(part.named, 'navn')}. "
            "Skriv tallet eller navnene, eller ret dem, så de passer.",
        )
    if count is None and not part.named:
        raise fail(sub, f"Skriv et tal eller navnene efter {side}:.")
    return part
