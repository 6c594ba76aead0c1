"""Applying the approval rules with the store: approve, comment, set approvers, finalise.

A referat becomes final only when every approver has approved one exact draft version. The rules
themselves (who approves, what approves, the approval line, the final text, the wording) are plain
functions in `bot.approval.rules`; this module reads and writes the store with them and returns
outcomes. The Slack side (posting, reactions, ephemerals, the top message's blocks) lives in
`bot.slack.drafts` and the listeners.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.approval import rules
from bot.approval.rules import (
    NO_CHANGES,
    Names,
    already_approved,
    approval_line,
    approvers_from,
    describe_changes,
    describe_setup_changes,
    final_text,
    is_approval,
    newer_version,
    not_approver,
    quote,
)
from bot.text.danish import and_list
from bot.text.dates import format_short_stamp, format_stamp
from bot.text.hygiene import clean_input
from storage.records import Addition, ApprovedReferat, Comment, Draft, Meeting, MeetingStatus
from storage.store import Store

UserName = Callable[[str], str | None]


# --------------------------------------------------------------------------------------------
# Who approves


def approver_ids(store: Store, meeting: Meeting, draft: Draft | None = None) -> tuple[str, ...]:
    """Who approves `draft`: the set frozen when it was posted (approvers cannot be swapped under a
    posted version); otherwise, and for versions from before that, the current set: those set with
    `/referat godkendere`, else every attending participant linked to Slack but the minute-taker."""
    if draft is not None and draft.approvers is not None:
        return draft.approvers
    return approvers_from(
        store.approvers(meeting.id), store.participants(meeting.id), meeting.starter_user_id
    )


def approvers_note(store: Store, meeting: Meeting, names: Names) -> str:
    """Who approves this referat and how to change it, for the `udkast` confirmation."""
    approvers = approver_ids(store, meeting)
    how = "Skift dem med `/referat godkendere @a @b`."
    if not approvers:
        return (
            "Ingen godkendere endnu: deltagere med en Slack-bruger (undtagen referenten) godkender, "
            "eller vælg dem med `/referat godkendere @a @b`."
        )
    listed = and_list([names(u) for u in approvers])
    if store.approvers(meeting.id):
        return f"Godkendere: {listed}. {how}"
    return f"Godkendere: {listed} (deltagerne med Slack-bruger, undtagen referenten). {how}"


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
    return tuple(u for u in approver_ids(store, meeting, draft) if u not in approved)


def is_complete(store: Store, meeting: Meeting, draft: Draft) -> bool:
    return bool(approver_ids(store, meeting, draft)) and not pending(store, meeting, draft)


# --------------------------------------------------------------------------------------------
# Outcomes


@dataclass(frozen=True)
class Approved:
    """The approval of `draft` is recorded (`new`) or was already there; `complete` when all have.

    `final`: the approved referat when it still has to be posted in Slack, because this approval
    completed the set (the meeting is locked already) or an earlier finalisation was cut short.
    """

    draft: Draft
    new: bool
    at: dt.datetime
    complete: bool
    final: ApprovedReferat | None = None


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


@dataclass(frozen=True)
class AdditionApproved:
    """An approval of an addition to an approved referat; `complete` once every approver has."""

    addition: Addition
    new: bool
    complete: bool


ThreadOutcome = Approved | AdditionApproved | Commented | NotRecorded | Ignored


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
    reservation: str | None = None,
) -> Approved | NotRecorded:
    """Approve the newest draft (a thread reply), or the clicked one (`draft_id`, a button).

    A click on an older version's button is refused: approval is of one exact version. The approval
    that completes the set locks the meeting in the same transaction, before anything is said in
    Slack; an approver's click or reply on a locked meeting whose final referat never reached Slack
    hands it back (`final`), so the caller finishes what was cut short.
    A `reservation` still counts as approval; the approval line carries it.
    """
    if reservation is not None and not reservation.strip():
        return NotRecorded(rules.RESERVATION_MISSING)
    if meeting.status is MeetingStatus.APPROVED:
        return _unfinished(store, meeting, user_id) or NotRecorded(already_approved(meeting))
    latest = store.latest_draft(meeting.id)
    if latest is None:
        return NotRecorded(
            "Der er intet udkast at godkende endnu. Referenten laver det med `/referat udkast`."
        )
    if draft_id is not None and draft_id != latest.id:
        return NotRecorded(newer_version(latest.version))
    if latest.message_ts is None or latest.thread_ts is None:
        # A reply in the thread of the version before would otherwise approve this one unseen,
        # and its final referat would have no thread to go to.
        return NotRecorded(rules.STILL_POSTING)
    required = approver_ids(store, meeting, latest)
    if user_id not in required:
        return NotRecorded(not_approver(required, names))
    # Names first: a lookup may ask Slack, and no Slack call happens inside the write.
    named = {u: names(u) for u in required}
    with store.transaction():
        # What is approved is what is answered: a version whose entries changed after it was
        # posted is not the record any more, so it cannot be approved (checked inside the write,
        # so no edit slips in between).
        changed = changed_since(store, meeting, latest)
        if changed:
            return NotRecorded(rules.stale_version(latest.version, changed))
        new = store.add_approval(
            latest.id, user_id, now, reservation=reservation.strip() if reservation else None
        )
        complete = is_complete(store, meeting, latest)
        final = finalize(store, meeting, latest, now=now, names=named.__getitem__) if complete else None
    at = next(a.approved_utc for a in store.approvals(latest.id) if a.user_id == user_id)
    return Approved(draft=latest, new=new, at=at, complete=complete, final=final)


# Audit actions that change an entry, and so the text a posted version shows.
_ENTRY_CHANGES = frozenset({"add", "edit", "delete", "undo"})


def changed_since(store: Store, meeting: Meeting, draft: Draft) -> tuple[int, ...]:
    """The numbers of the entries added, edited or deleted after `draft` was posted (its version
    mark in the audit trail); empty while the version still shows what is recorded."""
    trail = store.audit_trail(meeting.id)
    mark = next(
        (i for i, r in enumerate(trail) if r.action == "draft" and r.after == str(draft.version)), None
    )
    if mark is None:
        return ()
    ids = [r.entry_id for r in trail[mark + 1 :] if r.entry_id is not None and r.action in _ENTRY_CHANGES]
    if not ids:
        return ()
    seq = {e.id: e.seq for e in store.entries(meeting.id, include_deleted=True)}
    return tuple(sorted({seq[i] for i in ids if i in seq}))


def _unfinished(store: Store, meeting: Meeting, user_id: str) -> Approved | None:
    """An approver of a locked meeting whose final referat was never posted: the work left to do."""
    final = store.approved_referat(meeting.id)
    if final is None or final.posted_utc is not None:
        return None
    draft = store.draft(final.draft_id)
    when = {a.user_id: a.approved_utc for a in store.approvals(final.draft_id)}
    if draft is None or user_id not in when:
        return None
    return Approved(draft=draft, new=False, at=when[user_id], complete=True, final=final)


def pending_addition(store: Store, meeting: Meeting) -> Addition | None:
    """The newest addition still waiting for approval (one at a time is approved in the thread)."""
    waiting = [a for a in store.additions(meeting.id) if a.approved_utc is None]
    return waiting[-1] if waiting else None


def addition_approvers(store: Store, meeting: Meeting) -> tuple[str, ...]:
    """The approvers of the approved referat approve its additions too."""
    final = store.approved_referat(meeting.id)
    draft = store.draft(final.draft_id) if final is not None else None
    return approver_ids(store, meeting, draft)


def approve_addition(
    store: Store, meeting: Meeting, user_id: str, addition: Addition, *, now: dt.datetime, names: Names
) -> AdditionApproved | NotRecorded:
    """Record `user_id`'s approval of `addition`; the last approval prints and chains it."""
    required = addition_approvers(store, meeting)
    if user_id not in required:
        return NotRecorded(not_approver(required, names))
    new = store.add_addition_approval(addition.id, user_id, now)
    given = store.addition_approvals(addition.id)
    complete = all(u in given for u in required)
    if complete and addition.approved_utc is None:
        paragraph = rules.addition_paragraph(
            addition.created_utc, [(names(u), given[u]) for u in required], addition.text
        )
        store.approve_addition(addition.id, paragraph, now)
    return AdditionApproved(store.addition(addition.id) or addition, new, complete)


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
    refusal = comment_refusal(store, meeting, text)
    latest = store.latest_draft(meeting.id)
    if refusal is not None or latest is None:
        return NotRecorded(refusal or NO_DRAFT_TO_COMMENT)
    kept = store.add_comment(
        meeting.id,
        draft_version=version if version is not None else latest.version,
        user_id=user_id,
        text=clean_input(text).strip(),
        ts=ts,
        now=now,
    )
    return Commented(kept)


NO_DRAFT_TO_COMMENT = "Der er intet udkast at kommentere endnu."


def comment_refusal(store: Store, meeting: Meeting, text: str) -> str | None:
    """Why `text` cannot be kept as a comment now, or None: checked before a submission is claimed,
    so a corrected resubmission of the same modal is still handled."""
    if meeting.status is MeetingStatus.APPROVED:
        return already_approved(meeting)
    if store.latest_draft(meeting.id) is None:
        return NO_DRAFT_TO_COMMENT
    if not clean_input(text).strip():
        return "Skriv hvad der skal rettes."
    return None


def thread_reply(
    store: Store, meeting: Meeting, user_id: str, text: str, *, ts: str, now: dt.datetime, names: Names
) -> ThreadOutcome:
    """A reply in a draft's thread: an approval word approves, anything else is a comment."""
    if meeting.status is MeetingStatus.APPROVED and is_approval(text):
        addition = pending_addition(store, meeting)
        if addition is not None:
            return approve_addition(store, meeting, user_id, addition, now=now, names=names)
    reservation = rules.reservation_in(text)
    if reservation is not None:
        return approve(store, meeting, user_id, now=now, names=names, reservation=reservation)
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
    reply = f"Godkendere af referatet: {and_list([names(u) for u in unique])}."
    latest = store.latest_draft(meeting.id)
    if latest is not None:
        done = {a.user_id for a in store.approvals(latest.id)}
        have = [names(u) for u in unique if u in done]
        if have:
            reply += f" Har allerede godkendt v{latest.version}: {and_list(have)}."
    return reply


# --------------------------------------------------------------------------------------------
# The final referat


def finalize(
    store: Store, meeting: Meeting, draft: Draft, *, now: dt.datetime, names: Names
) -> ApprovedReferat | None:
    """Lock the meeting when every approver has approved `draft`; None when not (or already done)."""
    required = approver_ids(store, meeting, draft)
    given = {a.user_id: a for a in store.approvals(draft.id)}
    if not required or any(u not in given for u in required):
        return None
    approvals = [
        (rules.with_reservation(names(u), given[u].reservation), given[u].approved_utc) for u in required
    ]
    text = final_text(draft.text, approvals)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    line = approval_line(approvals)
    if not store.finalize(meeting.id, draft.id, text=text, text_sha256=digest, approval_line=line, now=now):
        return None
    return store.approved_referat(meeting.id)


# --------------------------------------------------------------------------------------------
# What `/referat status` and the top message say


def changes(store: Store, meeting: Meeting, draft: Draft, names: Names) -> tuple[str, ...]:
    """What `draft` changed against the version before it (empty for version 1)."""
    previous = store.draft_version(meeting.id, draft.version - 1)
    if previous is None:
        return ()
    comments = store.comments(meeting.id)
    answered = [
        (names(c.user_id), c.text)
        for c in comments
        if c.handled_utc is not None and c.handled_utc >= previous.created_utc
    ]
    still_open = [
        (number, names(c.user_id), c.text)
        for number, c in enumerate(comments, start=1)
        if c.handled_utc is None and c.draft_version < draft.version
    ]
    entries = describe_changes(
        store.draft_snapshot(previous.id) or [], store.draft_snapshot(draft.id) or [], answered, still_open
    )
    trail = store.audit_trail(meeting.id)
    marks = {r.after: i for i, r in enumerate(trail) if r.action == "draft"}
    start, end = marks.get(str(previous.version)), marks.get(str(draft.version))
    setup = describe_setup_changes(trail[start + 1 : end], names) if start is not None and end else ()
    if setup and entries[: len(NO_CHANGES)] == NO_CHANGES:
        entries = entries[len(NO_CHANGES) :]
    return (*setup, *entries)


def status_lines(store: Store, meeting: Meeting, names: Names) -> list[str]:
    """For `/referat status`: the approval state of the newest version, and every comment."""
    latest = store.latest_draft(meeting.id)
    required = approver_ids(store, meeting, latest)
    final = store.approved_referat(meeting.id)
    lines: list[str] = []
    if latest is None:
        who = and_list([names(u) for u in required]) if required else "ingen endnu"
        lines.append(f"Godkendere: {who} (intet udkast endnu)")
    else:
        when = {a.user_id: a.approved_utc for a in store.approvals(latest.id)}
        if final is not None:
            lines.append(f"Godkendt {format_stamp(final.approved_utc)}: v{latest.version}")
        else:
            lines.append(f"Udkast v{latest.version} ({format_short_stamp(latest.created_utc)})")
        done = [f"{names(u)} ({format_short_stamp(when[u])})" for u in required if u in when]
        waiting = [names(u) for u in required if u not in when]
        if done:
            lines.append(f"Godkendt af: {', '.join(done)}")
        if waiting:
            lines.append(f"Mangler godkendelse fra: {', '.join(waiting)}")
        if not required:
            lines.append(
                "Godkendere: ingen endnu (tilknyt deltagere til Slack eller brug `/referat godkendere`)"
            )
    comments = store.comments(meeting.id)
    if comments:
        lines.append("Kommentarer:")
        for number, c in enumerate(comments, start=1):
            state = "behandlet" if c.handled_utc is not None else "åben"
            lines.append(
                f"  nr. {number} ({state}) · v{c.draft_version} · {names(c.user_id)} · "
                f"{format_short_stamp(c.created_utc)}: «{quote(c.text)}»"
            )
    return lines
