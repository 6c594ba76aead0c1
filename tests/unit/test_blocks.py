"""Block Kit for the draft: every message inside Slack's limits, no text lost, the right ids."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack import ids
from bot.slack.blocks import (
    DraftHeader,
    DraftStatus,
    SlackMessage,
    changes_modal,
    changes_modal_ids,
    draft_messages,
    escape_mrkdwn,
    slack_len,
    split_text,
    split_text_blocks,
    top_message,
)

APPROVED_AT = dt.datetime(2026, 11, 27, 13, 3, tzinfo=dt.UTC)  # 14:03 in Copenhagen

DRAFT = DraftHeader(
    meeting_title="Kredsrådsmøde i Holstebro Kommune",
    meeting_date=dt.date(2026, 11, 24),
    version=2,
    draft_id=17,
    approvers=(("Helle Kyndesen", APPROVED_AT), ("Lars Møller", None)),
    comments=2,
    changes_summary=("+ 3 nye indlæg", "~ 1 rettet indlæg"),
)
APPROVED = DraftHeader(
    meeting_title="Kredsrådsmøde i Holstebro Kommune",
    meeting_date=dt.date(2026, 11, 24),
    version=2,
    draft_id=17,
    status=DraftStatus.APPROVED,
    approvers=(("Helle Kyndesen", APPROVED_AT), ("Lars Møller", APPROVED_AT)),
)


def unescape_mrkdwn(text: str) -> str:
    """The inverse of `escape_mrkdwn`, to read back what a block says."""
    return re.sub(r"&(amp|lt|gt);", lambda m: {"amp": "&", "lt": "<", "gt": ">"}[m.group(1)], text)


def _texts(node: object) -> list[str]:
    if isinstance(node, dict):
        found: list[str] = []
        for key, value in node.items():
            found += [value] if key == "text" and isinstance(value, str) else _texts(value)
        return found
    if isinstance(node, list):
        return [text for value in node for text in _texts(value)]
    return []


def assert_within_limits(message: SlackMessage) -> None:
    json.dumps({"text": message.text, "blocks": message.blocks})
    assert message.text.strip()
    assert slack_len(message.text) <= 3900
    assert 0 < len(message.blocks) <= 50
    for block in message.blocks:
        kind = block["type"]
        if kind == "section":
            assert block["text"]["text"].strip()
            assert slack_len(block["text"]["text"]) <= 3000
        elif kind == "header":
            assert block["text"]["type"] == "plain_text"
            assert slack_len(block["text"]["text"]) <= 150
        elif kind == "actions":
            assert 0 < len(block["elements"]) <= 25
        elif kind == "context":
            assert 0 < len(block["elements"]) <= 10
        else:
            assert kind == "divider"
    assert sum(slack_len(text) for text in _texts(message.blocks)) <= 11000
    block_ids = [block["block_id"] for block in message.blocks if "block_id" in block]
    assert len(block_ids) == len(set(block_ids))


def referat_pieces(messages: list[SlackMessage]) -> list[str]:
    """The referat's own text blocks, unescaped: after the top message's divider, then the thread."""
    top = messages[0].blocks
    start = next(i for i, block in enumerate(top) if block["type"] == "divider") + 1
    pieces = []
    for block in top[start:]:
        if block["type"] != "section" or block["text"]["text"].startswith("Godkendt"):
            break
        pieces.append(unescape_mrkdwn(block["text"]["text"]))
    for message in messages[1:]:
        assert all(block["type"] == "section" for block in message.blocks)
        pieces += [unescape_mrkdwn(block["text"]["text"]) for block in message.blocks]
    return pieces


def huge_referat() -> str:
    paragraphs = [
        f"Ad {n % 7 + 1} – Punkt {n}: Politidirektør Helle Kyndesen orienterede om sag {n} <vigtig> & "
        f"{'opfølgning ' * (n % 23)}samt budget 2026 😀."
        for n in range(300)
    ]
    sentences = " ".join(f"Sætning {n} om narkotikakriminalitet & forebyggelse." for n in range(220))
    paragraphs.insert(150, sentences[:10000])
    paragraphs.insert(10, "x" * 10000)  # no whitespace at all: only a hard split helps
    text = "\n\n".join(paragraphs)
    while len(text) < 60000:
        text += "\n\nDer var enighed om at fortsætte det gode samarbejde vedrørende området."
    return text


@pytest.mark.parametrize("header", [DRAFT, APPROVED], ids=["draft", "approved"])
@pytest.mark.parametrize(
    "text",
    [
        huge_referat(),
        "Kort referat.\n",
        "",
        "<&>" * 5000,
    ],
    ids=["huge", "short", "empty", "escapes"],
)
def test_every_message_is_within_limits_and_no_text_is_lost(header: DraftHeader, text: str) -> None:
    messages = draft_messages(text, header)
    for message in messages:
        assert_within_limits(message)
    pieces = referat_pieces(messages)
    assert pieces == [piece.strip() for piece in split_text(text) if piece.strip()]
    assert re.sub(r"\s+", "", "".join(pieces)) == re.sub(r"\s+", "", text)
    assert messages[0] == top_message(header, text)


def test_huge_referat_continues_in_the_thread() -> None:
    messages = draft_messages(huge_referat(), DRAFT)
    assert len(messages) > 5
    assert messages[1].text == f"Referat – udkast v2 (fortsat 2/{len(messages)})"
    top_kinds = [block["type"] for block in messages[0].blocks]
    assert "context" in top_kinds  # tells the reader that the rest follows in the thread
    assert top_kinds[-1] == "actions"


def test_a_short_referat_fits_the_top_message() -> None:
    messages = draft_messages("Referat af møde.\n\nAd 1 – Punkt\n\nIntet at bemærke.\n", DRAFT)
    assert len(messages) == 1
    assert "context" not in [block["type"] for block in messages[0].blocks]


def test_top_message_text_share_does_not_depend_on_the_header() -> None:
    crowded = DraftHeader(
        meeting_title="Møde " * 100,
        meeting_date=dt.date(2026, 11, 24),
        version=9,
        draft_id="d-9",
        approvers=tuple((f"Deltager nummer {n} med et langt navn", APPROVED_AT) for n in range(400)),
        comments=1,
        changes_summary=tuple(f"+ ændring {n}" for n in range(400)),
    )
    text = huge_referat()
    assert_within_limits(top_message(crowded, text))
    assert referat_pieces(draft_messages(text, crowded)) == referat_pieces(draft_messages(text, DRAFT))


def test_draft_header_shows_status_approvers_and_changes() -> None:
    blocks = top_message(DRAFT, "Referat.").blocks
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Referat – udkast v2"}}
    status = blocks[1]["text"]["text"]
    assert "*Kredsrådsmøde i Holstebro Kommune* – 24. november 2026" in status
    assert "Status: Udkast · 2 kommentarer" in status
    assert "✅ Helle Kyndesen 27.11. kl. 14.03" in status
    assert "⏳ Lars Møller" in status
    assert blocks[2]["text"]["text"] == "*Ændringer siden v1:*\n+ 3 nye indlæg\n~ 1 rettet indlæg"


def test_draft_buttons() -> None:
    actions = [block for block in top_message(DRAFT, "Referat.").blocks if block["type"] == "actions"]
    assert len(actions) == 1
    assert actions[0]["block_id"] == ids.DRAFT_ACTIONS_BLOCK
    buttons = actions[0]["elements"]
    assert [(b["action_id"], b["text"]["text"], b["value"]) for b in buttons] == [
        (ids.APPROVE, "Godkend", "17"),
        (ids.APPROVE_WITH_RESERVATION, "Godkend med forbehold", "17"),
        (ids.REQUEST_CHANGES, "Anmod om rettelser", "17"),
        (ids.DOWNLOAD, "Hent som fil", "17"),
    ]
    assert buttons[0]["style"] == "primary"
    assert all(b["type"] == "button" for b in buttons)


def test_approved_header_has_no_buttons() -> None:
    message = top_message(APPROVED, "Referat.")
    assert "actions" not in [block["type"] for block in message.blocks]
    assert "button" not in json.dumps(message.blocks)
    assert message.blocks[0]["text"]["text"] == "Referat – godkendt v2"
    status = message.blocks[1]["text"]["text"]
    assert "Status: Godkendt" in status
    # Each approver's time sits in the status; the text's own closing line is the only approval line.
    assert "✅ Helle Kyndesen 27.11. kl. 14.03\n✅ Lars Møller 27.11. kl. 14.03" in status
    assert "⏳" not in status
    assert "Godkendt af" not in json.dumps(message.blocks, ensure_ascii=False)


def test_changes_modal() -> None:
    view = changes_modal(5, 2)
    assert view["type"] == "modal"
    assert view["callback_id"] == ids.CHANGES_MODAL
    assert view["title"] == {"type": "plain_text", "text": "Anmod om rettelser"}
    assert view["submit"]["text"] == "Send"
    assert view["close"]["text"] == "Annuller"
    assert all(len(view[key]["text"]) <= 24 for key in ("title", "submit", "close"))
    (block,) = view["blocks"]
    assert block["type"] == "input"
    assert block["block_id"] == ids.CHANGES_INPUT_BLOCK
    assert block["element"]["type"] == "plain_text_input"
    assert block["element"]["action_id"] == ids.CHANGES_INPUT_ACTION
    assert block["element"]["multiline"] is True
    assert changes_modal_ids(view["private_metadata"]) == (5, 2)
    json.dumps(view)


# --------------------------------------------------------------------------------------------
# Splitting


def test_paragraphs_are_kept_together_when_they_fit() -> None:
    paragraphs = ["a" * 1000, "b" * 1000, "c" * 1000]
    blocks = split_text_blocks("\n\n".join(paragraphs))
    assert [block["text"]["text"] for block in blocks] == ["a" * 1000 + "\n\n" + "b" * 1000, "c" * 1000]


def test_a_long_paragraph_splits_after_sentences() -> None:
    text = " ".join(f"Sætning nummer {n} er her." for n in range(500))
    pieces = [piece.strip() for piece in split_text(text, limit=300)]
    assert len(pieces) > 1
    assert all(piece.endswith(".") for piece in pieces)
    assert " ".join(pieces) == text


def test_lines_before_sentences_and_words_before_hard_splits() -> None:
    lines = "\n".join(["ord " * 20 + "slut"] * 10)
    assert all("\n" not in piece.strip() for piece in split_text(lines, limit=120))
    words = "ord " * 100
    assert all(piece.endswith(" ") for piece in split_text(words, limit=50)[:-1])
    assert split_text("x" * 95, limit=30) == ["x" * 30, "x" * 30, "x" * 30, "x" * 5]


def test_escaped_length_counts() -> None:
    pieces = split_text("&" * 100, limit=50)
    assert all(len(escape_mrkdwn(piece)) <= 50 for piece in pieces)
    assert "".join(pieces) == "&" * 100


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [("a & b", "a &amp; b"), ("<@U1>", "&lt;@U1&gt;"), ("&lt;", "&amp;lt;"), ("æøå", "æøå")],
)
def test_escape_round_trip(raw: str, escaped: str) -> None:
    assert escape_mrkdwn(raw) == escaped
    assert unescape_mrkdwn(escaped) == raw


@given(
    text=st.text(alphabet=st.sampled_from("ab æ&<>.!\n\t😀"), max_size=600),
    limit=st.integers(min_value=10, max_value=120),
)
def test_split_never_loses_a_character(text: str, limit: int) -> None:
    pieces = split_text(text, limit=limit)
    assert "".join(pieces) == text
    for block, piece in zip(
        split_text_blocks(text, limit=limit), [p for p in pieces if p.strip()], strict=True
    ):
        assert slack_len(block["text"]["text"]) <= limit
        assert unescape_mrkdwn(block["text"]["text"]) == piece.strip()


def test_blocks_are_plain_json_dicts() -> None:
    message: Any = draft_messages("Tekst & mere", DRAFT)[0]
    assert json.loads(json.dumps(message.blocks)) == message.blocks
