"""Who speaks in a logged statement: the rule the minute-taker expects, as one pure function.

- The people the opening words name (`Claus Hilborg og Frederik Sundtoft orienterede …`, a title
  alone such as `Kommunaldirektøren`, a Slack mention) are the speakers, all of them.
- Otherwise a participant's own line is theirs: the sender speaks.
- Otherwise, when the minute-taker logs it, it is the meeting's narrative (`… blev drøftet`,
  `Intet at bemærke.`): nobody speaks, and the text stands as typed.

Pure: no Slack, no store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.text.people import find_subject, with_referent
from storage.records import Participant


@dataclass(frozen=True)
class Speakers:
    participants: tuple[Participant, ...]
    named_in_text: bool  # True: the text names them; False: the sender (or nobody, for narrative)

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(p.id for p in self.participants)


def resolve_speakers(
    text: str,
    participants: Sequence[Participant],
    sender_user_id: str | None,
    minute_taker: str | None,
) -> Speakers:
    """The speakers of a statement `sender_user_id` logged in a meeting `minute_taker` writes."""
    people = with_referent(participants, minute_taker)
    subject = find_subject(text, people)
    if subject.refs:
        by_id = {p.id: p for p in participants}
        return Speakers(tuple(by_id[p.id] for p in subject.participants), True)
    if sender_user_id and sender_user_id != minute_taker:
        for p in participants:
            if not p.absent and p.slack_user_id == sender_user_id:
                return Speakers((p,), False)
    return Speakers((), False)
