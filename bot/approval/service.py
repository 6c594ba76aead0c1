"""The rules of approving a draft referat, without Slack.

A referat becomes final only when every approver has approved one exact draft version. This
module decides who the approvers are, whether a thread reply is an approval or a comment, what an
approval or a comment records, what the draft's top message says about it, and, once everyone has
approved, the final text that locks the meeting. The Slack side (posting, reactions, ephemerals)
lives in `bot.slack.drafts` and the listeners; everything here talks only to the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.referat.compile import compile_referat
from bot.slack.blocks import DraftHeader, DraftStatus
from bot.text.dates import TZ, format_long_da
from storage.records import Comment, Draft, Meeting, MeetingDocument, MeetingStatus
from storage.store import ApprovedReferat, Store

# The thread replies that approve; compared after dropping case, punctuation, mentions and emoji.
APPROVAL_WORDS = frozenset({"godkendt", "godkend", "approved", "approve"})

# How many changed entries the summary names one by one before it only counts the rest.
_CHANGES_LISTED = 5
_QUOTE_LIMIT = 70

NO_CHANGES = ("Ingen ændringer i indlæggene",)

_MENTION = re.compile(r"<[@!#][^>]*>")
_EMOJI_CODE = re.compile(r":[a-z0-9_+'-]+:")
# The draft marker `referat.compile_referat` writes as the first paragraph of every draft.
_DRAFT_MARKER = re.compile(r"UDKAST – version \d+")

UserName = Callable[[str], str | None]
Names = Callable[[str], str]


# --------------------------------------------------------------------------------------------
# Who approves


def is_approval(text: str) -> bool:
    """True for `godkendt`, `Godkend!`, `approved.`, `<@UBOT> approve :+1:` and the like."""
    cleaned = _EMOJI_CODE.sub(" ", _MENTION.sub(" ", text).casefold())
    words = "".join(ch if ch.isalnum() else " " for ch in cleaned).split()
    return len(words) == 1 and words[0] in APPROVAL_WORDS


def approver_ids(store: Store, meeting: Meeting) -> tuple[str, ...]:
    """Those set with `/referat godkendere`, else every attending participant linked to Slack."""
    explicit = store.approvers(meeting.id)
    if explicit:
        return tuple(explicit)
    linked: list[str] = []
    for person in store.participants(meeting.id):
        if not person.absent and person.slack_user_id and person.slack_user_id not in linked:
            linked.append(person.slack_user_id)
    return tuple(linked)


def names_for(store: Store, meeting: Meeting, user_name: UserName | None = None) -> Names:
    """Display names: the name on the participant list, else Slack's name, else the user id."""
    linked = {p.slack_user_id: p.name for p in store.participants(meeting.id) if p.slack_user_id}

    def name(user_id: str) -> str:
        if user_id in linked:
            return linked[user_id]
        looked_up = user_name(user_id) if user_name is not None else None
        return looked_up or user_id

    return name


def pending(store: Store, meeting: Meeting, draft: Draft) -> tuple[str, ...]:
    """Approvers who have not yet approved `draft`."""
    approved = {a.user_id for a in store.approvals(draft.id)}
    return tuple(u for u in approver_ids(store, meeting) if u not in approved)


def is_complete(store: Store, meeting: Meeting, draft: Draft) -> bool:
    return bool(approver_ids(store, meeting)) and not pending(store, meeting, draft)


# --------------------------------------------------------------------------------------------
# Outcomes


@dataclass(frozen=True)
class Approved:
    """The approval of `draft` is recorded (`new`) or was already there; `complete` when all have."""

    draft: Draft
    new: bool
    at: dt.datetime
    complete: bool


@dataclass(frozen=True)
class Commented:
    comment: Comment


@dataclass(frozen=True)
class NotRecorded:
    """Nothing was stored; `message` tells the user why (only they see it)."""

    message: str


@dataclass(frozen=True)
class Ignored:
    """A thread reply the bot does not act on (chatter after the referat was approved)."""


ThreadOutcome = Approved | Commented | NotRecorded | Ignored


def stamp(when: dt.datetime) -> str:
    """`27. november 2026 kl. 14.05` in Danish time."""
    local = when.astimezone(TZ)
    return f"{format_long_da(local.date())} kl. {local:%H.%M}"


def short_stamp(when: dt.datetime) -> str:
    local = when.astimezone(TZ)
    return f"{local:%d.%m.} kl. {local:%H.%M}"


def already_approved(meeting: Meeting) -> str:
    when = f" {stamp(meeting.approved_utc)}" if meeting.approved_utc else ""
    return f"Referatet af {meeting.title} er allerede godkendt{when}. Intet er ændret."


def newer_version(latest: Draft) -> str:
    return f"Der er kommet en nyere version (v{latest.version}) – godkend den i tråden."


def not_approver(approvers: Sequence[str], names: Names) -> str:
    if not approvers:
        return (
            "Referatet har ingen godkendere endnu, så intet er registreret. Deltagere bliver godkendere, "
            "når de er tilknyttet en Slack-bruger (`/referat deltager @navn | titel`), eller referenten "
            "vælger dem med `/referat godkendere @a @b`."
        )
    return (
        f"Kun godkenderne kan godkende referatet: {_and_list([names(u) for u in approvers])}. "
        "Intet er registreret. Referenten kan ændre godkenderne med `/referat godkendere`."
    )


def _and_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


# --------------------------------------------------------------------------------------------
# Approving and commenting


def approve(
    store: Store,
    meeting: Meeting,
    user_id: str,
    *,
    now: dt.datetime,
    names: Names,
    draft_id: int | None = None,
) -> Approved | NotRecorded:
    """Approve the newest draft (a thread reply), or the clicked one (`draft_id`, a button).

    A click on an older version's button is refused: approval is of one exact version.
    """
    if meeting.status is MeetingStatus.APPROVED:
        return NotRecorded(already_approved(meeting))
    latest = store.latest_draft(meeting.id)
    if latest is None:
        return NotRecorded(
            "Der er intet udkast at godkende endnu. Referenten laver det med `/referat udkast`."
        )
    if draft_id is not None and draft_id != latest.id:
        return NotRecorded(newer_version(latest))
    approvers = approver_ids(store, meeting)
    if user_id not in approvers:
        return NotRecorded(not_approver(approvers, names))
    new = store.add_approval(latest.id, user_id, now)
    at = next(a.approved_utc for a in store.approvals(latest.id) if a.user_id == user_id)
    return Approved(draft=latest, new=new, at=at, complete=is_complete(store, meeting, latest))


def comment(
    store: Store,
    meeting: Meeting,
    user_id: str,
    text: str,
    *,
    ts: str | None,
    now: dt.datetime,
    version: int | None = None,
) -> Commented | NotRecorded:
    """Keep a comment on the newest draft (or on `version`, the one a change request was made on)."""
    if meeting.status is MeetingStatus.APPROVED:
        return NotRecorded(already_approved(meeting))
    latest = store.latest_draft(meeting.id)
    if latest is None:
        return NotRecorded("Der er intet udkast at kommentere endnu.")
    text = text.strip()
    if not text:
        return NotRecorded("Skriv hvad der skal rettes.")
    kept = store.add_comment(
        meeting.id,
        draft_version=version if version is not None else latest.version,
        user_id=user_id,
        text=text,
        ts=ts,
        now=now,
    )
    return Commented(kept)


def thread_reply(
    store: Store, meeting: Meeting, user_id: str, text: str, *, ts: str, now: dt.datetime, names: Names
) -> ThreadOutcome:
    """A reply in a draft's thread: an approval word approves, anything else is a comment."""
    if is_approval(text):
        return approve(store, meeting, user_id, now=now, names=names)
    if meeting.status is MeetingStatus.APPROVED or not text.strip():
        return Ignored()  # thanks and chatter under a final referat are not comments on a draft
    return comment(store, meeting, user_id, text, ts=ts, now=now)


def change_request_refusal(store: Store, meeting: Meeting, draft: Draft) -> str | None:
    """Why "Anmod om rettelser" on `draft` cannot be used now, or None when it can."""
    if meeting.status is MeetingStatus.APPROVED:
        return already_approved(meeting)
    latest = store.latest_draft(meeting.id)
    if latest is not None and latest.id != draft.id:
        return f"Der er kommet en nyere version (v{latest.version}) – skriv dine rettelser til den i tråden."
    return None


def set_approvers(
    store: Store, meeting: Meeting, user_ids: Sequence[str], *, by: str, now: dt.datetime, names: Names
) -> str:
    """`/referat godkendere @a @b`: replace the set; the reply names them (the caller checks the lock)."""
    unique = tuple(dict.fromkeys(user_ids))
    store.set_approvers(meeting.id, unique, user_id=by, now=now)
    reply = f"Godkendere af referatet: {_and_list([names(u) for u in unique])}."
    latest = store.latest_draft(meeting.id)
    if latest is not None:
        done = {a.user_id for a in store.approvals(latest.id)}
        have = [names(u) for u in unique if u in done]
        if have:
            reply += f" Har allerede godkendt v{latest.version}: {_and_list(have)}."
    return reply


# --------------------------------------------------------------------------------------------
# The final text


def approval_line(approvals: Sequence[tuple[str, dt.datetime]]) -> str:
    """The closing `Godkendt … af …` line, worded by the referat renderer."""
    # The wording belongs to bot.referat.compile; an empty document gives exactly that line.
    meeting = Meeting(
        id=0,
        title="",
        date=dt.date(2000, 1, 1),
        place=None,
        status=MeetingStatus.OPEN,
        channel_id=None,
        starter_user_id=None,
        created_utc=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
    )
    line = compile_referat(MeetingDocument(meeting, (), (), ()), approved=tuple(approvals)).approval
    assert line is not None
    return line


def final_text(draft_text: str, approvals: Sequence[tuple[str, dt.datetime]]) -> str:
    """The approved draft's text with its draft marker replaced by the approval line.

    Built from the stored draft, never re-rendered from the live meeting: whatever was logged after
    the version was posted is not what the approvers approved.
    """
    first, separator, rest = draft_text.partition("\n\n")
    body = rest if separator and "\n" not in first and _DRAFT_MARKER.match(first) else draft_text
    return body.rstrip("\n") + "\n\n" + approval_line(approvals) + "\n"


def finalize(
    store: Store, meeting: Meeting, draft: Draft, *, now: dt.datetime, names: Names
) -> ApprovedReferat | None:
    """Lock the meeting when every approver has approved `draft`; None when not (or already done)."""
    approvers = approver_ids(store, meeting)
    when = {a.user_id: a.approved_utc for a in store.approvals(draft.id)}
    if not approvers or any(u not in when for u in approvers):
        return None
    text = final_text(draft.text, [(names(u), when[u]) for u in approvers])
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if not store.finalize(meeting.id, draft.id, text=text, text_sha256=digest, now=now):
        return None
    return store.approved_referat(meeting.id)


# --------------------------------------------------------------------------------------------
# What the top message and `/referat status` say


def describe_changes(
    before: Sequence[Mapping[str, Any]],
    after: Sequence[Mapping[str, Any]],
    answered: Sequence[tuple[str, str]] = (),
) -> tuple[str, ...]:
    """Danish lines on what changed between two versions' entry snapshots, and comments answered.

    `answered` holds (author name, comment text) for comments made on the previous version.
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
            lines.append(f"{label} nr. {entry['seq']} (Ad {entry['item']}): «{_quote(str(entry['text']))}»")
        if len(entries) > _CHANGES_LISTED:
            lines.append(f"… og {len(entries) - _CHANGES_LISTED} flere {plural} indlæg")
    if not lines:
        lines.extend(NO_CHANGES)
    for author, text in answered:
        lines.append(f"Kommentar besvaret – {author}: «{_quote(text)}»")
    return tuple(lines)


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _QUOTE_LIMIT else flat[: _QUOTE_LIMIT - 1] + "…"


def changes(store: Store, meeting: Meeting, draft: Draft, names: Names) -> tuple[str, ...]:
    """What `draft` changed against the version before it (empty for version 1)."""
    previous = store.draft_version(meeting.id, draft.version - 1)
    if previous is None:
        return ()
    answered = [
        (names(c.user_id), c.text) for c in store.comments(meeting.id) if c.draft_version == previous.version
    ]
    return describe_changes(
        store.draft_snapshot(previous.id) or [], store.draft_snapshot(draft.id) or [], answered
    )


def header(store: Store, meeting: Meeting, draft: Draft, names: Names) -> DraftHeader:
    """The top message's account of `draft`: version, status, approvers and when, changes."""
    when = {a.user_id: a.approved_utc for a in store.approvals(draft.id)}
    final = store.approved_referat(meeting.id)
    approved = final is not None and final.draft_id == draft.id
    return DraftHeader(
        meeting_title=meeting.title,
        meeting_date=meeting.date,
        version=draft.version,
        draft_id=draft.id,
        status=DraftStatus.APPROVED if approved else DraftStatus.DRAFT,
        approvers=tuple((names(u), when.get(u)) for u in approver_ids(store, meeting)),
        comments=sum(1 for c in store.comments(meeting.id) if c.draft_version == draft.version),
        changes_summary=changes(store, meeting, draft, names),
    )


def status_lines(store: Store, meeting: Meeting, names: Names) -> list[str]:
    """For `/referat status`: the approval state of the newest version, and every comment."""
    approvers = approver_ids(store, meeting)
    latest = store.latest_draft(meeting.id)
    final = store.approved_referat(meeting.id)
    lines: list[str] = []
    if latest is None:
        who = _and_list([names(u) for u in approvers]) if approvers else "ingen endnu"
        lines.append(f"Godkendere: {who} (intet udkast endnu)")
    else:
        when = {a.user_id: a.approved_utc for a in store.approvals(latest.id)}
        if final is not None:
            lines.append(f"Godkendt {stamp(final.approved_utc)}: v{latest.version}")
        else:
            lines.append(f"Udkast v{latest.version} ({short_stamp(latest.created_utc)})")
        done = [f"{names(u)} ({short_stamp(when[u])})" for u in approvers if u in when]
        waiting = [names(u) for u in approvers if u not in when]
        if done:
            lines.append(f"Godkendt af: {', '.join(done)}")
        if waiting:
            lines.append(f"Mangler godkendelse fra: {', '.join(waiting)}")
        if not approvers:
            lines.append(
                "Godkendere: ingen endnu (tilknyt deltagere til Slack eller brug `/referat godkendere`)"
            )
    comments = store.comments(meeting.id)
    if comments:
        lines.append("Kommentarer:")
        for c in comments:
            lines.append(
                f"  v{c.draft_version} · {names(c.user_id)} · {short_stamp(c.created_utc)}: «{_quote(c.text)}»"
            )
    return lines
