"""Compile a draft referat, store that exact version, and post it in Slack.

The draft text is stored (with its sha256) before anything is posted, so what approvers see is
always the stored version. Version 1 starts a thread in the channel; later versions are posted in
the same thread and the top message is updated in place. A referat too long for one message
continues in the thread, and the full text is attached as a file.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import blocks
from bot.dates import TZ, format_short
from bot.referat import referat_markdown, referat_text
from storage.records import Draft, Entry, Meeting, MeetingDocument
from storage.store import Store

log = logging.getLogger(__name__)


class PostFailed(Exception):
    """Slack refused or failed to take the message; the user is told, the store is unchanged."""


@dataclass(frozen=True)
class PostedDraft:
    draft: Draft
    messages: int
    file_uploaded: bool


def entries_snapshot(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """What the next version compares against to list what changed."""
    return [
        {"id": e.id, "seq": e.seq, "item": e.item_number, "kind": str(e.kind), "text": e.text}
        for e in entries
    ]


def changes_since(previous: Sequence[dict[str, Any]] | None, current: Sequence[Entry]) -> tuple[str, ...]:
    """Danish lines saying what changed between two versions (empty for the first)."""
    if previous is None:
        return ()
    before = {int(e["id"]): str(e["text"]) for e in previous}
    now = {e.id: e.text for e in current}
    added = [i for i in now if i not in before]
    removed = [i for i in before if i not in now]
    edited = [i for i in now if i in before and before[i] != now[i]]
    lines = []
    if added:
        lines.append(f"+ {len(added)} nye indlæg")
    if edited:
        lines.append(f"~ {len(edited)} rettede indlæg")
    if removed:
        lines.append(f"− {len(removed)} fjernede indlæg")
    return tuple(lines) or ("Ingen ændringer i indlæggene",)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draft_file_name(meeting: Meeting, version: int, suffix: str = "txt") -> str:
    return f"referat-{meeting.date.isoformat()}-v{version}.{suffix}"


def store_new_draft(
    store: Store, meeting: Meeting, *, now: Any
) -> tuple[Draft, MeetingDocument, tuple[str, ...]]:
    """Compile the current entries into the next version and store it; returns it and the changes."""
    doc = store.document(meeting.id)
    previous = store.latest_draft(meeting.id)
    version = previous.version + 1 if previous else 1
    text = referat_text(doc, version=version, draft_date=now.astimezone(TZ).date())
    snapshot = store.draft_snapshot(previous.id) if previous else None
    changes = changes_since(snapshot, doc.entries)
    draft = store.add_draft(
        meeting.id, text=text, text_sha256=sha256(text), snapshot=entries_snapshot(doc.entries), now=now
    )
    return draft, doc, changes


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
    """Post a stored draft: a new thread for version 1, the same thread for later versions."""
    messages = blocks.draft_messages(draft.text, header)
    try:
        if thread_ts is None:
            top = client.chat_postMessage(
                channel=channel_id, text=messages[0].text, blocks=messages[0].blocks
            )
            top_ts = str(top["ts"])
            thread = top_ts
        else:
            # The thread's first message always shows the newest version and its status.
            thread = thread_ts
            if previous_top_ts:
                client.chat_update(
                    channel=channel_id, ts=previous_top_ts, text=messages[0].text, blocks=messages[0].blocks
                )
            posted = client.chat_postMessage(
                channel=channel_id, thread_ts=thread, text=messages[0].text, blocks=messages[0].blocks
            )
            top_ts = previous_top_ts or str(posted["ts"])
        store.set_draft_message(draft.id, channel_id=channel_id, message_ts=top_ts, thread_ts=thread)
        for message in messages[1:]:
            client.chat_postMessage(
                channel=channel_id, thread_ts=thread, text=message.text, blocks=message.blocks
            )
        uploaded = False
        if len(messages) > 1:
            upload_text(client, channel_id, thread, draft.text, name=f"referat-v{draft.version}.txt")
            uploaded = True
    except SlackApiError as error:
        log.error("posting draft v%s failed: %s", draft.version, error.response.get("error"))
        raise PostFailed(str(error.response.get("error"))) from error
    return PostedDraft(draft=draft, messages=len(messages), file_uploaded=uploaded)


def upload_text(client: WebClient, channel_id: str, thread_ts: str | None, text: str, *, name: str) -> None:
    client.files_upload_v2(
        channel=channel_id,
        thread_ts=thread_ts,
        content=text,
        filename=name,
        title=name,
    )


def header_for(
    store: Store,
    meeting: Meeting,
    draft: Draft,
    *,
    approvers: Sequence[tuple[str, Any]] = (),
    status: blocks.DraftStatus = blocks.DraftStatus.DRAFT,
    changes: tuple[str, ...] = (),
    comments: int = 0,
) -> blocks.DraftHeader:
    return blocks.DraftHeader(
        meeting_title=meeting.title,
        meeting_date=meeting.date,
        version=draft.version,
        draft_id=draft.id,
        status=status,
        approvers=tuple(approvers),
        comments=comments,
        changes_summary=changes,
    )


def markdown_of(doc: MeetingDocument, draft: Draft) -> str:
    return referat_markdown(doc, version=draft.version, draft_date=draft.created_utc.astimezone(TZ).date())


def draft_summary(draft: Draft, posted: PostedDraft) -> str:
    extra = (
        f", fortsat i {posted.messages - 1} svar i tråden og vedhæftet som fil" if posted.messages > 1 else ""
    )
    return f"Udkast v{draft.version} ({format_short(draft.created_utc.astimezone(TZ).date())}) er lagt i kanalen{extra}."


Respond = Callable[..., Any]


def publish(client: WebClient, store: Store, meeting: Meeting, *, now: Any) -> PostedDraft:
    """`/referat udkast`: store the next version and post it (same thread as earlier versions)."""
    previous = store.latest_draft(meeting.id)
    draft, _doc, changes = store_new_draft(store, meeting, now=now)
    header = header_for(store, meeting, draft, changes=changes)
    channel = meeting.channel_id
    assert channel is not None, "only meetings logged in Slack have drafts to post"
    return post_draft(
        client,
        store,
        draft,
        header,
        channel_id=channel,
        thread_ts=previous.thread_ts if previous else None,
        previous_top_ts=previous.message_ts if previous else None,
    )
