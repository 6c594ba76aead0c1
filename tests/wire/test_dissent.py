"""Dissent (protokollat), inhabilitet and absence from an item, over signed HTTP through the real app.

A participant enters their own dissent and nobody else's; an outsider cannot; the minute-taker notes
who was inhabil or away under an item. The referat shows each in its fixed sentence, in its place.
"""

from __future__ import annotations

from test_capture import log_meeting

from support.app import Bot
from support.slack_fake import FakeSlack

DISSENT = (
    "Politidirektør Helle Kyndesen ønskede følgende ført til protokol: «Jeg kan ikke støtte beslutningen.»"
)
CONFLICT = "Kommunaldirektør Lars Møller erklærede sig inhabil og deltog ikke i behandlingen af punktet."
AWAY = "Direktør for Børn og Unge, Helle Støve, deltog ikke under punktet."


def entry_count(bot: Bot) -> int:
    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    return len(store.entries(meeting.id))


def exported_text(bot: Bot, fake: FakeSlack) -> str:
    before = len(fake.files)
    bot.cmd("eksport txt")
    return fake.wait_for(lambda: fake.files[before:], timeout=20.0)[0].text


def test_a_participant_enters_their_own_dissent_and_an_outsider_cannot(bot: Bot, fake: FakeSlack) -> None:
    log_meeting(bot)
    bot.cmd("ad 3 beslutning: Der var enighed om at fortsætte indsatsen.")
    answer = bot.cmd("protokollat 3 Jeg kan ikke støtte beslutningen.", user="UHELLE")
    assert answer.startswith("Nr. 2 gemt under Ad 3")
    assert "Protokollat – Politidirektør Helle Kyndesen" in answer

    # Someone not on the participant list is refused, and nothing is stored.
    refused = bot.cmd("protokollat 3 Jeg er også imod.", user="UOTHER")
    assert "Kun mødets deltagere" in refused
    assert entry_count(bot) == 2
    # Sloppy typing: no item, no text, no such item.
    assert "punktnummer" in bot.cmd("protokollat imod det hele", user="UHELLE")
    assert "Skriv hvad du ønsker ført til protokol" in bot.cmd("protokollat 3", user="UHELLE")
    assert "Punkt 9" in bot.cmd("protokollat 9 imod", user="UHELLE")
    assert entry_count(bot) == 2

    # The dissent is the member's own words: the minute-taker can neither rewrite nor delete it.
    assert "kun vedkommende selv" in bot.cmd("ret 2 Helle var enig alligevel.")
    assert "kun vedkommende selv" in bot.cmd("slet 2")
    assert "Protokollat nr. 2 er rettet" in bot.cmd("ret 2 Jeg kan ikke støtte beslutningen.", user="UHELLE")

    text = exported_text(bot, fake)
    section = text.split("\n\nAd 3 – ")[1].split("Ad 4")[0]
    decision = section.index("Der var enighed om at fortsætte indsatsen.")
    assert section.index(DISSENT) > decision  # after the item's decisions
    assert "UOTHER" not in text
    assert "Jeg er også imod" not in text


def test_inhabil_and_away_are_noted_by_the_minute_taker_at_the_start_of_their_item(
    bot: Bot, fake: FakeSlack
) -> None:
    log_meeting(bot)
    bot.cmd("ad 3 Claus Hilborg orienterede om Trekanten.")
    assert "Inhabil – Kommunaldirektør Lars Møller" in bot.cmd("inhabil 3 <@ULARS>")
    assert "Fravær – Direktør for Børn og Unge Helle Støve" in bot.cmd("fravær 2 helle støve")
    count = entry_count(bot)

    # Only the minute-taker notes them; a name not on the list and a second note are refused.
    assert "Kun referenten" in bot.cmd("inhabil 3 <@UCLAUS>", user="UHELLE")
    assert "Kun referenten" in bot.cmd("fravær 3 Claus Hilborg", user="UOTHER")
    assert "står ikke på deltagerlisten" in bot.cmd("inhabil 3 Ole Udenfor")
    assert "Flere deltagere" in bot.cmd("fravær 3 Helle")
    assert "allerede noteret" in bot.cmd("inhabil 3 Lars Møller")
    assert "Slet den" in bot.cmd("ret 2 noget andet")  # a note is changed by deleting it
    assert entry_count(bot) == count

    text = exported_text(bot, fake)
    # Each item's paragraphs after its heading line.
    item3 = text.split("\n\nAd 3 – ")[1].split("Ad 4")[0].split("\n\n", 1)[1]
    assert item3.strip().startswith(CONFLICT)
    assert item3.index(CONFLICT) < item3.index("Chefpolitiinspektør Claus Hilborg orienterede om Trekanten.")
    item2 = text.split("\n\nAd 2 – ")[1].split("Ad 3")[0].split("\n\n", 1)[1]
    assert item2.strip().startswith(AWAY)
    assert AWAY not in item3
    assert CONFLICT not in item2
