"""Events: questions to the bot (a mention in a channel, or a direct message).

Slack redelivers events and sends one post that mentions the bot twice (`app_mention` and
`message`), so each post is claimed once in the store, keyed on channel and ts, before acting.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.deps import Deps
from bot.replies import answer_in_thread

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def question_text(text: str) -> str:
    """The question without the bot's mention."""
    return _MENTION.sub(" ", text).strip()


def register(app: App, deps: Deps) -> None:
    @app.event("app_mention")
    def on_mention(event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
        store = deps.open_store()
        if not store.claim_event(f"post:{event['channel']}:{event['ts']}", deps.clock()):
            return
        answer_in_thread(client, store, deps, event, question_text(event.get("text") or ""))

    @app.event("message")
    def on_message(event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
        if event.get("subtype") or event.get("bot_id"):
            return  # edits, joins, and the bot's own posts
        text = event.get("text") or ""
        bot_user = context.get("bot_user_id")
        mentions_bot = bool(bot_user) and f"<@{bot_user}" in text
        is_dm = event.get("channel_type") == "im"
        if not (is_dm or mentions_bot):
            return
        store = deps.open_store()
        if not store.claim_event(f"post:{event['channel']}:{event['ts']}", deps.clock()):
            return
        answer_in_thread(client, store, deps, event, question_text(text))
