"""The rules of approving a draft referat, as plain functions: no store, no Slack.

Who the approvers are, whether a thread reply is an approval, the closing approval line, the final
text that replaces the draft marker, what changed between two versions, and the Danish sentences
that tell people about it. `bot.approval.service` applies these rules with the store; the wording
of the approval line lives here only, and the referat renderer uses it too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from bot.text.clip import clip
from bot.text.danish import and_list
from bot.text.dates import TZ, format_long_da, format_stamp
from storage.records import AuditRecord, Meeting, Participant

# The thread replies that approve; compared after dropping case, punctuation, mentions and emoji.
APPROVAL_WORDS = frozenset({"godkendt", "godkend", "approved", "approve"})

# How many changed entries the summary names one by one before it only counts the rest.
_CHANGES_LISTED = 5
_QUOTE_LIMIT = 70

NO_CHANGES = ("Ingen ændringer i indlæggene",)

_MENTION = re.compile(r"<[@!#][^>]*>")
_EMOJI_CODE = re.compile(r":[a-z0-9_+'-]+:")
# The draft marker `bot.referat.compile.compile_referat` writes as the first paragraph of every draft.
_DRAFT_MARKER = re.compile(r"UDKAST – version \d+")

Names = Callable[[str], str]


# --------------------------------------------------------------------------------------------
# Who approves, and what approves


def is_approval(text: str) -> bool:
    """True for `godkendt`, `Godkend!`, `approved.`, `<@UBOT> approve :+1:` and the like."""
    cleaned = _EMOJI_CODE.sub(" ", _MENTION.sub(" ", text).casefold())
    words = "".join(ch if ch.isalnum() else " " for ch in cleaned).split()
    return len(words) == 1 and words[0] in APPROVAL_WORDS


def approvers_from(
    explicit: Sequence[str], participants: Iterable[Participant], minute_taker: str | None = None
) -> tuple[str, ...]:
    """Those set with `/referat godkendere`, else every attending participant linked to Slack except
    the minute-taker: she wrote the referat, the others confirm it is what they said."""
    if explicit:
        return tuple(explicit)
    linked: list[str] = []
    for person in participants:
        uid = person.slack_user_id
        if not person.absent and uid and uid != minute_taker and uid not in linked:
            linked.append(uid)
    return tuple(linked)


_RESERVATION = re.compile(
    r"^\s*(?:<@[^>]*>\s*)?(?:godkendt?|approved?)\s+"
    r"(?:med\s+forbehold|with\s+(?:a\s+)?reservations?)\s*(?:[:\-–—]\s*)?(?P<text>.*)$",
    re.IGNORECASE | re.DOTALL,
)
RESERVATION_MISSING = (
    "Skriv forbeholdet efter kolon, fx `godkendt med forbehold: Punkt 3 bør uddybes.` Intet er registreret."
)


def reservation_in(text: str) -> str | None:
    """The reservation of `godkendt med forbehold: <tekst>` (stripped; "" when none was written),
    or None when the reply is not an approval with a reservation."""
    m = _RESERVATION.match(text)
    return " ".join(m["text"].split()) if m else None


def with_reservation(name: str, reservation: str | None) -> str:
    """`Helle Kyndesen (med forbehold: Punkt 3 bør uddybes.)`: how the approval line names her."""
    return f"{name} (med forbehold: {reservation})" if reservation else name


def addition_paragraph(created: dt.datetime, approvals: Sequence[tuple[str, dt.datetime]], text: str) -> str:
    """`Tilføjelse <dato>, godkendt <dato> af A, B: <tekst>`: an approved addition as the referat prints it.

    The approval date is the day the last approver approved, when the addition took effect.
    """
    last = max(when for _, when in approvals)
    names = and_list([name for name, _ in approvals])
    made = format_long_da(created.astimezone(TZ).date())
    return f"Tilføjelse {made}, godkendt {format_long_da(last.astimezone(TZ).date())} af {names}: {text}"


# --------------------------------------------------------------------------------------------
# The final text


def approval_line(approvals: Sequence[tuple[str, dt.datetime]]) -> str | None:
    """The closing `Godkendt <day> af A, B` (or `Godkendt af A <day>, B <day>`); None without approvals."""
    if not approvals:
        return None

    def local_day(when: dt.datetime) -> dt.date:
        return when.astimezone(TZ).date() if when.tzinfo else when.date()

    days = [local_day(when) for _, when in approvals]
    if len(set(days)) == 1:
        names = and_list([name for name, _ in approvals])
        return f"Godkendt {format_long_da(days[0])} af {names}"
    each = and_list([f"{name} {format_long_da(day)}" for (name, _), day in zip(approvals, days, strict=True)])
    return f"Godkendt af {each}"


def final_text(draft_text: str, approvals: Sequence[tuple[str, dt.datetime]]) -> str:
    """The approved draft's text with its draft marker replaced by the approval line.

    Built from the stored draft, never re-rendered from the live meeting: whatever was logged after
    the version was posted is not what the approvers approved.
    """
    line = approval_line(approvals)
    assert line is not None, "a final text needs at least one approval"
    return with_approval_line(draft_text, line)


def with_approval_line(draft_text: str, line: str) -> str:
    """A draft's text with its draft marker replaced by the approval line `line`."""
    first, separator, rest = draft_text.partition("\n\n")
    body = rest if separator and "\n" not in first and _DRAFT_MARKER.match(first) else draft_text
    return body.rstrip("\n") + "\n\n" + line + "\n"


# --------------------------------------------------------------------------------------------
# What changed between two versions


def describe_changes(
    before: Sequence[Mapping[str, Any]],
    after: Sequence[Mapping[str, Any]],
    answered: Sequence[tuple[str, str]] = (),
    still_open: Sequence[tuple[int, str, str]] = (),
) -> tuple[str, ...]:
    """Danish lines on what changed between two versions' entry snapshots, and the comments.

    `answered` holds (author name, comment text) for comments the minute-taker marked handled
    since the previous version; `still_open` (number, author name, text) every comment not
    yet handled, so a new version never buries one.
    """
    old = {int(e["id"]): e for e in before}
    new = {int(e["id"]): e for e in after}
    added = [new[i] for i in new if i not in old]
    removed = [old[i] for i in old if i not in new]
    edited = [
        new[i]
        for i in new
        if i in old and (old[i]["text"] != new[i]["text"] or old[i]["item"] != new[i]["item"])
    ]
    lines: list[str] = []
    for label, plural, entries in (
        ("Tilføjet", "tilføjede", added),
        ("Rettet", "rettede", edited),
        ("Fjernet", "fjernede", removed),
    ):
        for entry in entries[:_CHANGES_LISTED]:
            lines.append(f"{label} nr. {entry['seq']} (Ad {entry['item']}): «{quote(str(entry['text']))}»")
        if len(entries) > _CHANGES_LISTED:
            lines.append(f"… og {len(entries) - _CHANGES_LISTED} flere {plural} indlæg")
    if not lines:
        lines.extend(NO_CHANGES)
    for author, text in answered:
        lines.append(f"Kommentar behandlet – {author}: «{quote(text)}»")
    for number, author, text in still_open:
        lines.append(f"Åben kommentar nr. {number} – {author}: «{quote(text)}»")
    return tuple(lines)


def describe_setup_changes(records: Sequence[AuditRecord], names: Names) -> tuple[str, ...]:
    """Danish lines on what the minute-taker changed in the meeting's setup between two versions.

    Participants, apologies, the agenda, closed marks, approvers and the minute-taker: a new
    version's change list must show these too, not only changed entries.
    """
    lines: list[str] = []
    for record in records:
        after = record.after or ""
        match record.action:
            case "participant" | "absent":
                person = json.loads(after) if after else {}
                where = "under Afbud" if record.action == "absent" else "som deltager"
                lines.append(f"Tilføjet eller ændret {where}: {person.get('name', '?')}")
            case "agenda":
                items = json.loads(after) if after else []
                lines.append("Dagsordenen ændret: " + "; ".join(f"{n}. {quote(str(t))}" for n, t in items))
            case "closed":
                lines.append(f"Punkt {after} er lukket")
            case "opened":
                lines.append(f"Punkt {after} er åbnet igen")
            case "approvers":
                users = json.loads(after) if after else []
                lines.append("Godkendere: " + and_list([names(u) for u in users]))
            case "minute_taker":
                lines.append(f"Ny referent: {names(after)}")
    return tuple(lines)


def quote(text: str) -> str:
    """A comment or entry on one short line, for summaries."""
    return clip(text, _QUOTE_LIMIT)


# --------------------------------------------------------------------------------------------
# Wording


def already_approved(meeting: Meeting) -> str:
    when = f" {format_stamp(meeting.approved_utc)}" if meeting.approved_utc else ""
    return f"Referatet af {meeting.title} er allerede godkendt{when}. Intet er ændret."


# A draft is stored before it is posted, and where it was posted is stored only once Slack has
# answered; in that moment its message can already be clicked or replied to. Nothing is recorded
# then: what is approved must be the version whose message the approver can see in its thread.
STILL_POSTING = (
    "Udkastet er ved at blive lagt i kanalen. Prøv igen om et øjeblik – intet er ændret. "
    "Varer det ved, så bed referenten lave et nyt med `/referat udkast`."
)


def newer_version(version: int) -> str:
    return f"Der er kommet en nyere version (v{version}) – godkend den i tråden."


def stale_version(version: int, changed: Sequence[int]) -> str:
    numbers = and_list([f"nr. {n}" for n in changed])
    return (
        f"Udkast v{version} er forældet: {numbers} er ændret, efter det blev lagt frem, så det er ikke "
        "længere det, der står i referatet. Intet er godkendt. Referenten lægger den næste version frem med "
        "`/referat udkast`; godkend den i dens tråd."
    )


def not_approver(approver_ids: Sequence[str], names: Names) -> str:
    if not approver_ids:
        return (
            "Referatet har ingen godkendere endnu, så intet er registreret. Deltagere (undtagen "
            "referenten) bliver godkendere, når de er tilknyttet en Slack-bruger (`/referat deltager @navn | "
            "titel`), eller referenten "
            "vælger dem med `/referat godkendere @a @b`."
        )
    return (
        f"Kun godkenderne kan godkende referatet: {and_list([names(u) for u in approver_ids])}. "
        "Intet er registreret. Referenten kan ændre godkenderne med `/referat godkendere`."
    )
