"""Button clicks and modal submissions on the draft message.

Every button carries the draft id as its value, so a click on a message posted before a restart
still finds its draft in the store. A click is claimed once (keyed on the action, the message,
its `action_ts` and the user) before anything is done, so a redelivered click acts once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.approval import rules
from bot.approval import service as approval
from bot.archive import access
from bot.meeting.outcomes import Refusal, Sender
from bot.rulebook import book, gate
from bot.slack import blocks, home, ids
from bot.slack import drafts as publishing
from bot.slack.context import Deps, deps_of
from bot.slack.errors import after_ack
from bot.slack.heavy import BUSY as HEAVY_BUSY
from bot.slack.replies import send_full_answer
from bot.slack.uploads import NotInChannel
from storage.records import Draft, Meeting
from storage.store import Store

log = logging.getLogger(__name__)

NOT_THIS_MESSAGE = "Knappen hører ikke til et udkast i denne samtale. Intet er ændret."
NOT_ALLOWED = "Du har ikke adgang til dette møde. Intet er ændret."
NOT_THIS_COMMENT = "Knappen hører ikke til en kommentar i denne tråd. Intet er ændret."
GONE = "Udkastet findes ikke længere i referat-botten. Bed referenten lave et nyt med `/referat udkast`."


def register(app: App) -> None:
    app.action(ids.APPROVE)(on_approve)
    app.action(ids.APPROVE_WITH_RESERVATION)(on_approve_with_reservation)
    app.action(ids.REQUEST_CHANGES)(on_request_changes)
    app.action(ids.DOWNLOAD)(on_download)
    app.view(ids.CHANGES_MODAL)(on_changes_submitted)
    app.view(ids.RESERVATION_MODAL)(on_reservation_submitted)
    app.action(ids.FULL_ANSWER)(on_full_answer)
    app.action(ids.COMMENT_HANDLED)(on_comment_handled)
    app.action(ids.APPROVE_ADDITION)(on_approve_addition)


Work = Callable[[Store, Deps, dict[str, Any], WebClient, Draft, Meeting], None]
# The view a button opens, or the refusal (in Danish) that keeps it closed.
ModalFor = Callable[[Store, Draft, Meeting], dict[str, Any] | str]


def on_approve(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    _on_click(ack, body, client, respond, context, book.APPROVE, _approve)


def on_approve_with_reservation(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    _on_click(
        ack,
        body,
        client,
        respond,
        context,
        book.APPROVE_WITH_RESERVATION,
        _modal_opened,
        modal=_reservation_view,
    )


def on_request_changes(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    _on_click(ack, body, client, respond, context, book.COMMENT, _modal_opened, modal=_changes_view)


def on_download(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """**Hent som fil** renders Word and Markdown: on the heavy pool, never on Bolt's threads."""
    deps = deps_of(context)
    ack()
    if not deps.heavy.reserve():
        respond(response_type="ephemeral", replace_original=False, text=HEAVY_BUSY)
        return
    deps.heavy.run(lambda: _act_on_click(deps, body, client, book.DOWNLOAD, _download), respond)


def on_full_answer(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """The offer under a thread answer: the clicker's own answer by DM, computed for the clicker."""
    ack()
    with after_ack(respond):
        deps = deps_of(context)
        action = body["actions"][0]
        question = str(action.get("value") or "").strip()
        if question:
            send_full_answer(client, deps.open_store(), deps, body["user"]["id"], question)
            respond(replace_original=True, text="Hele svaret er sendt til dig som direkte besked.")


def on_comment_handled(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """The button "Markér behandlet" on a receipt: only the minute-taker, only in its meeting's thread.

    The comment id in the button is checked against Slack's account of the click: the message must
    sit in the thread of a draft of the comment's meeting, in that meeting's channel.
    """
    ack()
    with after_ack(respond):
        deps = deps_of(context)
        store = deps.open_store()
        click = _claim(store, deps, body)
        if click is None:
            return
        action, value, user, channel = body["actions"][0], click.value, click.user, click.channel
        comment = store.comment(int(value)) if value.isdigit() else None
        thread_ts = click.thread_ts
        draft = store.draft_by_thread(channel, str(thread_ts), deps.workspace(context)) if thread_ts else None
        meeting = store.meeting(comment.meeting_id) if comment is not None else None
        if comment is None or meeting is None or draft is None or draft.meeting_id != meeting.id:
            log.warning("refused %s: comment %r is not in the clicked thread", action["action_id"], value)
            publishing.tell(client, user, channel, NOT_THIS_COMMENT, thread_ts=thread_ts)
            return
        refused = _refusal(store, deps, client, user, meeting, book.COMMENT_HANDLED)
        if refused is not None:
            publishing.tell(client, user, channel, refused, thread_ts=thread_ts)
            return
        named = _names(store, deps, meeting, client)
        number = publishing.comment_number(store, comment)
        marked = store.mark_comment_handled(meeting.id, comment.id, user_id=user, now=deps.clock())
        if not marked:
            publishing.tell(
                client, user, channel, f"Kommentar nr. {number} var allerede behandlet.", thread_ts=thread_ts
            )
        handled = blocks.comment_handled(number, named(comment.user_id), named(user) if marked else None)
        client.chat_update(channel=channel, ts=click.message_ts, text=handled.text, blocks=handled.blocks)
        publishing.refresh_top(client, store, meeting.id, named)


def on_approve_addition(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """The "Godkend tilføjelse" button: what a `godkendt` reply in the thread does, by the same rules.

    The addition id in the button counts only when the clicked message sits in the thread of that
    meeting's approved referat, in its channel; only the referat's approvers approve it.
    """
    ack()
    with after_ack(respond):
        deps = deps_of(context)
        store = deps.open_store()
        click = _claim(store, deps, body)
        if click is None:
            return
        action, value, user, channel = body["actions"][0], click.value, click.user, click.channel
        addition = store.addition(int(value)) if value.isdigit() else None
        meeting = store.meeting(addition.meeting_id) if addition is not None else None
        thread = publishing.addition_thread(store, meeting) if meeting is not None else None
        clicked_thread = click.thread_ts
        if (
            addition is None
            or meeting is None
            or thread is None
            or not thread.thread_ts
            or thread.channel_id != channel
            or clicked_thread != thread.thread_ts
        ):
            log.warning("refused %s: addition %r is not in the clicked thread", action["action_id"], value)
            publishing.tell(client, user, channel, NOT_THIS_MESSAGE, thread_ts=clicked_thread)
            return
        refused = _refusal(store, deps, client, user, meeting, book.APPROVE_ADDITION)
        if refused is not None:
            publishing.tell(client, user, channel, refused, thread_ts=thread.thread_ts)
            return
        named = _names(store, deps, meeting, client)
        outcome = approval.approve_addition(store, meeting, user, addition, now=deps.clock(), names=named)
        match outcome:
            case approval.NotRecorded(message=message):
                publishing.tell(client, user, channel, message, thread_ts=thread.thread_ts)
            case approval.AdditionApproved(addition=approved, new=False):
                publishing.tell(
                    client,
                    user,
                    channel,
                    "Du har allerede godkendt tilføjelsen. Intet er ændret.",
                    thread_ts=thread.thread_ts,
                )
            case approval.AdditionApproved(addition=approved, complete=complete):
                rest = "" if complete else " Den står i referatet, når alle godkendere har godkendt."
                publishing.tell(
                    client,
                    user,
                    channel,
                    f"Tak – du har godkendt tilføjelsen.{rest}",
                    thread_ts=thread.thread_ts,
                )
                if complete and approved.paragraph:
                    publishing.announce_addition_approved(client, store, channel, thread.thread_ts, approved)


def on_changes_submitted(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    view = body["view"]
    meeting_id, version = blocks.changes_modal_ids(view["private_metadata"])
    field = view["state"]["values"][ids.CHANGES_INPUT_BLOCK][ids.CHANGES_INPUT_ACTION]
    text = str(field.get("value") or "")
    user = body["user"]["id"]
    store = deps.open_store()
    meeting = store.meeting(meeting_id)
    if meeting is None:
        ack(response_action="errors", errors={ids.CHANGES_INPUT_BLOCK: GONE})
        return
    refused = _refusal(store, deps, client, user, meeting, book.COMMENT)
    if refused is not None:
        ack(response_action="errors", errors={ids.CHANGES_INPUT_BLOCK: refused})
        return
    refusal = approval.comment_refusal(store, meeting, text)
    if refusal is not None:
        # Before the claim below: the same view, corrected, may be submitted again.
        ack(response_action="errors", errors={ids.CHANGES_INPUT_BLOCK: refusal})
        return
    if not store.claim_event(f"view:{view['id']}", deps.clock()):
        ack()
        return
    outcome = approval.comment(store, meeting, user, text, ts=None, now=deps.clock(), version=version)
    if isinstance(outcome, approval.NotRecorded):
        ack(response_action="errors", errors={ids.CHANGES_INPUT_BLOCK: outcome.message})
        return
    ack()
    publishing.announce_change_request(
        client, store, meeting, outcome.comment, _names(store, deps, meeting, client)
    )


def on_reservation_submitted(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """**Godkend med forbehold** submitted: an approval carrying the reservation, or the reason not."""
    deps = deps_of(context)
    view = body["view"]
    field = view["state"]["values"][ids.RESERVATION_INPUT_BLOCK][ids.RESERVATION_INPUT_ACTION]
    user, now = body["user"]["id"], deps.clock()
    store = deps.open_store()
    draft = store.draft(blocks.reservation_modal_draft(view["private_metadata"]))
    meeting = store.meeting(draft.meeting_id) if draft is not None else None
    if draft is None or meeting is None:
        ack(response_action="errors", errors={ids.RESERVATION_INPUT_BLOCK: GONE})
        return
    refused = _refusal(store, deps, client, user, meeting, book.APPROVE_WITH_RESERVATION)
    if refused is not None:
        ack(response_action="errors", errors={ids.RESERVATION_INPUT_BLOCK: refused})
        return
    reservation = str(field.get("value") or "")
    if not reservation.strip():
        # Before the claim below: the same view, corrected, may be submitted again.
        ack(response_action="errors", errors={ids.RESERVATION_INPUT_BLOCK: rules.RESERVATION_MISSING})
        return
    if not store.claim_event(f"view:{view['id']}", now):
        ack()
        return
    named = _names(store, deps, meeting, client)
    outcome = approval.approve(
        store, meeting, user, now=now, names=named, draft_id=draft.id, reservation=reservation
    )
    if isinstance(outcome, approval.NotRecorded):
        ack(response_action="errors", errors={ids.RESERVATION_INPUT_BLOCK: outcome.message})
        return
    ack()
    publishing.answer_approval(
        client,
        store,
        meeting,
        outcome,
        user_id=user,
        channel_id=draft.channel_id or meeting.channel_id or "",
        thread_ts=draft.thread_ts,
        reply_ts=None,
        now=now,
        names=named,
    )
    home.after_approval(client, store, deps, outcome, user, now=now)


def _on_click(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
    rule: str,
    work: Work,
    *,
    modal: ModalFor | None = None,
) -> None:
    ack()
    with after_ack(respond):
        _act_on_click(deps_of(context), body, client, rule, work, modal=modal)


def _act_on_click(
    deps: Deps,
    body: dict[str, Any],
    client: WebClient,
    rule: str,
    work: Work,
    *,
    modal: ModalFor | None = None,
) -> None:
    store = deps.open_store()
    found = _clicked(store, deps, body, client, rule, modal)
    if found is not None:
        work(store, deps, body, client, *found)


def _clicked(
    store: Store,
    deps: Deps,
    body: dict[str, Any],
    client: WebClient,
    rule: str,
    modal: ModalFor | None = None,
) -> tuple[Draft, Meeting] | None:
    """The clicked draft and its meeting; None (after telling the user) when gone or already seen.

    `modal`: the button opens this view. Slack's trigger expires 3 s after the click, so the view
    opens before any other Slack call: the checks that need only the store and the payload come
    first, then the modal, then who may act (Slack's facts); a refusal then replaces the modal.
    """
    action = body["actions"][0]
    click = _claim(store, deps, body)
    if click is None:
        return None
    user, value = click.user, click.value
    draft = store.draft(int(value)) if value.isdigit() else None
    meeting = store.meeting(draft.meeting_id) if draft is not None else None
    if draft is None or meeting is None:
        publishing.tell(client, user, _channel(body), GONE)
        return None
    if draft.message_ts is None:
        # Posted but not yet recorded where: the click cannot be checked against its message yet.
        publishing.tell(client, user, _channel(body), rules.STILL_POSTING)
        return None
    if not _belongs_to_message(draft, body):
        log.warning("refused %s: draft %s is not on the clicked message", action["action_id"], draft.id)
        publishing.tell(client, user, _channel(body), NOT_THIS_MESSAGE)
        return None
    opened: str | None = None
    if modal is not None:
        view = modal(store, draft, meeting)
        if isinstance(view, str):
            publishing.tell(client, user, _channel(body), view, thread_ts=draft.thread_ts)
            return None
        opened = str(client.views_open(trigger_id=body["trigger_id"], view=view)["view"]["id"])
    refused = _refusal(store, deps, client, user, meeting, rule)
    if refused is not None:
        if opened is not None:
            client.views_update(view_id=opened, view=blocks.notice_modal(refused))
        publishing.tell(client, user, _channel(body), refused, thread_ts=draft.thread_ts)
        return None
    return draft, meeting


@dataclass(frozen=True)
class _Click:
    """Where a click happened by Slack's account, and the button's (untrusted) value."""

    user: str
    channel: str
    message_ts: str
    thread_ts: str | None
    value: str


def _claim(store: Store, deps: Deps, body: dict[str, Any]) -> _Click | None:
    """The click, the first time it is seen (keyed on action, message, `action_ts` and user)."""
    action, user = body["actions"][0], body["user"]["id"]
    container = body.get("container") or {}
    message = body.get("message") or {}
    message_ts = str(container.get("message_ts") or message.get("ts") or "")
    team = (body.get("team") or {}).get("id") or ""
    key = f"action:{team}:{action['action_id']}:{message_ts}:{action.get('action_ts', '')}:{user}"
    if not store.claim_event(key, deps.clock()):
        return None
    thread_ts = message.get("thread_ts") or container.get("thread_ts")
    return _Click(
        user=user,
        channel=_channel(body),
        message_ts=message_ts,
        thread_ts=str(thread_ts) if thread_ts else None,
        value=str(action.get("value") or ""),
    )


def _belongs_to_message(draft: Draft, body: dict[str, Any]) -> bool:
    """Whether the draft id in the button is the draft of the message and channel clicked.

    A button's value is typed by whoever builds the payload; the channel and message come from
    Slack's own account of where the click happened. A draft's buttons sit on its top message and
    on the versions posted in its thread.
    """
    container = body.get("container") or {}
    message = body.get("message") or {}
    clicked_ts = container.get("message_ts") or message.get("ts")
    in_thread = message.get("thread_ts") or container.get("thread_ts")
    return (
        bool(draft.channel_id)
        and draft.channel_id == _channel(body)
        and bool(clicked_ts)
        and (clicked_ts == draft.message_ts or (bool(in_thread) and in_thread == draft.thread_ts))
    )


def _refusal(
    store: Store, deps: Deps, client: WebClient, user_id: str, meeting: Meeting, rule: str
) -> str | None:
    """Why the person may not take the rule book's action `rule` on the meeting, or None.

    The clicker must first be able to read the meeting at all; then the rule's own roles decide.
    """
    if not _may_act(store, deps, client, user_id, meeting.id):
        return NOT_ALLOWED
    sender = Sender(user_id, "", deps.clock(), deps.user_name(client), directory=deps.directory(client))
    try:
        gate.admit(store, book.rule_named(rule), sender, meeting=meeting)
    except Refusal as refusal:
        return str(refusal)
    return None


def _may_act(store: Store, deps: Deps, client: WebClient, user_id: str, meeting_id: int) -> bool:
    """Whether the clicker may read the meeting at all (bot/archive/access.py decides)."""
    deps.adopt_meetings(store)
    facts = access.meeting_facts(store, meeting_id)
    return facts is not None and access.may_act(user_id, facts, deps.directory(client))


def _names(store: Store, deps: Deps, meeting: Meeting, client: WebClient) -> rules.Names:
    return approval.names_for(store, meeting, publishing.safe_user_name(deps.user_name(client)))


def _approve(
    store: Store, deps: Deps, body: dict[str, Any], client: WebClient, draft: Draft, meeting: Meeting
) -> None:
    user, now = body["user"]["id"], deps.clock()
    named = _names(store, deps, meeting, client)
    outcome = approval.approve(store, meeting, user, now=now, names=named, draft_id=draft.id)
    publishing.answer_approval(
        client,
        store,
        meeting,
        outcome,
        user_id=user,
        channel_id=_channel(body),
        thread_ts=draft.thread_ts,
        reply_ts=None,
        now=now,
        names=named,
    )
    home.after_approval(client, store, deps, outcome, user, now=now)


def _changes_view(store: Store, draft: Draft, meeting: Meeting) -> dict[str, Any] | str:
    refusal = approval.change_request_refusal(store, meeting, draft)
    return refusal if refusal is not None else blocks.changes_modal(meeting.id, draft.version)


def _reservation_view(store: Store, draft: Draft, meeting: Meeting) -> dict[str, Any] | str:
    return blocks.reservation_modal(draft.id, draft.version)


def _modal_opened(
    store: Store, deps: Deps, body: dict[str, Any], client: WebClient, draft: Draft, meeting: Meeting
) -> None:
    """The modal is open (`_clicked` opened it); its submission does the rest."""


def _download(
    store: Store, deps: Deps, body: dict[str, Any], client: WebClient, draft: Draft, meeting: Meeting
) -> None:
    try:
        publishing.send_file(client, store, meeting, draft)
    except NotInChannel as refused:
        publishing.tell(client, body["user"]["id"], _channel(body), str(refused), thread_ts=draft.thread_ts)


def _channel(body: dict[str, Any]) -> str:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return str(channel)
