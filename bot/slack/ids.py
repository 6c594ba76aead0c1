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

# The "Anmod om rettelser" modal.
CHANGES_MODAL = "referat_changes_modal"
CHANGES_INPUT_BLOCK = "referat_changes_input"
CHANGES_INPUT_ACTION = "referat_changes_text"

# The "Godkend med forbehold" modal.
RESERVATION_MODAL = "referat_reservation_modal"
RESERVATION_INPUT_BLOCK = "referat_reservation_input"
RESERVATION_INPUT_ACTION = "referat_reservation_text"
