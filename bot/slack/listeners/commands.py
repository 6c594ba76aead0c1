"""The `/referat` slash command: parse, store, then acknowledge with the confirmation.

The confirmation travels in the HTTP answer to Slack (ack with text), so a statement is
committed before the user is told it is kept, and nothing is stored for a refused command.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.approval import rules
from bot.approval import service as approval
from bot.archive.access import Audience, Edition, InChannel, Privately
from bot.meeting.dispatch import handle_command
from bot.meeting.export import export_bytes
from bot.meeting.outcomes import (
    AdditionRequested,
    ApproversRequested,
    DraftRequested,
    ExportRequested,
    QuestionAsked,
    Refusal,
    Reply,
    Sender,
)
from bot.meeting.parse import CommandError, parse_command
from bot.referat.export import ExportError
from bot.slack import drafts as publishing
from bot.slack import home
from bot.slack.blocks import fit_text, slack_safe, unescape_slack_input
from bot.slack.context import Deps, deps_of
from bot.slack.effects import perform
from bot.slack.errors import after_ack
from bot.slack.heavy import BUSY as HEAVY_BUSY
from bot.slack.replies import answer_privately, send_whole_as_file
from bot.slack.uploads import NotInChannel, ensure_member
from storage.records import Meeting, MeetingStatus
from storage.store import Store

NOT_READABLE = (
    "Referatet kan ikke lægges her: Slack kunne ikke bekræfte, at alle i samtalen må læse det. "
    "Prøv igen om lidt, eller eksportér det i mødets egen kanal."
)


def register(app: App) -> None:
    app.command("/referat")(referat)


def referat(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    deps = deps_of(context)
    sender = Sender(
        user_id=body["user_id"],
        channel_id=body["channel_id"],
        now=deps.clock(),
        # Before the ack only the cache or one quick users.info: a rate-limited Slack must not make
        # the ack late for a statement already stored.
        user_name=deps.quick_name(client),
        team_id=deps.workspace(context) or body.get("team_id"),
        enterprise_id=deps.enterprise_id if deps.team_id else body.get("enterprise_id"),
        directory=deps.directory(client),
        # Slack sends a slash command only from a conversation its user can write in.
        vouched=True,
    )
    store = deps.open_store()
    try:
        with deps.lane.turn():
            command = parse_command(unescape_slack_input(body.get("text") or ""), now=sender.now)
            outcome = handle_command(store, command, sender)
    except (CommandError, Refusal) as refusal:
        ack(response_type="ephemeral", text=slack_safe(str(refusal)))
        return
    match outcome:
        case Reply(text=text, effects=effects):
            # A long status or agenda echo: its head in the ack, the whole as a file by DM.
            shown, cut = fit_text(text)
            ack(response_type="ephemeral", text=shown)
            with after_ack(respond):
                if cut:
                    send_whole_as_file(client, sender.user_id, text, "referat-svar.txt")
                perform(client, store, deps, effects, now=sender.now)
        case DraftRequested(meeting=meeting):
            if meeting.status is MeetingStatus.APPROVED:
                ack(response_type="ephemeral", text=slack_safe(rules.already_approved(meeting)))
                return
            if not deps.heavy.reserve():
                ack(response_type="ephemeral", text=HEAVY_BUSY)
                return
            ack(response_type="ephemeral", text="Udkastet samles og lægges i kanalen …")
            # A long draft is many posts at Slack's pace: on the heavy pool, not a listener thread.
            deps.heavy.run(lambda: _post_draft(client, deps, sender, meeting, respond), respond)
        case QuestionAsked(question=question):
            ack()
            with after_ack(respond):
                answer_privately(client, store, deps, sender.user_id, question, respond)
        case ApproversRequested(meeting=meeting, user_ids=user_ids):
            names = approval.names_for(store, meeting, publishing.safe_user_name(sender.user_name))
            reply = approval.set_approvers(
                store, meeting, user_ids, by=sender.user_id, now=sender.now, names=names
            )
            if store.latest_draft(meeting.id) is None:
                ack(response_type="ephemeral", text=slack_safe(reply))
                return
            # The approver set is frozen per posted version: a new set is a new version.
            if not deps.heavy.reserve():
                later = " Der er travlt lige nu: læg det nye udkast med `/referat udkast` om et minut."
                ack(response_type="ephemeral", text=slack_safe(reply) + later)
                return
            ack(response_type="ephemeral", text=slack_safe(f"{reply} Et nyt udkast lægges i kanalen …"))
            deps.heavy.run(lambda: _post_draft(client, deps, sender, meeting, respond), respond)
        case AdditionRequested(meeting=meeting, addition=addition):
            ack(
                response_type="ephemeral",
                text="Tilføjelsen er gemt og lægges i referatets tråd til godkendelse. "
                "Det godkendte referat ændres ikke; tilføjelsen står efter godkendelseslinjen.",
            )
            with after_ack(respond):
                names = approval.names_for(store, meeting, publishing.safe_user_name(sender.user_name))
                publishing.post_addition(client, store, meeting, addition, names)
        case ExportRequested(meeting=meeting, format=fmt, aktindsigt=item):
            if item is not None:
                # An item that may not go out is refused before the acknowledgement (the text is quick).
                try:
                    export_bytes(store, meeting.id, "txt", now=sender.now, aktindsigt=item)
                except ExportError as error:
                    ack(response_type="ephemeral", text=slack_safe(str(error)))
                    return
            if not deps.heavy.reserve():
                ack(response_type="ephemeral", text=HEAVY_BUSY)
                return
            what = "Referatet" if item is None else f"Uddraget til aktindsigt af punkt {item}"
            label = "PDF/A" if fmt == "pdf" else (fmt or "docx")
            ack(response_type="ephemeral", text=f"{what} sættes op som {label} og lægges i kanalen …")
            # Who may read here, and the layout, after the ack and off Bolt's threads.
            deps.heavy.run(
                lambda: _export(client, deps, sender, meeting.id, fmt or "docx", item, respond), respond
            )


def _post_draft(client: WebClient, deps: Deps, sender: Sender, meeting: Meeting, respond: Respond) -> None:
    store = deps.open_store()
    names = approval.names_for(store, meeting, publishing.safe_user_name(deps.user_name(client)))
    try:
        posted = publishing.publish(client, store, meeting, now=sender.now, names=names)
    except publishing.PostFailed as failure:
        respond(
            response_type="ephemeral",
            text=f"Slack afviste udkastet ({failure}). Intet er ændret i mødet; prøv igen.",
        )
        return
    summary = publishing.draft_summary(posted.draft, posted)
    note = approval.approvers_note(store, meeting, names)
    respond(response_type="ephemeral", text=slack_safe(f"{summary}\n{note}"))
    # A new version waits for every approver: their App Home says so.
    home.republish(client, store, deps, approval.approver_ids(store, meeting, posted.draft), now=sender.now)


def _export(
    client: WebClient,
    deps: Deps,
    sender: Sender,
    meeting_id: int,
    fmt: str,
    aktindsigt: int | None,
    respond: Respond,
) -> None:
    store = deps.open_store()
    edition = _export_edition(deps, client, store, sender, meeting_id)
    if edition is None:
        respond(response_type="ephemeral", text=NOT_READABLE)
        return
    try:
        ensure_member(client, sender.channel_id)
    except NotInChannel as refused:
        respond(response_type="ephemeral", text=str(refused))
        return
    try:
        content, name = export_bytes(
            store,
            meeting_id,
            fmt,
            now=sender.now,
            public=not edition.full,
            aktindsigt=aktindsigt,
            isolated=True,
        )
    except ExportError as error:
        respond(response_type="ephemeral", text=slack_safe(str(error)))
        return
    client.files_upload_v2(channel=sender.channel_id, file=content, filename=name, title=name)


def _export_edition(
    deps: Deps, client: WebClient, store: Store, sender: Sender, meeting_id: int
) -> Edition | None:
    """The edition an export may hold: the file is posted where the command was typed, and only
    a DM with the bot is private (the full protocol for a participant or the minute-taker)."""
    audience: Audience = (
        Privately(sender.user_id) if sender.channel_id.startswith("D") else InChannel(sender.channel_id)
    )
    return deps.edition(client, store, audience, meeting_id)
