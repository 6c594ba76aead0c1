"""The one base of every expected refusal in referat, and the store's own refusals.

`ReferatError` is what a person's mistake raises anywhere (a sloppy command, an unknown date, a
file that is not a referat, an export that cannot be written, a missing setting): the layer that
talks to the person catches it narrowly and answers; anything else is a bug and reaches the one
error handler. It lives here, at the bottom of the dependency order, because storage imports
nothing from bot and its refusals are ReferatErrors too.

The store's refusals carry facts, not words: the layer that talks to people words them in Danish
(bot.meeting.refusals).
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.records import Meeting


class ReferatError(Exception):
    """An expected refusal; its message (if any) is for the person who caused it."""


class StoreError(ReferatError):
    """The store refused a change; nothing was written."""


class MeetingNotFound(StoreError):
    def __init__(self, meeting_id: int) -> None:
        super().__init__(f"no meeting {meeting_id}")
        self.meeting_id = meeting_id


class MeetingAlreadyOpen(StoreError):
    def __init__(self, meeting: Meeting) -> None:
        super().__init__(f"meeting {meeting.id} is already open in the channel")
        self.meeting = meeting


class AgendaInUse(StoreError):
    def __init__(self, numbers: Sequence[int]) -> None:
        super().__init__(f"live entries on items {list(numbers)}, which the new agenda drops")
        self.numbers = tuple(numbers)


class EntryNotFound(StoreError):
    def __init__(self, seq: int) -> None:
        super().__init__(f"no live entry {seq}")
        self.seq = seq


class NoChannel(StoreError):
    """An imported meeting has no channel to hold the next meeting in."""

    def __init__(self, meeting_id: int) -> None:
        super().__init__(f"meeting {meeting_id} has no channel")
        self.meeting_id = meeting_id


class AnotherMeetingStarted(StoreError):
    def __init__(self, channel_id: str) -> None:
        super().__init__(f"another meeting was started in {channel_id} meanwhile")
        self.channel_id = channel_id


class ActionNotOpen(StoreError):
    """The action does not exist, its entry was deleted, or it is already done."""

    def __init__(self, number: int) -> None:
        super().__init__(f"action {number} cannot be marked done")
        self.number = number


class ParticipantNotFound(StoreError):
    def __init__(self, participant_id: int) -> None:
        super().__init__(f"no participant {participant_id} in the meeting")
        self.participant_id = participant_id
