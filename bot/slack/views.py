"""Pure Block Kit for views: the "Tilføj til referat" modal and the person's App Home.

No Slack client and no store: the listeners hand in records and get dicts, so the limits Slack
sets on views (100 blocks, option and text lengths) are kept and tested with plain calls.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from bot.meeting import followup
from bot.meeting.entries import KIND_LABEL
from bot.meeting.from_message import KINDS, MAX_TEXT, FormDefaults
from bot.meeting.outcomes import display_name
from bot.slack import ids
from bot.slack.blocks import escape_mrkdwn, slack_safe
from bot.text.dates import format_long_da
from storage.records import Action, AgendaItem, Draft, EntryKind, Meeting, Participant

Json = dict[str, Any]

MAX_VIEW_BLOCKS = 100
MAX_OPTIONS = 100
_OPTION_TEXT = 75
_HOME_SECTION = 2900


def _plain(text: str, limit: int = _OPTION_TEXT) -> Json:
    flat = " ".join(text.split())
    return {"type": "plain_text", "text": flat if len(flat) <= limit else flat[: limit - 1] + "…"}


def _option(text: str, value: str) -> Json:
    return {"text": _plain(text), "value": value}


def _input(name: str, label: str, element: Json, *, optional: bool = False, hint: str | None = None) -> Json:
    block: Json = {
        "type": "input",
        "block_id": ids.add_field(name),
        "label": _plain(label, 2000),
        "element": {**element, "action_id": ids.add_field(name)},
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint, 2000)
    return block


def _window(options: list[AgendaItem], around: int, limit: int = MAX_OPTIONS) -> list[AgendaItem]:
    """At most `limit` of `options`, centred on the one at `around` where the ends allow."""
    start = max(0, min(around - limit // 2, len(options) - limit))
    return options[start : start + limit]


def add_entry_modal(
    form: FormDefaults,
    agenda: Sequence[AgendaItem],
    participants: Sequence[Participant],
    *,
    text: str,
    channel_id: str,
    message_ts: str,
    permalink: str | None,
) -> Json:
    """The modal the shortcut opens: item, kind, speaker, text, and owner and deadline for an action.

    A select holds at most MAX_OPTIONS options: a longer agenda offers the items around the default
    one, and a longer list of people those first in it (with the default speaker), each with a hint.
    """
    numbers = [a.number for a in agenda]
    around = numbers.index(form.item_number) if form.item_number in numbers else 0
    shown_agenda = _window(list(agenda), around)
    items = [_option(f"{a.number}. {a.title}", str(a.number)) for a in shown_agenda]
    item_element: Json = {"type": "static_select", "options": items}
    chosen = next((o for o in items if o["value"] == str(form.item_number)), None)
    if chosen is not None:
        item_element["initial_option"] = chosen
    kinds = [_option(KIND_LABEL[k], str(k)) for k in KINDS]
    everyone = [p for p in participants if not p.absent]
    present = everyone[:MAX_OPTIONS]
    if form.speaker is not None and form.speaker in everyone and form.speaker not in present:
        present = [form.speaker, *everyone[: MAX_OPTIONS - 1]]
    speaker_element: Json = {
        "type": "static_select",
        "placeholder": _plain("Hvem sagde det?"),
        "options": [_option(display_name(p), str(p.id)) for p in present],
    }
    if form.speaker is not None and form.speaker in present:
        speaker_element["initial_option"] = _option(display_name(form.speaker), str(form.speaker.id))
    blocks: list[Json] = []
    if items:
        more = len(agenda) - len(items)
        hint = (
            f"Dagsordenen har {len(agenda)} punkter; her vises punkt {shown_agenda[0].number}–"
            f"{shown_agenda[-1].number}. De andre: /referat ad <nr> <tekst>."
            if more
            else None
        )
        blocks.append(_input("item", "Punkt på dagsordenen", item_element, hint=hint))
    blocks.append(
        _input("kind", "Type", {"type": "radio_buttons", "options": kinds, "initial_option": kinds[0]})
    )
    if present:
        hint = (
            f"Mødet har {len(everyone)} deltagere; her vises {len(present)}. Skriv en anden taler i teksten."
            if len(everyone) > len(present)
            else None
        )
        blocks.append(_input("speaker", "Hvem (indlæg)", speaker_element, optional=True, hint=hint))
    blocks.append(
        _input(
            "text",
            "Tekst i referatet",
            {
                "type": "plain_text_input",
                "multiline": True,
                "max_length": MAX_TEXT,
                # A message of only a file has no text: the field starts empty, not prefilled.
                **({"initial_value": text[:MAX_TEXT]} if text.strip() else {}),
            },
        )
    )
    blocks.append(
        _input(
            "owner",
            "Ansvarlig (opgave)",
            {"type": "users_select", "placeholder": _plain("Vælg en person")},
            optional=True,
        )
    )
    blocks.append(_input("due", "Frist (opgave)", {"type": "datepicker"}, optional=True))
    if not items:
        blocks.insert(
            0,
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "Mødet har ingen dagsorden endnu: sæt den med `/referat dagsorden`.",
                },
            },
        )
    meeting = form.meeting
    return {
        "type": "modal",
        "callback_id": ids.ADD_MODAL,
        "private_metadata": json.dumps(
            {
                "meeting_id": meeting.id,
                "channel_id": channel_id,
                "message_ts": message_ts,
                "permalink": permalink,
            }
        ),
        "title": _plain("Tilføj til referat", 24),
        "submit": _plain("Gem"),
        "close": _plain("Annuller"),
        "blocks": [
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": escape_mrkdwn(f"{meeting.title}, {format_long_da(meeting.date)}"),
                    }
                ],
            },
            *blocks,
        ],
    }


def read_add_entry(view: Json) -> dict[str, Any]:
    """The submitted modal's values by field name (None where empty), plus its private metadata."""
    values: Json = (view.get("state") or {}).get("values") or {}

    def leaf(name: str) -> Json:
        return (values.get(ids.add_field(name)) or {}).get(ids.add_field(name)) or {}

    def selected(name: str) -> str | None:
        option = leaf(name).get("selected_option") or {}
        return str(option["value"]) if option.get("value") is not None else None

    item, speaker = selected("item"), selected("speaker")
    kind = selected("kind")
    due = leaf("due").get("selected_date")
    return {
        **json.loads(view.get("private_metadata") or "{}"),
        "item_number": int(item) if item and item.isdigit() else None,
        "kind": EntryKind(kind) if kind in {str(k) for k in KINDS} else None,
        "speaker_id": int(speaker) if speaker and speaker.isdigit() else None,
        "text": str(leaf("text").get("value") or ""),
        "owner_user_id": leaf("owner").get("selected_user") or None,
        "due": dt.date.fromisoformat(due) if due else None,
    }


def _section(text: str) -> Json:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:_HOME_SECTION]}}


def home_view(
    *,
    mine: Sequence[Action],
    awaiting: Sequence[tuple[Meeting, Draft, str | None]],
    recent: Sequence[Meeting],
    today: dt.date,
) -> Json:
    """App Home: Mine opgaver (with Udført), Venter på din godkendelse, Seneste møder."""
    blocks: list[Json] = [{"type": "header", "text": _plain("Mine opgaver", 150)}]
    open_actions = followup.in_follow_up_order([a for a in mine if not a.done], today)
    if not open_actions:
        blocks.append(_section("Du har ingen åbne opgaver."))
    for action in open_actions[:30]:
        block = _section(slack_safe(followup.action_line(action, today)))
        block["accessory"] = {
            "type": "button",
            "text": _plain("Udført"),
            "action_id": ids.HOME_DONE,
            "value": str(action.number),
            "style": "primary",
        }
        blocks.append(block)
    if len(open_actions) > 30:
        blocks.append(_section(f"… og {len(open_actions) - 30} flere: `/referat opgaver mine`."))

    blocks += [{"type": "divider"}, {"type": "header", "text": _plain("Venter på din godkendelse", 150)}]
    if not awaiting:
        blocks.append(_section("Ingen udkast venter på dig."))
    for meeting, draft, link in awaiting[:20]:
        name = escape_mrkdwn(f"{meeting.title}, {format_long_da(meeting.date)} – udkast v{draft.version}")
        blocks.append(_section(f"<{link}|{name}>" if link else name))

    blocks += [{"type": "divider"}, {"type": "header", "text": _plain("Seneste møder", 150)}]
    if not recent:
        blocks.append(_section("Ingen møder, du kan læse, endnu."))
    state = {"open": "åbent", "approved": "godkendt", "imported": "importeret", "cancelled": "aflyst"}
    lines = [
        f"• {escape_mrkdwn(m.title)}, {format_long_da(m.date)} ({state.get(str(m.status), str(m.status))})"
        for m in recent[:10]
    ]
    if lines:
        blocks.append(_section("\n".join(lines)))
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}
