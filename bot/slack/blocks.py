"""Block Kit messages for the draft referat, always inside Slack's limits.

Slack refuses a message outright when one limit is crossed (`msg_too_long`, `msg_blocks_too_long`,
`invalid_blocks`), and a long referat crosses them easily. Everything here is a pure dict builder,
so the limits are enforced and tested without Slack: the text is split at paragraph, line,
sentence and word boundaries (a hard split only as the last resort), never losing a character.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.slack import ids
from bot.slack.limits import MAX_BLOCKS, MAX_BLOCKS_TEXT, MAX_HEADER_TEXT, MAX_SECTION_TEXT, MAX_TEXT
from bot.text.danish import counted
from bot.text.dates import format_long_da, format_short_stamp

# What the builders aim at, with room to spare below Slack's limits (bot.slack.limits).
SECTION_LIMIT = MAX_SECTION_TEXT - 100
MESSAGE_BLOCK_TEXT_LIMIT = MAX_BLOCKS_TEXT - 1_000
TEXT_LIMIT = MAX_TEXT - 100

# The top message is rebuilt with chat.update whenever approvals change. Its share of the referat
# text must not depend on the (growing) header, or the thread would no longer continue where the
# top message stops; so the header and the text each get a fixed budget.
TOP_HEADER_BUDGET = 4500
TOP_TEXT_BUDGET = MESSAGE_BLOCK_TEXT_LIMIT - TOP_HEADER_BUDGET
TOP_HEADER_BLOCKS = 8
_STATUS_LIMIT = 2500
_CHANGES_LIMIT = 1000
_ELLIPSIS = "…"


def slack_len(text: str) -> int:
    """Length as Slack counts it (UTF-16 code units), so an emoji cannot tip a block over."""
    return len(text.encode("utf-16-le")) // 2


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack's mrkdwn requires escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# What the bot means as Slack markup: user and channel mentions, special mentions, links.
_SLACK_TOKEN = re.compile(
    r"<(?:@[UW][A-Z0-9]+|#C[A-Z0-9]+|!(?:here|channel|everyone|subteam\^[A-Z0-9]+)"
    r"|(?:https?|mailto):[^<>|\s]+)(?:\|[^<>\n]*)?>"
)


def slack_safe(text: str) -> str:
    """Escape `&`, `<`, `>` for mrkdwn but keep mentions and links, which are meant as markup.

    Usage lines such as `/referat ad <nr> <tekst>` would otherwise vanish in Slack as broken links.
    """
    out: list[str] = []
    last = 0
    for token in _SLACK_TOKEN.finditer(text):
        out.append(escape_mrkdwn(text[last : token.start()]))
        out.append(token.group(0))
        last = token.end()
    out.append(escape_mrkdwn(text[last:]))
    return "".join(out)


_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")


def fit_text(text: str, *, limit: int = TEXT_LIMIT) -> tuple[str, bool]:
    """`text` for a message's plain `text` field: escaped (`slack_safe`), and when longer than
    Slack takes, its head cut at a line with a note that the whole text follows as a file; the
    second value says whether it was cut (then the caller sends the whole as a file)."""
    safe = slack_safe(text)
    if slack_len(safe) <= limit:
        return safe, False
    note = (
        f"\n… Svaret er {len(text):,} tegn, mere end Slack viser i én besked. ".replace(",", ".")
        + "Hele teksten sendes til dig som fil i en direkte besked."
    )
    head = safe[: limit - slack_len(note) - 50]
    line = head.rfind("\n")
    head = head[:line] if line > len(head) // 2 else _PARTIAL_ENTITY.sub("", head)
    return head + note, True


def unescape_slack_input(text: str) -> str:
    """Slack sends `&`, `<`, `>` typed by a user as entities; the logged words must be the typed ones."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _cost(char: str) -> int:
    return slack_len(escape_mrkdwn(char))


# --------------------------------------------------------------------------------------------
# Splitting text

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LINE_BREAK = re.compile(r"\n")
_SENTENCE_BREAK = re.compile(r"[.!?:;](?=\s)")
_WORD_BREAK = re.compile(r"\s")


def _break_at(segment: str, window: int) -> int:
    """Where to end a piece inside `segment[:window]`: the best boundary, or `window` (hard split).

    `segment` is the window plus one character of look-ahead, so a boundary exactly at the end of
    the window is found too. The piece always keeps at least one character.
    """
    for pattern, use_end in (
        (_PARAGRAPH_BREAK, False),
        (_LINE_BREAK, False),
        (_SENTENCE_BREAK, True),
        (_WORD_BREAK, False),
    ):
        spots = [m.end() if use_end else m.start() for m in pattern.finditer(segment)]
        spots = [spot for spot in spots if 0 < spot <= window]
        if spots:
            return spots[-1]
    return window


def split_text(text: str, *, limit: int = SECTION_LIMIT) -> list[str]:
    """Split `text` into pieces whose escaped, stripped content fits `limit`; `"".join` gives `text`.

    Whitespace at a split stays at the end of the piece before it (and is stripped in a block).
    """
    if limit < 10:
        raise ValueError("limit too small to hold an escaped character")
    pieces: list[str] = []
    start, size = 0, len(text)
    while start < size:
        content = start
        while content < size and text[content].isspace():
            content += 1
        if content == size:  # only whitespace left: it belongs to the piece before
            if pieces:
                pieces[-1] += text[start:]
            else:
                pieces.append(text[start:])
            break
        end, cost = content, 0
        while end < size:
            cost += _cost(text[end])
            if cost > limit:
                break
            end += 1
        if end == size:
            pieces.append(text[start:])
            break
        stop = content + _break_at(text[content : end + 1], end - content)
        while stop < size and text[stop].isspace():
            stop += 1
        pieces.append(text[start:stop])
        start = stop
    return pieces


def section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def split_text_blocks(text: str, *, limit: int = SECTION_LIMIT) -> list[dict[str, Any]]:
    """Section blocks of escaped mrkdwn, each within `limit`, split at the gentlest boundary."""
    return [section(escape_mrkdwn(piece.strip())) for piece in split_text(text, limit=limit) if piece.strip()]


def block_text_length(blocks: list[dict[str, Any]]) -> int:
    """All text in the blocks together, the figure behind Slack's `msg_blocks_too_long`."""
    total = 0

    def walk(node: object) -> None:
        nonlocal total
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    total += slack_len(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return total


def _clip(text: str, limit: int) -> str:
    """Shorten to `limit`, at a line end when there is one, marking the cut with an ellipsis."""
    if slack_len(text) <= limit:
        return text
    room = limit - slack_len(_ELLIPSIS)
    cut = text[:room]
    while slack_len(cut) > room:
        cut = cut[:-1]
    line_end = cut.rfind("\n")
    if line_end > room // 2:
        cut = cut[:line_end]
    return cut.rstrip() + _ELLIPSIS


# --------------------------------------------------------------------------------------------
# The draft messages


class DraftStatus(StrEnum):
    DRAFT = "Udkast"
    APPROVED = "Godkendt"


@dataclass(frozen=True)
class SlackMessage:
    """Arguments for chat.postMessage / chat.update: `text` is the notification fallback."""

    text: str
    blocks: list[dict[str, Any]]


@dataclass(frozen=True)
class DraftHeader:
    """What the top message says about the draft besides its text."""

    meeting_title: str
    meeting_date: dt.date
    version: int
    draft_id: int | str  # the buttons' value, so a listener knows which draft was clicked
    status: DraftStatus = DraftStatus.DRAFT
    approvers: tuple[tuple[str, dt.datetime | None], ...] = ()  # (name, approved at) or not yet
    comments: int = 0
    changes_summary: tuple[str, ...] = ()  # "+ 3 nye indlæg", … against the previous version
    stale: tuple[int, ...] = ()  # entries changed since this version was posted: it cannot be approved

    @property
    def approved(self) -> bool:
        return self.status == DraftStatus.APPROVED


def _label(header: DraftHeader) -> str:
    state = "godkendt" if header.approved else "udkast"
    return f"Referat – {state} v{header.version}"


def _status_text(header: DraftHeader) -> str:
    lines = [f"*{escape_mrkdwn(header.meeting_title)}* – {format_long_da(header.meeting_date)}"]
    status = f"Status: {header.status}"
    if header.comments:
        status += f" · {counted(header.comments, 'kommentar')}"
    lines.append(status)
    # Once approved, the referat's own closing line says who approved on which day; the status
    # keeps each approver's time beside it, so the message never shows a second approval line.
    for name, when in header.approvers:
        if when is None:
            if not header.approved:
                lines.append(f"⏳ {escape_mrkdwn(name)}")
        else:
            lines.append(f"✅ {escape_mrkdwn(name)} {format_short_stamp(when)}")
    return _clip("\n".join(lines), _STATUS_LIMIT)


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _split_referat(referat_text: str) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """The text blocks for the top message, and those for each message in the thread."""
    text_blocks = split_text_blocks(referat_text)
    top: list[dict[str, Any]] = []
    used = 0
    position = 0
    while position < len(text_blocks) and len(top) < MAX_BLOCKS - TOP_HEADER_BLOCKS:
        cost = block_text_length([text_blocks[position]])
        if top and used + cost > TOP_TEXT_BUDGET:
            break
        top.append(text_blocks[position])
        used += cost
        position += 1
    rest: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    used = 0
    for block in text_blocks[position:]:
        cost = block_text_length([block])
        if current and (used + cost > MESSAGE_BLOCK_TEXT_LIMIT or len(current) >= MAX_BLOCKS):
            rest.append(current)
            current, used = [], 0
        current.append(block)
        used += cost
    if current:
        rest.append(current)
    return top, rest


def _top(header: DraftHeader, text_blocks: list[dict[str, Any]], continued: bool) -> SlackMessage:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _clip(_label(header), MAX_HEADER_TEXT)}},
        section(_status_text(header)),
    ]
    if header.changes_summary and not header.approved:
        previous = f" siden v{header.version - 1}" if header.version > 1 else ""
        changes = f"*Ændringer{previous}:*\n" + "\n".join(escape_mrkdwn(c) for c in header.changes_summary)
        blocks.append(section(_clip(changes, _CHANGES_LIMIT)))
    if header.stale and not header.approved:
        numbers = ", ".join(f"nr. {n}" for n in header.stale[:20])
        blocks.append(
            section(
                f"⚠️ *Forældet:* {numbers} er ændret, efter denne version blev lagt frem, så den kan ikke "
                "godkendes. Referenten lægger den næste version frem med `/referat udkast`."
            )
        )
    blocks.append({"type": "divider"})
    blocks += text_blocks
    if continued:
        note = "Resten af referatet følger i tråden, og hele teksten er vedhæftet som fil."
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    if not header.approved:
        value = str(header.draft_id)
        blocks.append(
            {
                "type": "actions",
                "block_id": ids.DRAFT_ACTIONS_BLOCK,
                "elements": [
                    _button("Godkend", ids.APPROVE, value, "primary"),
                    _button("Godkend med forbehold", ids.APPROVE_WITH_RESERVATION, value),
                    _button("Anmod om rettelser", ids.REQUEST_CHANGES, value),
                    _button("Hent som fil", ids.DOWNLOAD, value),
                ],
            }
        )
    fallback = f"{_label(header)}: {header.meeting_title} {format_long_da(header.meeting_date)}"
    return SlackMessage(text=slack_safe(_clip(fallback, TEXT_LIMIT - 500)), blocks=blocks)


def top_message(header: DraftHeader, referat_text: str) -> SlackMessage:
    """The draft's top message (for chat.postMessage, and chat.update when approvals change)."""
    top, rest = _split_referat(referat_text)
    return _top(header, top, continued=bool(rest))


def draft_messages(referat_text: str, header: DraftHeader) -> list[SlackMessage]:
    """The top message, then the messages that continue the referat in its thread.

    When there is more than one message, the caller also uploads the whole text as a file.
    """
    top, rest = _split_referat(referat_text)
    messages = [_top(header, top, continued=bool(rest))]
    label = _label(header)
    for number, blocks in enumerate(rest, start=2):
        fallback = f"{label} (fortsat {number}/{len(rest) + 1})"
        messages.append(SlackMessage(text=slack_safe(_clip(fallback, TEXT_LIMIT - 500)), blocks=blocks))
    return messages


# --------------------------------------------------------------------------------------------
# The "Anmod om rettelser" modal


def comment_acknowledgement(number: int, author: str, comment_id: int) -> SlackMessage:
    """The thread's receipt for a comment, with the minute-taker's "Markér behandlet" button."""
    text = (
        f"💬 Kommentar nr. {number} fra {escape_mrkdwn(author)} er noteret. Den står åben, indtil "
        f"referenten markerer den behandlet (knappen, eller `/referat behandlet {number}`)."
    )
    return SlackMessage(
        text=text,
        blocks=[
            section(text),
            {
                "type": "actions",
                "elements": [_button("Markér behandlet", ids.COMMENT_HANDLED, str(comment_id))],
            },
        ],
    )


def comment_handled(number: int, author: str, by: str | None) -> SlackMessage:
    """The receipt once the comment is handled (`by` whom, when known): the button is gone."""
    who = f" af {escape_mrkdwn(by)}" if by else ""
    text = f"✅ Kommentar nr. {number} fra {escape_mrkdwn(author)} er behandlet{who}."
    return SlackMessage(text=text, blocks=[section(text)])


def addition_message(text: str, approvers: str, addition_id: int) -> SlackMessage:
    """An addition in the approved referat's thread, approved by button or by a `godkendt` reply."""
    body = (
        f"Tilføjelse til det godkendte referat, til godkendelse af {escape_mrkdwn(approvers)}:\n>>> "
        f"{escape_mrkdwn(text)}\n\nKlik Godkend tilføjelse, eller svar `godkendt` her i tråden."
    )
    return SlackMessage(
        text=body,
        blocks=[
            *split_text_blocks(body),
            {
                "type": "actions",
                "elements": [
                    _button("Godkend tilføjelse", ids.APPROVE_ADDITION, str(addition_id), "primary")
                ],
            },
        ],
    )


def changes_modal(meeting_id: int, draft_version: int) -> dict[str, Any]:
    """A views.open view asking what should be changed in a draft."""
    return {
        "type": "modal",
        "callback_id": ids.CHANGES_MODAL,
        "private_metadata": json.dumps({"meeting_id": meeting_id, "draft_version": draft_version}),
        "title": {"type": "plain_text", "text": "Anmod om rettelser"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Annuller"},
        "blocks": [
            {
                "type": "input",
                "block_id": ids.CHANGES_INPUT_BLOCK,
                "label": {"type": "plain_text", "text": f"Hvad skal rettes i udkast v{draft_version}?"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.CHANGES_INPUT_ACTION,
                    "multiline": True,
                    "max_length": 3000,
                },
            }
        ],
    }


def reservation_modal(draft_id: int, draft_version: int) -> dict[str, Any]:
    """A views.open view for approving a draft with a reservation, which the approval line carries."""
    return {
        "type": "modal",
        "callback_id": ids.RESERVATION_MODAL,
        "private_metadata": json.dumps({"draft_id": draft_id}),
        "title": {"type": "plain_text", "text": "Godkend med forbehold"},
        "submit": {"type": "plain_text", "text": "Godkend"},
        "close": {"type": "plain_text", "text": "Annuller"},
        "blocks": [
            {
                "type": "input",
                "block_id": ids.RESERVATION_INPUT_BLOCK,
                "label": {"type": "plain_text", "text": f"Dit forbehold til udkast v{draft_version}"},
                "hint": {
                    "type": "plain_text",
                    "text": "Det står i godkendelseslinjen: «… af <dit navn> (med forbehold: <tekst>)».",
                },
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.RESERVATION_INPUT_ACTION,
                    "multiline": True,
                    "max_length": 1000,
                },
            }
        ],
    }


def notice_modal(text: str) -> dict[str, Any]:
    """A modal that only says something (a refusal after it was opened) and can only be closed."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Referat"},
        "close": {"type": "plain_text", "text": "Luk"},
        "blocks": [section(escape_mrkdwn(_clip(text, SECTION_LIMIT)))],
    }


def reservation_modal_draft(private_metadata: str) -> int:
    """The draft id back from a submitted `reservation_modal` view."""
    return int(json.loads(private_metadata)["draft_id"])


def changes_modal_ids(private_metadata: str) -> tuple[int, int]:
    """`(meeting_id, draft_version)` back from a submitted `changes_modal` view."""
    data = json.loads(private_metadata)
    return int(data["meeting_id"]), int(data["draft_version"])
