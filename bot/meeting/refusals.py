"""The store's refusals in the words the person reads.

The store refuses with facts (which meeting is already open, which items still hold entries); what
the person is told, in Danish, is decided here, by the layer that talks to people.
"""

from __future__ import annotations

from storage.errors import (
    ActionNotOpen,
    AgendaInUse,
    AnotherMeetingStarted,
    EntryNotFound,
    MeetingAlreadyOpen,
    MeetingNotFound,
    NoChannel,
    ParticipantNotFound,
    StoreError,
)


def worded(error: StoreError) -> str:
    """The Danish answer to a refusal from the store (nothing was changed)."""
    match error:
        case MeetingAlreadyOpen(meeting=meeting):
            return f"Der er allerede et åbent møde i kanalen: {meeting.title}"
        case AgendaInUse(numbers=numbers):
            listed = ", ".join(str(n) for n in numbers)
            return (
                f"Dagsordenen kan ikke erstattes: der er allerede indlæg på punkt {listed}, "
                "som den nye dagsorden ikke har. Flyt eller slet de indlæg først."
            )
        case EntryNotFound(seq=seq):
            return f"Der er ingen notering nr. {seq} i mødet. Se numrene med /referat status."
        case MeetingNotFound(meeting_id=meeting_id):
            return f"Mødet med id {meeting_id} findes ikke."
        case NoChannel():
            return "Et importeret møde har ingen kanal at holde det næste møde i."
        case AnotherMeetingStarted():
            return "Der er startet et andet møde i kanalen imens. Se det med /referat status."
        case ParticipantNotFound():
            return "Personen står ikke på listen."
        case ActionNotOpen(number=number):
            return f"Opgave nr. {number} kan ikke markeres udført."
    return "Databasen afviste ændringen. Intet er ændret."
