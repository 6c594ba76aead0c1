"""Events: replies in a draft's thread (approvals and comments), and questions to the bot.

Slack redelivers events and sends one post that mentions the bot twice (`app_mention` and
`message`), so each post is claimed once in the store, keyed on channel and ts, before acting.
A post in the thread of a draft referat is about that draft, whether or not it mentions the bot;
anywhere else a mention or a direct message is a question.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.approval import rules
from bot.approval import service as approval
from bot.meeting.outcomes import Refusal, Sender
from bot.rulebook import book, gate
from bot.slack import drafts as publishing
from bot.slack import home
from bot.slack.blocks import unescape_slack_input
from bot.slack.context import Deps, deps_of
from bot.slack.replies import answer_in_thread
from storage.records import Draft, MeetingStatus
from storage.store import Store

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")

# Thread replies that carry a subtype but are still someone's words in the thread: "also send to
# channel", and a reply with a file attached.
_THREAD_REPLY_SUBTYPES = ("thread_broadcast", "file_share")


def question_text(text: str) -> str:
    """The question without the bot's mention, with Slack's entities back as typed characters."""
    return unescape_slack_input(_MENTION.sub(" ", text)).strip()


def draft_thread(store: Store, event: dict[str, Any], team: str | None = None) -> Draft | None:
    """The newest draft whose thread this post replies in, if any (of `team`'s meetings)."""
    thread_ts = event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts"):
        return None
    return store.draft_by_thread(event["channel"], thread_ts, team)


def register(app: App) -> None:
    app.event("app_mention")(on_mention)
    app.event("message")(on_message)
    app.event("member_joined_channel")(on_membership_change)
    app.event("member_left_channel")(on_membership_change)


def on_membership_change(event: dict[str, Any], context: BoltContext) -> None:
    """Someone joined or left: who may read the channel's meetings is asked again at the next question."""
    deps = deps_of(context)
    workspace = deps.workspace(context) if deps.many_workspaces else None
    deps.membership_changed(
        deps.open_store(), str(event.get("channel") or ""), str(event.get("user") or ""), workspace
    )


def on_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    store = deps.open_store()
    team = deps.workspace(context)
    draft = draft_thread(store, event, team)
    if draft is None and _approval_too_early(client, store, deps, event, team):
        return
    if not _claim(store, deps, event, team):
        return
    if draft is not None:
        _on_draft_reply(client, store, deps, draft, event, context.get("bot_user_id"))
        return
    answer_in_thread(client, store, deps, event, question_text(event.get("text") or ""))


def on_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    subtype = event.get("subtype")
    if event.get("bot_id") or subtype not in (None, *_THREAD_REPLY_SUBTYPES):
        return  # edits, joins, and the bot's own posts
    text = event.get("text") or ""
    bot_user = context.get("bot_user_id")
    mentions_bot = bool(bot_user) and f"<@{bot_user}" in text
    is_dm = event.get("channel_type") == "im"
    in_thread = bool(event.get("thread_ts")) and event.get("thread_ts") != event.get("ts")
    if subtype is not None and not in_thread:
        return
    if not (is_dm or mentions_bot or in_thread):
        return
    deps = deps_of(context)
    store = deps.open_store()
    team = deps.workspace(context)
    draft = draft_thread(store, event, team) if in_thread else None
    if draft is None and in_thread and _approval_too_early(client, store, deps, event, team):
        return
    if draft is None and (subtype is not None or not (is_dm or mentions_bot)):
        return  # an ordinary thread the bot has nothing to do with
    if not _claim(store, deps, event, team):
        return
    if draft is not None:
        _on_draft_reply(client, store, deps, draft, event, bot_user)
        return
    answer_in_thread(client, store, deps, event, question_text(text))


def _approval_too_early(
    client: WebClient, store: Store, deps: Deps, event: dict[str, Any], team: str | None
) -> bool:
    """`godkendt` in a thread the bot does not know yet, while a draft in this channel is being posted.

    The draft's thread is recorded only once Slack has answered the post; a reply in that moment
    finds no draft. The approver is told to try again rather than hear nothing.
    """
    in_thread = bool(event.get("thread_ts")) and event.get("thread_ts") != event.get("ts")
    if not (in_thread and event.get("user") and rules.is_approval(event.get("text") or "")):
        return False
    if store.unposted_draft_in_channel(event["channel"], team) is None or not _claim(
        store, deps, event, team
    ):
        return False
    publishing.tell(
        client, event["user"], event["channel"], rules.STILL_POSTING, thread_ts=event.get("thread_ts")
    )
    return True


def _claim(store: Store, deps: Deps, event: dict[str, Any], team: str | None) -> bool:
    """The post, the first time it is seen; a post is known by its workspace, channel and ts."""
    return store.claim_event(f"post:{team or ''}:{event['channel']}:{event['ts']}", deps.clock())


def _on_draft_reply(
    client: WebClient, store: Store, deps: Deps, draft: Draft, event: dict[str, Any], bot_user: str | None
) -> None:
    meeting = store.meeting(draft.meeting_id)
    if meeting is None or not event.get("user"):
        return
    now = deps.clock()
    names = approval.names_for(store, meeting, publishing.safe_user_name(deps.user_name(client)))
    text = event.get("text") or ""
    if bot_user:
        # Addressing the bot is not part of the comment; mentions of people are.
        text = text.replace(f"<@{bot_user}>", " ").strip()
    # The rule book's action this reply is: an approval (of the referat, or of an addition once
    # approved) or a comment. Slack vouches that whoever replies in the thread is in its channel.
    approving = rules.is_approval(text) or rules.reservation_in(text) is not None
    rule = (
        (book.APPROVE_ADDITION if meeting.status is MeetingStatus.APPROVED else book.APPROVE)
        if approving
        else book.COMMENT
    )
    sender = Sender(
        event["user"],
        event["channel"],
        now,
        deps.user_name(client),
        directory=deps.directory(client),
        vouched=True,
    )
    try:
        gate.admit(store, book.rule_named(rule), sender, meeting=meeting)
    except Refusal as refusal:
        publishing.tell(client, event["user"], event["channel"], str(refusal), thread_ts=event["thread_ts"])
        return
    outcome = approval.thread_reply(store, meeting, event["user"], text, ts=event["ts"], now=now, names=names)
    publishing.answer_thread_reply(
        client,
        store,
        meeting,
        outcome,
        user_id=event["user"],
        channel_id=event["channel"],
        thread_ts=event["thread_ts"],
        reply_ts=event["ts"],
        now=now,
        names=names,
    )
    home.after_approval(client, store, deps, outcome, event["user"], now=now)
