"""Formatting answers: labels in the question's language, minutes quoted as logged, one screenful.

Pure tests: hits are built by hand, no store. The end-to-end questions are in test_search.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.archive.answer import COUNTED_UP_TO, MAX_CHARS, NoMatchHelp, format_answer
from bot.archive.question import PersonRef, Question, Speaker
from bot.text.dates import Period
from storage.search import Hit, ItemRef

DECISION = "Der var enighed om at fortsætte det gode samarbejde vedrørende området."


def hit(**changes: object) -> Hit:
    base = Hit(
        entry_id=8,
        meeting_id=1,
        meeting_title="Kredsrådsmøde i Holstebro Kommune",
        meeting_date=dt.date(2024, 3, 19),
        meeting_status="imported",
        channel_id=None,
        item_number=3,
        item_title="Status på punkter i samarbejdsplanen:",
        seq=8,
        kind="decision",
        text=DECISION,
        attributed=True,
        speaker_name=None,
        speaker_title=None,
        owner=None,
        due=None,
        score=0.0,
        terms_in_text=0,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def question(text: str = "hvad blev besluttet om Trekanten?", **changes: object) -> Question:
    base = Question(
        text=text,
        lang="da",
        intent="decisions",
        topic_terms=("trekanten",),
        topic_text="Trekanten",
        speaker=None,
        period=None,
        page=1,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_decision_answer_in_danish() -> None:
    answer = format_answer(question(), [hit()], total=1)
    assert answer.lines == (
        "*Beslutninger om «Trekanten»* – 1 fundet",
        "",
        "*Kredsrådsmøde i Holstebro Kommune*, 19. marts 2024",
        "_Ad 3 – Status på punkter i samarbejdsplanen_",
        f"• {DECISION}",
    )
    assert answer.text == "\n".join(answer.lines)
    assert (answer.lang, answer.total, answer.page, answer.pages, answer.meeting_ids) == ("da", 1, 1, 1, (1,))


def test_decision_answer_in_english_keeps_the_minutes_danish() -> None:
    answer = format_answer(question("what was decided on Trekanten", lang="en"), [hit()], total=1)
    assert answer.lines == (
        "*Decisions on «Trekanten»* – 1 found",
        "",
        "*Kredsrådsmøde i Holstebro Kommune*, 19 March 2024",
        "_Item 3 – Status på punkter i samarbejdsplanen_",
        f"• {DECISION}",
    )


def test_link_draft_marker_and_period_in_headline() -> None:
    q = question(period=Period(dt.date(2024, 3, 1), dt.date(2024, 4, 1), "marts 2024"))
    draft = hit(meeting_status="open")
    answer = format_answer(q, [draft], total=1, links={1: "https://x.slack.com/archives/C1/p1"})
    assert answer.lines[0] == "*Beslutninger om «Trekanten» (marts 2024)* – 1 fundet"
    assert answer.lines[2] == (
        "*Kredsrådsmøde i Holstebro Kommune*, 19. marts 2024 (udkast) – <https://x.slack.com/archives/C1/p1|referat>"
    )


def test_groups_by_meeting_in_rank_order_and_items_in_agenda_order() -> None:
    newer = hit(
        entry_id=30,
        meeting_id=3,
        meeting_date=dt.date(2025, 9, 16),
        item_number=1,
        item_title="Trekanten",
        seq=2,
    )
    late_item = hit(entry_id=9, item_number=4, item_title="Eventuelt", seq=9, text="Punkt fire.")
    early_item = hit(entry_id=2, item_number=1, item_title="Orientering", seq=2, text="Punkt et.")
    answer = format_answer(question(), [newer, late_item, early_item], total=3)
    text = answer.text
    assert answer.meeting_ids == (3, 1)
    assert text.index("16. september 2025") < text.index("19. marts 2024")
    assert text.index("_Ad 1 – Orientering_") < text.index("_Ad 4 – Eventuelt_")
    assert text.count("*Kredsrådsmøde i Holstebro Kommune*") == 2


def test_statements_show_the_speaker_unless_the_text_names_them() -> None:
    q = question(
        "hvad sagde Helle Støve om narko",
        intent="statements",
        topic_terms=("narko",),
        topic_text="narko",
        speaker=Speaker(
            "Helle Støve", (PersonRef("Helle Støve", "Direktør for Børn og Unge"),), by_role=False
        ),
    )
    plain = hit(
        kind="statement",
        attributed=False,
        text="Fokus på narkokriminalitet.",
        speaker_name="Helle Støve",
        speaker_title="Direktør for Børn og Unge",
    )
    attributed = hit(
        kind="statement",
        text="Direktør for Børn og Unge, Helle Støve, oplyste, at narko fylder.",
        speaker_name="Helle Støve",
        speaker_title="Direktør for Børn og Unge",
        seq=9,
    )
    lines = format_answer(q, [plain, attributed], total=2).lines
    assert lines[0] == "*Udtalelser fra Helle Støve om «narko»* – 2 fundet"
    assert "• *Helle Støve*, Direktør for Børn og Unge: Fokus på narkokriminalitet." in lines
    assert "• Direktør for Børn og Unge, Helle Støve, oplyste, at narko fylder." in lines


def test_role_speaker_headline_names_the_people() -> None:
    people = (PersonRef("Helle Kyndesen", "Politidirektør"), PersonRef("Jens Hansen", "Politidirektør"))
    q = question(
        intent="statements",
        speaker=Speaker("politidirektøren", people, by_role=True),
        topic_text="",
        topic_terms=(),
    )
    line = format_answer(q, [hit(kind="statement")], total=1).lines[0]
    assert line == "*Udtalelser fra politidirektøren (Helle Kyndesen, Jens Hansen)* – 1 fundet"


def test_plain_search_labels_decisions_and_actions() -> None:
    q = question("trekant", intent="search", topic_text="trekant")
    action = hit(kind="action", text="Indkalde til møde", owner="Lars Møller", due=dt.date(2024, 5, 1), seq=9)
    lines = format_answer(q, [hit(), action], total=2).lines
    assert lines[0] == "*Fundet i referaterne om «trekant»* – 2 fundet"
    assert f"• *Beslutning:* {DECISION}" in lines
    assert "• Opfølgning: *Lars Møller* – Indkalde til møde – frist 1. maj 2024" in lines


@pytest.mark.parametrize(
    ("lang", "owner", "due", "line"),
    [
        ("da", "Lars Møller", dt.date(2024, 5, 1), "• *Lars Møller* – Sende forslag – frist 1. maj 2024"),
        ("da", None, None, "• *(ingen ansvarlig)* – Sende forslag"),
        ("en", "Lars Møller", dt.date(2024, 5, 1), "• *Lars Møller* – Sende forslag – due 1 May 2024"),
        ("en", None, dt.date(2024, 5, 1), "• *(no owner)* – Sende forslag – due 1 May 2024"),
    ],
)
def test_action_lines(lang: str, owner: str | None, due: dt.date | None, line: str) -> None:
    q = question(lang=lang, intent="actions")
    answer = format_answer(q, [hit(kind="action", text="Sende forslag", owner=owner, due=due)], total=1)
    assert answer.lines[-1] == line


def test_who_lists_the_people_first() -> None:
    q = question("hvem orienterede om narko?", intent="who", topic_text="narko", topic_terms=("narko",))
    two = hit(
        kind="statement",
        text="Chefpolitiinspektør Claus Hilborg og Vicepolitiinspektør Frederik Sundtoft orienterede om narko.",
        people=(("Claus Hilborg", "Chefpolitiinspektør"), ("Frederik Sundtoft", None)),
    )
    again = hit(kind="statement", seq=9, text="Claus Hilborg supplerede.", people=(("Claus Hilborg", None),))
    lines = format_answer(q, [two, again], total=2).lines
    assert lines[0] == "*Hvem har talt om «narko»* – 2 fundet"
    assert lines[1] == "Personer: *Claus Hilborg* (Chefpolitiinspektør), *Frederik Sundtoft*"


def test_long_statement_is_cut_around_the_topic_and_decisions_stay_whole() -> None:
    before = "Indledende bemærkninger om mange andre emner. " * 20
    text = before + "Derefter blev Trekanten omtalt i detaljer. " + "Afsluttende ord. " * 20
    q = question("trekanten", intent="search")
    statement = hit(kind="statement", text=text)
    line = format_answer(q, [statement], total=1).lines[-1]
    assert line.startswith("• … ")
    assert line.endswith(" …")
    assert "Derefter blev Trekanten omtalt i detaljer." in line
    assert len(line) < 420
    assert line[4:-2] in text  # word for word in between
    long_decision = "Der var enighed om " + "at fortsætte indsatsen og " * 20 + "at evaluere."
    decision_line = format_answer(question(), [hit(text=long_decision)], total=1).lines[-1]
    assert decision_line == f"• {long_decision}"


def test_a_page_of_long_hits_fits_one_message() -> None:
    long = "Ordet Trekanten står her. " + "Meget lang tekst om samarbejdet. " * 80
    hits = [
        hit(
            entry_id=i,
            meeting_id=i,
            seq=i,
            kind="statement",
            text=long,
            meeting_title="Kredsrådsmøde " + "x" * 60,
        )
        for i in range(8)
    ]
    answer = format_answer(question("trekanten " * 20, intent="search"), hits, total=40)
    assert len(answer.text) <= MAX_CHARS
    assert answer.text.count("• ") == 8
    assert answer.text.endswith("side 2`")


@pytest.mark.parametrize(
    ("lang", "page", "total", "shown", "footer"),
    [
        ("da", 1, 20, 8, "Side 1 af 3. 12 flere – se dem med `/referat spørg indbrud side 2`"),
        ("da", 2, 20, 8, "Side 2 af 3. 4 flere – se dem med `/referat spørg indbrud side 3`"),
        ("da", 3, 20, 4, "Side 3 af 3."),
        ("en", 1, 9, 8, "Page 1 of 2. 1 more – see them with `/referat ask indbrud page 2`"),
    ],
)
def test_paging_footer(lang: str, page: int, total: int, shown: int, footer: str) -> None:
    q = question("indbrud", lang=lang, intent="search", page=page)
    hits = [hit(entry_id=i, seq=i) for i in range(shown)]
    answer = format_answer(q, hits, total=total)
    assert answer.lines[-1] == footer
    assert answer.pages == -(-total // 8)


def test_single_page_has_no_footer() -> None:
    assert "Side" not in format_answer(question(), [hit()], total=1).text


def test_beyond_the_last_page() -> None:
    da = format_answer(question("indbrud", page=5), [], total=9)
    assert da.text == "Side 5 findes ikke: svaret har 2 sider. Start med `/referat spørg indbrud`."
    en = format_answer(question("burglary", lang="en", page=3), [], total=3)
    assert en.text == "Page 3 does not exist: the answer has 1 page(s). Start with `/referat ask burglary`."


def test_empty_archive_and_nothing_to_look_for() -> None:
    empty = NoMatchHelp(empty_archive=True)
    assert format_answer(question(), [], total=0, hints=empty).text == (
        "Arkivet er tomt: der er endnu ingen referater at søge i."
    )
    assert "archive is empty" in format_answer(question(lang="en"), [], total=0, hints=empty).text
    blank = question("hvad?", intent="search", topic_terms=(), topic_text="")
    assert format_answer(blank, [], total=0).text.startswith("Hvad vil du vide? Spørg fx `/referat spørg")


def test_no_match_with_everything_the_archive_knows_nearby() -> None:
    hints = NoMatchHelp(
        close_terms=("trekanten", "trekantsområdet"),
        term_counts=(("trekant", 2), ("blomkål", 0)),
        related=(
            ItemRef(1, "Kredsrådsmøde i Holstebro Kommune", dt.date(2024, 3, 19), 3, "Status på punkter:"),
        ),
        without_filters=2,
    )
    q = question(
        "hvad blev besluttet om trekant blomkål i 2023",
        topic_terms=("trekant", "blomkål"),
        topic_text="trekant blomkål",
        period=Period(dt.date(2023, 1, 1), dt.date(2024, 1, 1), "2023"),
    )
    assert format_answer(q, [], total=0, hints=hints).lines == (
        "Jeg fandt ingen beslutninger om «trekant blomkål» i 2023 i referaterne.",
        "Uden afgrænsning (i 2023 og kun beslutninger) nævnes emnet under 2 dagsordenspunkter.",
        "Intet dagsordenspunkt har alle ordene. Punkter med hvert ord: «trekant» 2, «blomkål» 0.",
        "Ord i arkivet, der ligner: trekanten, trekantsområdet.",
        "Beslægtede dagsordenspunkter:",
        "• Ad 3 – Status på punkter (Kredsrådsmøde i Holstebro Kommune, 19. marts 2024)",
    )
    english = format_answer(
        dataclasses.replace(q, lang="en", period=None, intent="search"), [], total=0, hints=hints
    )
    assert english.lines[0] == "I found nothing on «trekant blomkål» in the minutes."
    assert "Words in the archive that look similar: trekanten, trekantsområdet." in english.lines
    assert "• Item 3 – Status på punkter (Kredsrådsmøde i Holstebro Kommune, 19 March 2024)" in english.lines


@pytest.mark.parametrize(
    ("label", "phrase"),
    [
        ("siden januar 2026", "siden januar 2026"),
        ("19. marts 2024", "den 19. marts 2024"),
        ("efteråret 2024", "i efteråret 2024"),
        ("de sidste 3 måneder", "de sidste 3 måneder"),
    ],
)
def test_no_match_period_phrases(label: str, phrase: str) -> None:
    q = question(period=Period(dt.date(2024, 1, 1), dt.date(2024, 2, 1), label))
    assert (
        format_answer(q, [], total=0).lines[0]
        == f"Jeg fandt ingen beslutninger om «Trekanten» {phrase} i referaterne."
    )


def test_counts_the_store_stopped_past_its_bound_read_over() -> None:
    past = COUNTED_UP_TO + 1
    hints = NoMatchHelp(term_counts=(("trekant", past), ("blomkål", 0)), without_filters=past)
    q = question(
        "hvad blev besluttet om trekant blomkål i 2023",
        topic_terms=("trekant", "blomkål"),
        topic_text="trekant blomkål",
        period=Period(dt.date(2023, 1, 1), dt.date(2024, 1, 1), "2023"),
    )
    lines = format_answer(q, [], total=0, hints=hints).lines
    assert (
        "Uden afgrænsning (i 2023 og kun beslutninger) nævnes emnet under mere end "
        f"{COUNTED_UP_TO} dagsordenspunkter." in lines
    )
    assert (
        "Intet dagsordenspunkt har alle ordene. Punkter med hvert ord: "
        f"«trekant» over {COUNTED_UP_TO}, «blomkål» 0." in lines
    )
