"""Slack's limits on a message, written down once, and the check of what Slack refuses.

The Block Kit builders (bot.slack.blocks) stay inside these limits; the Slack stand-in
(bot.console.standin) answers a message that breaks them with the error Slack would give, so the
console and the tests notice what Slack would refuse. Pure: no Slack SDK, no I/O.
"""

from __future__ import annotations

import json
from typing import Any

Json = dict[str, Any]

MAX_TEXT = 4_000  # a message's `text`
MAX_BLOCKS = 50  # blocks in one message
MAX_SECTION_TEXT = 3_000  # a section's text
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2_000
MAX_HEADER_TEXT = 150
MAX_BLOCKS_TEXT = 12_000  # all the text in a message's blocks together
MAX_ACTIONS_ELEMENTS = 25
MAX_SELECT_OPTIONS = 100  # a static select's options
MAX_VIEW_BLOCKS = 100  # blocks in a modal or App Home
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2_000
MAX_ID_LENGTH = 255  # action_id, block_id
MAX_INPUT_LABEL = 2_000
RESPONSE_URL_USES = 5  # answers one response_url takes
KNOWN_BLOCK_TYPES = frozenset(
    {"section", "header", "divider", "context", "actions", "rich_text", "image", "input"}
)


def message_error(text: object, blocks: object) -> str | None:
    """The error Slack answers for a message with this `text` and `blocks`, or None if accepted."""
    text_str = "" if text is None else str(text)
    if isinstance(blocks, str) and blocks.strip():
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return "invalid_blocks"
    has_blocks = blocks is not None and blocks != "" and blocks != []
    if not text_str and not has_blocks:
        return "no_text"
    if len(text_str) > MAX_TEXT:
        return "msg_too_long"
    if has_blocks:
        return blocks_error(blocks)
    return None


def blocks_error(blocks: object) -> str | None:
    """The error Slack answers for these `blocks` (a parsed list), or None if accepted."""
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        return "invalid_blocks"
    if len(blocks) > MAX_BLOCKS:
        return "invalid_blocks"
    seen_ids: set[str] = set()
    for block in blocks:
        if not _block_ok(block):
            return "invalid_blocks"
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or not block_id or len(block_id) > MAX_ID_LENGTH:
                return "invalid_blocks"
            if block_id in seen_ids:
                return "invalid_blocks"
            seen_ids.add(block_id)
    if _text_total(blocks) > MAX_BLOCKS_TEXT:
        return "msg_blocks_too_long"
    return None


def _text_obj_ok(obj: object, limit: int, *, plain_only: bool = False) -> bool:
    if not isinstance(obj, dict):
        return False
    allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    text = obj.get("text")
    return obj.get("type") in allowed and isinstance(text, str) and 0 < len(text) <= limit


def view_error(view: object) -> str | None:
    """The error Slack answers for a modal with these blocks, or None if accepted."""
    blocks = view.get("blocks") if isinstance(view, dict) else None
    if not isinstance(blocks, list) or len(blocks) > MAX_VIEW_BLOCKS:
        return "invalid_arguments"
    if not all(isinstance(b, dict) and _block_ok(b) for b in blocks):
        return "invalid_arguments"
    return None


def _element_ok(element: object) -> bool:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return False
    if element["type"] in ("static_select", "multi_static_select"):
        options = element.get("options")
        return options is None or (isinstance(options, list) and len(options) <= MAX_SELECT_OPTIONS)
    if element["type"] == "button":
        action_id = element.get("action_id")
        if not isinstance(action_id, str) or not action_id or len(action_id) > MAX_ID_LENGTH:
            return False
        if not _text_obj_ok(element.get("text"), MAX_BUTTON_TEXT, plain_only=True):
            return False
        value = element.get("value")
        if value is not None and (not isinstance(value, str) or len(value) > MAX_BUTTON_VALUE):
            return False
    return True


def _block_ok(block: Json) -> bool:
    kind = block.get("type")
    if kind not in KNOWN_BLOCK_TYPES:
        return False
    if kind == "section":
        text, fields = block.get("text"), block.get("fields")
        if text is None and not fields:
            return False
        if text is not None and not _text_obj_ok(text, MAX_SECTION_TEXT):
            return False
        if fields is not None and (
            not isinstance(fields, list)
            or len(fields) > MAX_SECTION_FIELDS
            or not all(_text_obj_ok(f, MAX_FIELD_TEXT) for f in fields)
        ):
            return False
        accessory = block.get("accessory")
        return accessory is None or _element_ok(accessory)
    if kind == "header":
        return _text_obj_ok(block.get("text"), MAX_HEADER_TEXT, plain_only=True)
    if kind == "context":
        elements = block.get("elements")
        return (
            isinstance(elements, list)
            and 0 < len(elements) <= MAX_CONTEXT_ELEMENTS
            and all(
                _text_obj_ok(e, MAX_TEXT)
                or (isinstance(e, dict) and e.get("type") == "image" and "alt_text" in e)
                for e in elements
            )
        )
    if kind == "actions":
        elements = block.get("elements")
        return (
            isinstance(elements, list)
            and 0 < len(elements) <= MAX_ACTIONS_ELEMENTS
            and all(_element_ok(e) for e in elements)
        )
    if kind == "rich_text":
        return isinstance(block.get("elements"), list)
    if kind == "image":
        return isinstance(block.get("alt_text"), str) and (
            isinstance(block.get("image_url"), str) or isinstance(block.get("slack_file"), dict)
        )
    if kind == "input":
        return _text_obj_ok(block.get("label"), MAX_INPUT_LABEL, plain_only=True) and _element_ok(
            block.get("element")
        )
    return True  # divider


def _text_total(node: object) -> int:
    if isinstance(node, list):
        return sum(_text_total(item) for item in node)
    if isinstance(node, dict):
        total = 0
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                total += len(value)
            else:
                total += _text_total(value)
        return total
    return 0
