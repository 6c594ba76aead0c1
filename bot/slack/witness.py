"""Slack as witness, the Slack side: state each approval in its thread, and read the statements back.

The wording, metadata and comparison are pure (bot.archive.witness). Posting happens after the
approval is stored and the final referat is posted; reading back is `referat verify` with a bot
token: conversations.history of every channel the archive names, and conversations.replies of each
thread there, with `include_all_metadata` so the statements' metadata comes along.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.archive import witness
from storage.store import Store

log = logging.getLogger(__name__)

PAGE = 200
# A bound on the pages read per channel or thread, so a runaway cursor cannot loop forever.
MAX_PAGES = 500


def state(
    client: WebClient,
    store: Store,
    *,
    channel_id: str,
    thread_ts: str,
    meeting_id: int,
    kind: str,
    source_id: int,
) -> None:
    """Post the witness of the approved text `(kind, source_id)` in its thread (after it is chained)."""
    link = next((k for k in store.chain_links() if (k.kind, k.source_id) == (kind, source_id)), None)
    if link is None:
        log.warning("no chain link to witness for %s %s", kind, source_id)
        return
    text, metadata = witness.statement(
        witness.Witness(
            meeting_id=meeting_id,
            kind=kind,
            source_id=source_id,
            text_sha256=link.text_sha256,
            chain_head=store.chain_head(),
            sealed_by=link.certificate_sha256 or "",
        )
    )
    try:
        client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, text=text, metadata=metadata)
    except SlackApiError as error:
        # The approval is stored and its referat posted; a missing receipt must not post them again
        # (the caller marks the final posted after this). `referat verify` counts the receipts it finds.
        log.warning("no receipt for %s %s: %s", kind, source_id, error.response.get("error"))


def read_back(client: WebClient, channel_ids: list[str]) -> list[witness.Witness]:
    """Every statement the bot made in `channel_ids`, oldest thread first. Raises SlackApiError."""
    bot_user_id = str(client.auth_test()["user_id"])
    found: list[witness.Witness] = []
    for channel_id in channel_ids:
        threads = [
            str(m["ts"])
            for m in _pages(client, "conversations_history", channel=channel_id)
            # Receipts are posted in the threads of the bot's own draft messages.
            if m.get("user") == bot_user_id and int(str(m.get("reply_count") or 0)) > 0
        ]
        for thread_ts in reversed(threads):
            for message in _pages(client, "conversations_replies", channel=channel_id, ts=thread_ts):
                seen = witness.read(message, channel_id, bot_user_id)
                if seen is not None:
                    found.append(seen)
    return found


def _pages(client: WebClient, method: str, **arguments: str) -> list[dict[str, object]]:
    messages: list[dict[str, object]] = []
    cursor = ""
    for _ in range(MAX_PAGES):
        call = getattr(client, method)
        response = call(limit=PAGE, include_all_metadata=True, cursor=cursor or None, **arguments)
        messages += list(response.get("messages") or [])
        cursor = str((response.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            break
    return messages
