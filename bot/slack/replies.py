"""Post answers to archive questions where they were asked (thread, DM or the asker only)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.archive.ask import answer_question
from bot.slack.blocks import slack_safe
from bot.slack.context import Deps
from storage.store import Store

log = logging.getLogger(__name__)

EMPTY_QUESTION = (
    "Skriv dit spørgsmål efter nævnelsen, fx: hvad blev besluttet om Trekanten? "
    "eller hvem orienterede om Bo Trygt?"
)


def permalink_lookup(client: WebClient, store: Store) -> Callable[[int], str | None]:
    """Link to a meeting's referat message, when the meeting was made in Slack."""
    cache: dict[int, str | None] = {}

    def link(meeting_id: int) -> str | None:
        if meeting_id not in cache:
            draft = store.latest_draft(meeting_id)
            url = None
            if draft and draft.channel_id and draft.message_ts:
                try:
                    url = client.chat_getPermalink(channel=draft.channel_id, message_ts=draft.message_ts).get(
                        "permalink"
                    )
                except SlackApiError as error:
                    log.warning("no permalink for meeting %s: %s", meeting_id, error.response.get("error"))
            cache[meeting_id] = url
        return cache[meeting_id]

    return link


def answer_in_thread(
    client: WebClient, store: Store, deps: Deps, event: dict[str, Any], question: str
) -> None:
    channel = event["channel"]
    # In a channel the answer goes in the question's thread; a direct message is a conversation
    # already, so the answer follows it there (in its thread only if the question was in one).
    direct = event.get("channel_type") == "im"
    thread_ts = event.get("thread_ts") or (None if direct else event["ts"])
    if not question:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=EMPTY_QUESTION)
        return
    answer = answer_question(store, question, now=deps.clock(), links=permalink_lookup(client, store))
    client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=slack_safe(answer.text))


def answer_privately(
    client: WebClient, store: Store, deps: Deps, question: str, respond: Callable[..., Any]
) -> None:
    answer = answer_question(store, question, now=deps.clock(), links=permalink_lookup(client, store))
    respond(response_type="ephemeral", text=slack_safe(answer.text), replace_original=False)
