"""Post answers to archive questions where they were asked (thread, DM or the asker only)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.archive.access import Audience, InChannel, Privately, shows_more
from bot.archive.answer import Answer
from bot.archive.ask import answer_question
from bot.slack import blocks, ids
from bot.slack.blocks import slack_safe
from bot.slack.context import Deps
from storage.search import Scope
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
    """Answer a mention or a DM where it was asked, holding only what everyone there may read.

    In a DM the asker alone reads the answer: their own rights. In a channel every member reads
    the thread: only what all of them may read; when that leaves out something the asker may
    read, the asker is offered the whole answer by DM (ephemeral, with a button).
    """
    channel = event["channel"]
    # In a channel the answer goes in the question's thread; a direct message is a conversation
    # already, so the answer follows it there (in its thread only if the question was in one).
    direct = event.get("channel_type") == "im"
    thread_ts = event.get("thread_ts") or (None if direct else event["ts"])
    if not question:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=EMPTY_QUESTION)
        return
    asker = str(event.get("user") or "")
    audience: Audience = Privately(asker) if direct else InChannel(channel)
    scope = deps.scope(client, store, audience)
    answer = _answer(client, store, deps, question, scope)
    client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=slack_safe(answer.text))
    if direct or not asker:
        return
    own_scope = deps.scope(client, store, Privately(asker))
    if not shows_more(own_scope, scope):
        return  # the asker may read nothing the thread may not: the answer would be the same
    own = _answer(client, store, deps, question, own_scope)
    if own.total > answer.total:
        client.chat_postEphemeral(
            channel=channel,
            user=asker,
            thread_ts=thread_ts,
            text=FULL_ANSWER_OFFER,
            blocks=full_answer_offer(question),
        )


FULL_ANSWER_OFFER = (
    "Svaret i tråden viser kun det, alle i kanalen må læse. Du må læse mere: "
    "vil du have hele svaret som direkte besked?"
)


def full_answer_offer(question: str) -> list[dict[str, Any]]:
    """The ephemeral offer under a thread answer; the button carries the question, never rights."""
    return [
        blocks.section(blocks.escape_mrkdwn(FULL_ANSWER_OFFER)),
        {
            "type": "actions",
            "block_id": ids.FULL_ANSWER_BLOCK,
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Send hele svaret som DM"},
                    "action_id": ids.FULL_ANSWER,
                    "value": question[: ids.BUTTON_VALUE_LIMIT],
                }
            ],
        },
    ]


def send_full_answer(client: WebClient, store: Store, deps: Deps, user_id: str, question: str) -> None:
    """The clicker's own answer, by DM: recomputed with the clicker's rights, whoever asked."""
    answer = _answer(client, store, deps, question, deps.scope(client, store, Privately(user_id)))
    client.chat_postMessage(channel=user_id, text=slack_safe(answer.text))


def answer_privately(
    client: WebClient, store: Store, deps: Deps, user_id: str, question: str, respond: Callable[..., Any]
) -> None:
    """`/referat spørg`: an ephemeral answer, so the asker's own rights."""
    answer = _answer(client, store, deps, question, deps.scope(client, store, Privately(user_id)))
    respond(response_type="ephemeral", text=slack_safe(answer.text), replace_original=False)


def _answer(client: WebClient, store: Store, deps: Deps, question: str, scope: Scope) -> Answer:
    return answer_question(
        store, question, now=deps.clock(), links=permalink_lookup(client, store), scope=scope
    )


def send_whole_as_file(client: WebClient, user_id: str, text: str, name: str) -> None:
    """A reply too long for one message, whole, as a text file in the person's DM with the bot."""
    dm = str(client.conversations_open(users=user_id)["channel"]["id"])
    client.files_upload_v2(channel=dm, content=text, filename=name, title=name)
