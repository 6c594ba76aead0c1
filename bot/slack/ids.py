"""Block Kit ids shared by the message builders and the listeners that answer them.

One definition keeps a renamed button from silently falling through to no listener.
"""

from __future__ import annotations

# Buttons on the draft's top message; each button's `value` is the draft id.
DRAFT_ACTIONS_BLOCK = "referat_draft_actions"
APPROVE = "referat_approve"
APPROVE_WITH_RESERVATION = "referat_approve_reservation"
REQUEST_CHANGES = "referat_request_changes"
DOWNLOAD = "referat_download"

# "Markér behandlet" on the acknowledgement of a comment in the draft's thread; value: comment id.
COMMENT_HANDLED = "referat_comment_handled"

# The "Anmod om rettelser" modal.
CHANGES_MODAL = "referat_changes_modal"
CHANGES_INPUT_BLOCK = "referat_changes_input"
CHANGES_INPUT_ACTION = "referat_changes_text"

# The "Godkend med forbehold" modal.
RESERVATION_MODAL = "referat_reservation_modal"
RESERVATION_INPUT_BLOCK = "referat_reservation_input"
RESERVATION_INPUT_ACTION = "referat_reservation_text"
# The ephemeral offer of the whole answer by DM, under an answer in a channel thread. The button's
# value is the question (Slack allows 2,000 characters); the answer is recomputed for the clicker.
FULL_ANSWER_BLOCK = "referat_full_answer"
FULL_ANSWER = "referat_full_answer_dm"
BUTTON_VALUE_LIMIT = 2000

# "Tilføj til referat": the message shortcut and its modal. Each field's block id and action id
# are `referat_add_<field>`; the listener maps errors back to the block of their field.
ADD_SHORTCUT = "tilfoej_til_referat"
ADD_MODAL = "referat_add_modal"
ADD_FIELDS = ("item", "kind", "speaker", "text", "owner", "due")


def add_field(name: str) -> str:
    return f"referat_add_{name}"


# App Home: the "Udført" button beside each of the person's open actions; its value is the number.
HOME_DONE = "referat_home_done"
