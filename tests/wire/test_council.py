"""Votes, arrivals and the aktindsigt extract over signed HTTP through the real app.

The minute-taker records a vote and an arrival with `/referat`; a refused vote is answered privately
and stores nothing; `/referat eksport aktindsigt` posts one item's decisions and votes as a file, and
refuses a closed item without a public decision by name.
"""

from __future__ import annotations

from test_capture import log_meeting

from support.app import Bot
from support.slack_fake import FakeSlack

VOTE = (
    "Afstemning om forslag om Trekanten: For stemte 2 (Politidirektør Helle Kyndesen og Kommunaldirektør Lars "
    "Møller), imod stemte 1 (Chefpolitiinspektør Claus Hilborg). Forslaget blev vedtaget."
)


def test_a_vote_an_arrival_and_the_aktindsigt_extract_in_slack(bot: Bot, fake: FakeSlack) -> None:
    log_meeting(bot)
    bot.cmd("ad 3 Claus Hilborg orienterede om Trekanten.")
    bot.cmd("ad 3 beslutning: Der var enighed om at fortsætte indsatsen.")
    assert bot.cmd("ankommet 2 <@USTOVE>").endswith(
        "Direktør for Børn og Unge, Helle Støve, deltog fra punkt 2."
    )
    answer = bot.cmd("afstemning 3 Forslag om Trekanten | for: <@UHELLE> og Lars Møller | imod: <@UCLAUS>")
    assert answer.startswith("Nr. 4 gemt under Ad 3")
    assert VOTE in answer

    # Refused privately, nothing stored: a participant is not the minute-taker; too many votes; gone.
    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    count = len(store.entries(meeting.id))
    assert "Kun referenten" in bot.cmd("afstemning 3 Forslag | for: 1 | imod: 0", user="UHELLE")
    assert "men kun 4 deltog i behandlingen af punkt 1" in bot.cmd("afstemning 1 Forslag | for: 5 | imod: 0")
    assert "deltog først fra punkt 2" in bot.cmd("afstemning 1 Forslag | for: Helle Støve | imod: 0")
    assert len(store.entries(meeting.id)) == count

    before = len(fake.files)
    reply = bot.cmd("eksport aktindsigt 3 txt", user="UHELLE")
    assert "Uddraget til aktindsigt af punkt 3" in reply
    (posted,) = fake.wait_for(lambda: fake.files[before:], timeout=20.0)
    assert posted.text.startswith("Uddrag til aktindsigt: punkt 3")
    assert VOTE in posted.text
    assert "Der var enighed om at fortsætte indsatsen." in posted.text
    assert "orienterede om Trekanten" not in posted.text
    assert "deltog fra punkt 2" not in posted.text

    bot.cmd("lukket 2")
    assert "Punkt 2 – Orientering fra kommunen blev behandlet for lukkede døre" in bot.cmd(
        "eksport aktindsigt 2"
    )
    assert len(fake.files) == before + 1  # nothing posted for the refused item
