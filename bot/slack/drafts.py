"""The draft message in Slack: post each version, keep its top message current, post the final.

The draft text is stored (with its sha256) before anything is posted, so what approvers see is
always the stored version. Version 1 starts a thread in the channel; later versions are posted in
the same thread and the top message is updated in place. A referat too long for one message
continues in the thread, and the full text is attached as a file.

The approval rules live in `bot.approval`; this module carries their outcomes to Slack: the top
message is rebuilt from the store after every approval or comment, and when the last approver
approves, the final referat goes into the thread as text and as a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.approval import rules
from bot.approval import service as approval
from bot.archive import access
from bot.meeting import export as exporting
from bot.referat.compile import referat_text
from bot.referat.export import render
from bot.slack import blocks, witness
from bot.slack.uploads import NotInChannel, ensure_member
from bot.text.danish import and_list
from bot.text.dates import TZ, format_short, format_short_stamp
from storage.chain import KIND_ADDITION, KIND_REFERAT
from storage.records import (
    Addition,
    ApprovedReferat,
    Comment,
    Draft,
    Entry,
    Meeting,
    MeetingDocument,
    MeetingStatus,
)
from storage.store import Store

log = logging.getLogger(__name__)

APPROVED_REACTION = "white_check_mark"
COMMENT_REACTION = "speech_balloon"

# Rebuilding the top message reads the store and then calls chat.update; two approvals handled at
# once could otherwise land their updates in the wrong order and show a stale state.
_TOP_LOCK = threading.Lock()
# One finisher at a time in this process: a repeated click must not post the final referat twice.
_FINISH_LOCK = threading.Lock()
UNFINISHED = (
    "Referatet er godkendt og låst, men det endelige referat kunne ikke lægges i tråden lige nu. "
    "Klik Godkend (eller svar godkendt) igen om lidt, så bliver det gjort færdigt."
)


class PostFailed(Exception):
    """Slack refused or failed to take the message; the user is told, the store is unchanged."""


@dataclass(frozen=True)
class PostedDraft:
    draft: Draft
    messages: int


def entries_snapshot(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """What the next version compares against to list what changed."""
    return [
        {"id": e.id, "seq": e.seq, "item": e.item_number, "kind": str(e.kind), "text": e.text}
        for e in entries
    ]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draft_file_name(meeting: Meeting, version: int, suffix: str = "txt") -> str:
    return f"referat-{meeting.date.isoformat()}-v{version}.{suffix}"


def final_file_name(meeting: Meeting, suffix: str = "txt") -> str:
    return f"referat-{meeting.date.isoformat()}-godkendt.{suffix}"


def store_new_draft(store: Store, meeting: Meeting, *, now: dt.datetime) -> tuple[Draft, MeetingDocument]:
    """Compile the current entries into the next version and store it."""
    doc = store.document(meeting.id)
    previous = store.latest_draft(meeting.id)
    version = previous.version + 1 if previous else 1
    day = now.astimezone(TZ).date()
    text = referat_text(doc, version=version, draft_date=day)
    closed = any(item.closed for item in doc.agenda)
    draft = store.add_draft(
        meeting.id,
        text=text,
        text_sha256=sha256(text),
        snapshot=entries_snapshot(doc.entries),
        now=now,
        approvers=approval.approver_ids(store, meeting),
        public_text=referat_text(doc, version=version, draft_date=day, public=True) if closed else None,
    )
    return draft, doc


def post_draft(
    client: WebClient,
    store: Store,
    draft: Draft,
    header: blocks.DraftHeader,
    *,
    channel_id: str,
    thread_ts: str | None,
    previous_top_ts: str | None,
) -> PostedDraft:
    """Post a stored draft: a new thread for version 1, the same thread for later versions.

    The channel gets the public extract when the meeting has closed items (`channel_text`).
    """
    messages = blocks.draft_messages(draft.channel_text, header)
    posted_ts: list[str] = []  # messages this call put in the channel, taken back if it fails
    try:
        if len(messages) > 1:
            # The whole text follows as a file: make sure it can be shared before posting anything.
            ensure_member(client, channel_id)
        # With the top message's lock: a rebuild of the previous version's top message (an entry
        # logged just before, refresh_top) must land before this version's, not over it.
        with _TOP_LOCK:
            if (
                thread_ts is not None
                and previous_top_ts
                and not _top_updated(client, channel_id, previous_top_ts, messages[0])
            ):
                # The earlier versions' message is gone (deleted in Slack, or a console whose Slack
                # was not kept): this version starts a new thread rather than failing every time.
                log.warning(
                    "the top message of draft v%s's thread is gone; posting a new thread", draft.version
                )
                thread_ts = None
            if thread_ts is None:
                top = client.chat_postMessage(
                    channel=channel_id, text=messages[0].text, blocks=messages[0].blocks
                )
                top_ts = str(top["ts"])
                posted_ts.append(top_ts)
                thread = top_ts
            else:
                # The thread's first message always shows the newest version and its status.
                thread = thread_ts
                posted = client.chat_postMessage(
                    channel=channel_id, thread_ts=thread, text=messages[0].text, blocks=messages[0].blocks
                )
                posted_ts.append(str(posted["ts"]))
                top_ts = previous_top_ts or str(posted["ts"])
            store.set_draft_message(draft.id, channel_id=channel_id, message_ts=top_ts, thread_ts=thread)
        for message in messages[1:]:
            more = client.chat_postMessage(
                channel=channel_id, thread_ts=thread, text=message.text, blocks=message.blocks
            )
            posted_ts.append(str(more["ts"]))
        if len(messages) > 1:
            upload_text(client, channel_id, thread, draft.channel_text, name=f"referat-v{draft.version}.txt")
    except NotInChannel as refused:
        raise PostFailed(str(refused)) from refused
    except SlackApiError as error:
        log.error("posting draft v%s failed: %s", draft.version, error.response.get("error"))
        # The caller discards the draft: no message of it may stay visible.
        _take_back(client, channel_id, posted_ts)
        store.unpost_draft(draft.id)
        raise PostFailed(str(error.response.get("error"))) from error
    return PostedDraft(draft=draft, messages=len(messages))


def _take_back(client: WebClient, channel_id: str, timestamps: list[str]) -> None:
    for ts in reversed(timestamps):
        try:
            client.chat_delete(channel=channel_id, ts=ts)
        except SlackApiError as error:
            log.error("could not take back message %s of a failed draft: %s", ts, error.response.get("error"))


def _top_updated(client: WebClient, channel_id: str, ts: str, message: blocks.SlackMessage) -> bool:
    """Update the thread's top message to `message`; False when Slack no longer has it."""
    try:
        client.chat_update(channel=channel_id, ts=ts, text=message.text, blocks=message.blocks)
    except SlackApiError as error:
        if error.response.get("error") == "message_not_found":
            return False
        raise
    return True


def upload_text(
    client: WebClient,
    channel_id: str,
    thread_ts: str | None,
    text: str,
    *,
    name: str,
    comment: str | None = None,
) -> None:
    ensure_member(client, channel_id)
    client.files_upload_v2(
        channel=channel_id,
        thread_ts=thread_ts,
        content=text,
        filename=name,
        title=name,
        initial_comment=comment,
    )


def hash_statement(final: ApprovedReferat) -> str:
    """What the approved file says about itself, so any copy can be checked against `referat verify`."""
    return f"Godkendt referat. SHA-256 af filens tekst (UTF-8): {final.text_sha256}"


def draft_header(store: Store, meeting: Meeting, draft: Draft, names: rules.Names) -> blocks.DraftHeader:
    """The top message's account of `draft`: version, status, approvers and when, changes."""
    when = {a.user_id: a.approved_utc for a in store.approvals(draft.id)}
    final = store.approved_referat(meeting.id)
    approved = final is not None and final.draft_id == draft.id
    return blocks.DraftHeader(
        meeting_title=meeting.title,
        meeting_date=meeting.date,
        version=draft.version,
        draft_id=draft.id,
        status=blocks.DraftStatus.APPROVED if approved else blocks.DraftStatus.DRAFT,
        approvers=tuple((names(u), when.get(u)) for u in approval.approver_ids(store, meeting, draft)),
        comments=sum(1 for c in store.comments(meeting.id) if c.draft_version == draft.version),
        changes_summary=approval.changes(store, meeting, draft, names),
        stale=() if approved else approval.changed_since(store, meeting, draft),
    )


def draft_summary(draft: Draft, posted: PostedDraft) -> str:
    extra = (
        f", fortsat i {posted.messages - 1} svar i tråden og vedhæftet som fil" if posted.messages > 1 else ""
    )
    return f"Udkast v{draft.version} ({format_short(draft.created_utc.astimezone(TZ).date())}) er lagt i kanalen{extra}."


def publish(
    client: WebClient,
    store: Store,
    meeting: Meeting,
    *,
    now: dt.datetime,
    names: rules.Names | None = None,
) -> PostedDraft:
    """`/referat udkast`: store the next version and post it (same thread as earlier versions).

    The new version starts with no approvals: approval is of one exact version.
    """
    previous = store.latest_draft(meeting.id)
    draft, _doc = store_new_draft(store, meeting, now=now)
    header = draft_header(store, meeting, draft, names or approval.names_for(store, meeting))
    channel = meeting.channel_id
    assert channel is not None, "only meetings logged in Slack have drafts to post"
    try:
        posted = post_draft(
            client,
            store,
            draft,
            header,
            channel_id=channel,
            thread_ts=previous.thread_ts if previous else None,
            previous_top_ts=previous.message_ts if previous else None,
        )
    except PostFailed:
        # Nobody saw this version: it must not use up a number ("Intet er ændret i mødet").
        store.discard_unposted_draft(draft.id)
        raise
    if draft.public_text is not None:
        send_full_privately(
            client, store, meeting, draft, draft.text, name=draft_file_name(meeting, draft.version)
        )
    return posted


def send_full_privately(
    client: WebClient, store: Store, meeting: Meeting, draft: Draft, text: str, *, name: str
) -> None:
    """The full protocol (closed items included) by DM to the referent and each approver of `draft`
    who may read closed items.

    The channel only sees the public extract; those who approve must read what they approve. A DM
    Slack refuses (a deactivated user) is logged and the others still get theirs.
    """
    # Closed items only to their readers (the minute-taker and linked participants); an approver
    # who is neither approves what the channel sees.
    facts = access.meeting_facts(store, meeting.id)
    people = [
        user
        for user in dict.fromkeys((*approval.approver_ids(store, meeting, draft), meeting.starter_user_id))
        if user and facts is not None and access.sees_closed_items(user, facts)
    ]
    note = (
        f"Det fulde referat af {meeting.title}, v{draft.version}, med de lukkede punkter. Kanalen ser kun "
        "det offentlige uddrag. Del det ikke videre."
    )
    for user in people:
        if not user:
            continue
        try:
            dm = str(client.conversations_open(users=user)["channel"]["id"])
            client.chat_postMessage(channel=dm, text=blocks.slack_safe(note))
            # split_text measures each piece as escaped, so an escaped piece stays within the limit.
            for piece in blocks.split_text(text, limit=blocks.TEXT_LIMIT):
                client.chat_postMessage(channel=dm, text=blocks.slack_safe(piece))
            upload_text(client, dm, None, text, name=name)
        except SlackApiError as error:
            log.warning("full referat not sent to %s: %s", user, error.response.get("error"))


# --------------------------------------------------------------------------------------------
# Approvals and comments, carried to Slack


def safe_user_name(lookup: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """A name lookup that answers None instead of failing when Slack does not know the user."""

    def name(user_id: str) -> str | None:
        try:
            return lookup(user_id)
        except SlackApiError as error:
            log.warning("no name for %s: %s", user_id, error.response.get("error"))
            return None

    return name


def tell(
    client: WebClient, user_id: str, channel_id: str, text: str, *, thread_ts: str | None = None
) -> None:
    """An ephemeral message to one user, in the draft's thread when given."""
    client.chat_postEphemeral(
        channel=channel_id, user=user_id, text=blocks.slack_safe(text), thread_ts=thread_ts
    )


def refresh_top(client: WebClient, store: Store, meeting_id: int, names: rules.Names) -> None:
    """Rebuild the newest draft's top message from the store (approvers, comments, status)."""
    with _TOP_LOCK:
        meeting = store.meeting(meeting_id)
        draft = store.latest_draft(meeting_id)
        if meeting is None or draft is None or not (draft.channel_id and draft.message_ts):
            return
        header = draft_header(store, meeting, draft, names)
        final = store.approved_referat(meeting_id)
        text = (
            final_channel_text(final, draft) if header.approved and final is not None else draft.channel_text
        )
        message = blocks.top_message(header, text)
        client.chat_update(
            channel=draft.channel_id, ts=draft.message_ts, text=message.text, blocks=message.blocks
        )


def settle(
    client: WebClient, store: Store, meeting_id: int, *, now: dt.datetime, names: rules.Names
) -> ApprovedReferat | None:
    """After approvals (or the approver set) changed: lock the meeting if everyone has approved,
    update the top message, and post the final referat in the thread. Returns the final, if made."""
    meeting = store.meeting(meeting_id)
    draft = store.latest_draft(meeting_id)
    if meeting is None or draft is None:
        return None
    final = None
    if meeting.status is MeetingStatus.OPEN:
        final = approval.finalize(store, meeting, draft, now=now, names=names)
    if final is not None:
        finish(client, store, meeting_id, now=now, names=names)
    else:
        refresh_top(client, store, meeting_id, names)
    return final


def finish(client: WebClient, store: Store, meeting_id: int, *, now: dt.datetime, names: rules.Names) -> None:
    """Show a locked meeting's draft as approved and post the final referat in its thread, once.

    The lock is already stored; this is only Slack. It is marked done when every step succeeded,
    so if Slack fails part-way the next approver's click or reply (see `approval.approve`) does it
    again: the top message is rebuilt, and the final referat is posted (parts of it possibly twice).
    """
    with _FINISH_LOCK:
        final = store.approved_referat(meeting_id)
        meeting = store.meeting(meeting_id)
        if final is None or meeting is None or final.posted_utc is not None:
            return
        draft = store.draft(final.draft_id)
        assert draft is not None
        if not (draft.channel_id and draft.thread_ts):
            # Not marked posted: the next approver's click or reply finishes it (`approval.approve`).
            log.warning("final referat of meeting %s waits: its draft has no thread yet", meeting_id)
            return
        refresh_top(client, store, meeting_id, names)
        post_final(client, store, meeting, draft, final, names)
        witness.state(
            client,
            store,
            channel_id=draft.channel_id,
            thread_ts=draft.thread_ts,
            meeting_id=meeting_id,
            kind=KIND_REFERAT,
            source_id=meeting_id,
        )
        store.mark_final_posted(meeting_id, now)
    warn_unapproved_changes(client, store, meeting, draft)


def warn_unapproved_changes(client: WebClient, store: Store, meeting: Meeting, draft: Draft) -> None:
    """Tell the referent when entries changed after the approved version was posted.

    The approved text is the version the approvers saw, so such changes are not in it; the referent
    should know rather than find out from the archive.
    """
    after = rules.describe_changes(
        store.draft_snapshot(draft.id) or [], entries_snapshot(store.entries(meeting.id))
    )
    if after == rules.NO_CHANGES or not (meeting.starter_user_id and draft.channel_id):
        return
    tell(
        client,
        meeting.starter_user_id,
        draft.channel_id,
        f"Bemærk: disse ændringer blev logget efter v{draft.version} og er ikke med i det godkendte referat:\n"
        + "\n".join(after),
        thread_ts=draft.thread_ts,
    )


def post_final(
    client: WebClient,
    store: Store,
    meeting: Meeting,
    draft: Draft,
    final: ApprovedReferat,
    names: rules.Names,
) -> None:
    """The final referat in the draft's thread: as messages (split to Slack's limits) and as a file."""
    if not (draft.channel_id and draft.thread_ts):
        return
    header = draft_header(store, meeting, draft, names)
    shown = final_channel_text(final, draft)
    for message in blocks.draft_messages(shown, header):
        client.chat_postMessage(
            channel=draft.channel_id, thread_ts=draft.thread_ts, text=message.text, blocks=message.blocks
        )
    upload_text(
        client,
        draft.channel_id,
        draft.thread_ts,
        shown,
        name=final_file_name(meeting),
        # The hash is of the full protocol: it describes the file only when the file is that.
        comment=hash_statement(final) if shown == final.text else None,
    )
    if draft.public_text is not None:
        send_full_privately(client, store, meeting, draft, final.text, name=final_file_name(meeting))


def final_channel_text(final: ApprovedReferat, draft: Draft) -> str:
    """What the channel may see of the final referat: the public extract with the approval line."""
    if draft.public_text is None or final.draft_id != draft.id or not final.approval_line:
        return final.text
    return rules.with_approval_line(draft.public_text, final.approval_line)


def answer_approval(
    client: WebClient,
    store: Store,
    meeting: Meeting,
    outcome: approval.Approved | approval.NotRecorded,
    *,
    user_id: str,
    channel_id: str,
    thread_ts: str | None,
    reply_ts: str | None,
    now: dt.datetime,
    names: rules.Names,
) -> None:
    """Tell the approver what happened; a reply in the thread gets a ✅, a click an ephemeral line."""
    match outcome:
        case approval.NotRecorded(message=message):
            tell(client, user_id, channel_id, message, thread_ts=thread_ts)
        case approval.Approved(draft=draft, new=False, at=at, final=None):
            tell(
                client,
                user_id,
                channel_id,
                f"Du har allerede godkendt v{draft.version} ({format_short_stamp(at)}). Intet er ændret.",
                thread_ts=thread_ts,
            )
        case approval.Approved(draft=draft, new=new, complete=complete, final=final):
            # The approval (and the lock, if it completed the set) is stored. Every Slack step from
            # here may fail on its own without stopping the next: the receipt, then the final
            # referat, which a later click or reply finishes if it was cut short.
            try:
                if reply_ts is not None and new:
                    react(client, channel_id, reply_ts, APPROVED_REACTION)
                elif new:
                    rest = "" if complete else " Referatet er endeligt, når alle godkendere har godkendt."
                    tell(
                        client,
                        user_id,
                        channel_id,
                        f"Tak – du har godkendt v{draft.version}.{rest}",
                        thread_ts=thread_ts,
                    )
            except Exception:
                log.exception("the receipt for an approval of meeting %s failed", meeting.id)
            try:
                if final is not None:
                    finish(client, store, meeting.id, now=now, names=names)
                else:
                    refresh_top(client, store, meeting.id, names)
            except Exception:
                log.exception("posting the approval of meeting %s in Slack failed", meeting.id)
                if final is not None:
                    tell(client, user_id, channel_id, UNFINISHED, thread_ts=thread_ts)
                return
            if not new and final is not None:
                tell(
                    client,
                    user_id,
                    channel_id,
                    f"Det endelige referat af v{draft.version} er nu lagt i tråden.",
                    thread_ts=thread_ts,
                )


def post_addition(
    client: WebClient, store: Store, meeting: Meeting, addition: Addition, names: rules.Names
) -> None:
    """An addition in the approved referat's thread, where its approvers approve it with `godkendt`."""
    final = store.approved_referat(meeting.id)
    draft = store.draft(final.draft_id) if final is not None else None
    if draft is None or not (draft.channel_id and draft.thread_ts):
        return
    who = and_list([names(u) for u in approval.addition_approvers(store, meeting)])
    message = blocks.addition_message(addition.text, who, addition.id)
    client.chat_postMessage(
        channel=draft.channel_id, thread_ts=draft.thread_ts, text=message.text, blocks=message.blocks
    )


def addition_thread(store: Store, meeting: Meeting) -> Draft | None:
    """The approved version's draft, whose thread carries the meeting's additions."""
    final = store.approved_referat(meeting.id)
    return store.draft(final.draft_id) if final is not None else None


def announce_addition_approved(
    client: WebClient, store: Store, channel_id: str, thread_ts: str, addition: Addition
) -> None:
    """The approved addition, as it now stands after the approval line, with its hash; then the
    witness of its approval (bot.slack.witness)."""
    client.chat_postMessage(
        channel=channel_id,
        thread_ts=thread_ts,
        text=f"Tilføjelsen er godkendt og står nu efter godkendelseslinjen:\n>>> "
        f"{blocks.escape_mrkdwn(addition.paragraph or addition.text)}\n\nSHA-256 af tilføjelsens tekst: "
        f"{addition.text_sha256}",
    )
    witness.state(
        client,
        store,
        channel_id=channel_id,
        thread_ts=thread_ts,
        meeting_id=addition.meeting_id,
        kind=KIND_ADDITION,
        source_id=addition.id,
    )


def answer_thread_reply(
    client: WebClient,
    store: Store,
    meeting: Meeting,
    outcome: approval.ThreadOutcome,
    *,
    user_id: str,
    channel_id: str,
    thread_ts: str,
    reply_ts: str,
    now: dt.datetime,
    names: rules.Names,
) -> None:
    match outcome:
        case approval.Approved() | approval.NotRecorded():
            answer_approval(
                client,
                store,
                meeting,
                outcome,
                user_id=user_id,
                channel_id=channel_id,
                thread_ts=thread_ts,
                reply_ts=reply_ts,
                now=now,
                names=names,
            )
        case approval.AdditionApproved(addition=addition, new=new, complete=complete):
            react(client, channel_id, reply_ts, APPROVED_REACTION)
            if complete and new and addition.paragraph:
                announce_addition_approved(client, store, channel_id, thread_ts, addition)
        case approval.Commented(comment=comment):
            react(client, channel_id, reply_ts, COMMENT_REACTION)
            acknowledge_comment(client, store, comment, names, channel_id=channel_id, thread_ts=thread_ts)
            refresh_top(client, store, meeting.id, names)
        case approval.Ignored():
            pass


def comment_number(store: Store, comment: Comment) -> int:
    """The comment's number as `/referat status` and `/referat behandlet <nr>` count them."""
    order = [c.id for c in store.comments(comment.meeting_id)]
    return order.index(comment.id) + 1


def acknowledge_comment(
    client: WebClient, store: Store, comment: Comment, names: rules.Names, *, channel_id: str, thread_ts: str
) -> None:
    """The comment's receipt in the thread, where the minute-taker marks it handled."""
    message = blocks.comment_acknowledgement(
        comment_number(store, comment), names(comment.user_id), comment.id
    )
    client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, text=message.text, blocks=message.blocks)


def react(client: WebClient, channel_id: str, ts: str, name: str) -> None:
    try:
        client.reactions_add(channel=channel_id, timestamp=ts, name=name)
    except SlackApiError as error:
        # The acknowledgement is a courtesy: what counts is already stored.
        if error.response.get("error") != "already_reacted":
            raise


def announce_change_request(
    client: WebClient, store: Store, meeting: Meeting, comment: Comment, names: rules.Names
) -> None:
    """Show a request from the "Anmod om rettelser" modal in the thread, where the referent reads."""
    draft = store.draft_version(meeting.id, comment.draft_version)
    if draft is None or not (draft.channel_id and draft.thread_ts):
        return
    heading = f"Anmodning om rettelser til v{comment.draft_version} fra {names(comment.user_id)}:"
    # `>>>` quotes everything after it; pieces are sized so heading and quote fit in one message.
    for piece in blocks.split_text(comment.text, limit=blocks.TEXT_LIMIT - 500):
        quoted = blocks.escape_mrkdwn(piece.strip())
        client.chat_postMessage(
            channel=draft.channel_id, thread_ts=draft.thread_ts, text=f"{heading}\n>>> {quoted}"
        )
    acknowledge_comment(client, store, comment, names, channel_id=draft.channel_id, thread_ts=draft.thread_ts)
    refresh_top(client, store, meeting.id, names)


def send_file(client: WebClient, store: Store, meeting: Meeting, draft: Draft) -> str:
    """**Hent som fil**: the clicked version's exact text, or the final referat once approved.

    Returns the file name.
    """
    final = store.approved_referat(meeting.id)
    comment = None
    if final is not None and final.draft_id == draft.id:
        text, name = final_channel_text(final, draft), final_file_name(meeting)
        comment = hash_statement(final) if text == final.text else None
    else:
        text, name = draft.channel_text, draft_file_name(meeting, draft.version)
    channel = draft.channel_id or meeting.channel_id
    assert channel is not None, "only meetings logged in Slack have draft messages"
    files: list[dict[str, Any]] = [{"content": text, "filename": name, "title": name}]
    # Posted in the channel: the public extract when the meeting has closed items.
    public = draft.public_text is not None
    prepared = exporting.prepare_export(store, meeting.id, now=draft.created_utc, public=public)
    if prepared.text == text:
        # The same version in the formats colleagues and archives use; only offered when the
        # exporter renders exactly this version (an older version's button gives its text alone).
        stem = name.rsplit(".", 1)[0]
        for fmt in ("docx", "md"):
            files.append(
                {
                    "content": render(prepared, fmt),
                    "filename": f"{stem}.{fmt}",
                    "title": f"{stem}.{fmt}",
                }
            )
    ensure_member(client, channel)
    client.files_upload_v2(
        channel=channel, thread_ts=draft.thread_ts, file_uploads=files, initial_comment=comment
    )
    return name
