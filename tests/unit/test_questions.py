"""Questions to the archive: language, intent, topic, speaker, period and page; term expansion."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from bot.archive import vocabulary as v
from bot.archive.question import (
    PeopleIndex,
    PersonRef,
    Vocabulary,
    detect_language,
    fold,
    index_form,
    parse_question,
    role_noun,
    split_page,
    term_alternatives,
)

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))

PEOPLE = (
    PersonRef("H.C. Østerby", "Borgmester"),
    PersonRef("Lars Møller", "Kommunaldirektør"),
    PersonRef("Helle Støve", "Direktør for Børn og Unge"),
    PersonRef("Anders Debel", "Direktør for Teknik og Miljø"),
    PersonRef("Helle Kyndesen", "Politidirektør"),
    PersonRef("Jens Hansen", "Politidirektør"),
    PersonRef("Claus Hilborg", "Chefpolitiinspektør"),
    PersonRef("Frederik Sundtoft", "Vicepolitiinspektør, fg., Holstebro-Thisted Lokalpoliti"),
    PersonRef("Camilla Hermann Slumstrup", "Juridisk konsulent"),
)


def d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


@pytest.mark.parametrize(
    ("text", "lang", "intent", "terms", "speakers", "period"),
    [
        ("hvad blev besluttet om Trekanten?", "da", "decisions", ("trekanten",), (), None),
        ("what was decided on Trekanten", "en", "decisions", ("trekanten",), (), None),
        ("hvad blev besluttet i marts 2024", "da", "decisions", (), (), (d(2024, 3, 1), d(2024, 4, 1))),
        (
            "hvad sagde Helle Støve om narkokriminalitet",
            "da",
            "statements",
            ("narkokriminalitet",),
            ("Helle Støve",),
            None,
        ),
        (
            "hvad sagde politidirektøren om flerårsaftalen",
            "da",
            "statements",
            ("flerårsaftalen",),
            ("Helle Kyndesen", "Jens Hansen"),
            None,
        ),
        ("hvem orienterede om Bo Trygt?", "da", "who", ("bo trygt",), (), None),
        ("hvilke opgaver blev aftalt om indsatsområdet", "da", "actions", ("indsatsområdet",), (), None),
        ("indbrud", "da", "search", ("indbrud",), (), None),
        # The role someone was chosen for is a topic, not a question for a task's owner.
        (
            "hvem blev valgt som økonomisk ansvarlig?",
            "da",
            "who",
            ("valgt", "økonomisk", "ansvarlig"),
            (),
            None,
        ),
        ("hvem er ansvarlig for kaffen?", "da", "actions", ("kaffen",), (), None),
        # `hvor stort` asks how much: the minutes write an amount, not the word.
        ("hvor stort er årets overskud?", "da", "search", ("årets", "overskud"), (), None),
        ("hvornår holder rådet møder i 2015?", "da", "when", ("rådet",), (), (d(2015, 1, 1), d(2016, 1, 1))),
        ("hvad blev besluttet i 2023", "da", "decisions", (), (), (d(2023, 1, 1), d(2024, 1, 1))),
        (
            "hvad blev drøftet om indbrud sidste år",
            "da",
            "statements",
            ("indbrud",),
            (),
            (d(2025, 1, 1), d(2026, 1, 1)),
        ),
        ("narko siden januar", "da", "search", ("narko",), (), (d(2026, 1, 1), d(2026, 11, 28))),
        ("hvad blev besluttet i efteråret 2024", "da", "decisions", (), (), (d(2024, 9, 1), d(2024, 12, 1))),
        ("what was decided since January", "en", "decisions", (), (), (d(2026, 1, 1), d(2026, 11, 28))),
        (
            "what did the police director say about burglaries last year",
            "en",
            "statements",
            ("burglaries",),
            ("Helle Kyndesen", "Jens Hansen"),
            (d(2025, 1, 1), d(2026, 1, 1)),
        ),
        ("who talked about Trekanten", "en", "who", ("trekanten",), (), None),
        ("which tasks were agreed about housing", "en", "actions", ("housing",), (), None),
        ("hvad sagde borgmesteren om jubilæet", "da", "statements", ("jubilæet",), ("H.C. Østerby",), None),
        (
            "hvad sagde direktøren for børn og unge om narko",
            "da",
            "statements",
            ("narko",),
            ("Helle Støve",),
            None,
        ),
        ("hvad sagde helle stove om unge", "da", "statements", ("unge",), ("Helle Støve",), None),
        ("hvad sagde Hilborg om indbrud", "da", "statements", ("indbrud",), ("Claus Hilborg",), None),
        ("hvad sagde H.C. Østerby", "da", "statements", (), ("H.C. Østerby",), None),
        # A first name that fits no one called Kyndesen is someone else: no speaker, a topic.
        ("hvad sagde Mette Kyndesen om indbrud", "da", "statements", ("mette kyndesen", "indbrud"), (), None),
        (
            "hvad blev besluttet om samarbejdsplanen for 2025",
            "da",
            "decisions",
            ("samarbejdsplanen", "2025"),
            (),
            None,
        ),
        ("hvem skal følge op på nabohjælp", "da", "actions", ("nabohjælp",), (), None),
        ("-it-kriminalitet", "da", "search", ("it-kriminalitet",), (), None),
        ("hvad er status på konsulenter", "da", "search", ("status", "konsulenter"), (), None),
        ("what's been said about Trekanten", "en", "statements", ("trekanten",), (), None),
    ],
)
def test_parse_question(
    text: str,
    lang: str,
    intent: str,
    terms: tuple[str, ...],
    speakers: tuple[str, ...],
    period: tuple[dt.date, dt.date] | None,
) -> None:
    question = parse_question(text, now=NOW, known_people=PEOPLE)
    assert question.lang == lang
    assert question.intent == intent
    assert question.topic_terms == terms
    found = tuple(sorted({p.name for p in question.speaker.people})) if question.speaker else ()
    assert found == tuple(sorted(speakers))
    got = (question.period.start, question.period.end) if question.period else None
    assert got == period


@pytest.mark.parametrize(
    ("text", "page", "rest"),
    [
        ("hvad blev besluttet om Trekanten side 2", 2, "hvad blev besluttet om Trekanten"),
        ("what was decided on Trekanten page 3", 3, "what was decided on Trekanten"),
        ("indbrud, side 12?", 12, "indbrud"),
        ("indbrud (side 2)", 2, "indbrud"),
        ("hvad står der på side", None, "hvad står der på side"),
        ("side 2", None, "side 2"),
    ],
)
def test_split_page(text: str, page: int | None, rest: str) -> None:
    assert split_page(text) == (rest, page)


def test_page_from_question_wins_over_parameter() -> None:
    assert parse_question("indbrud side 3", now=NOW, page=2).page == 3
    assert parse_question("indbrud", now=NOW, page=2).page == 2
    assert parse_question("indbrud", now=NOW, page=0).page == 1


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("hvad blev besluttet om Trekanten?", "da"),
        ("indbrud", "da"),
        ("Trekanten", "da"),
        ("what was decided on Trekanten", "en"),
        ("who said what about the budget", "en"),
        ("hvad sagde Helle Støve", "da"),
        ("decisions on Østerby", "en"),
        ("burglary", "da"),  # one word tells nothing: Danish, the default
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_speaker_words_removed_from_topic_and_role_is_flagged() -> None:
    question = parse_question("hvad sagde politidirektøren om flerårsaftalen", now=NOW, known_people=PEOPLE)
    assert question.speaker is not None
    assert question.speaker.by_role
    assert question.speaker.words == "politidirektøren"
    assert {p.title for p in question.speaker.people} == {"Politidirektør"}
    named = parse_question("hvad sagde Helle Støve om narko", now=NOW, known_people=PeopleIndex(PEOPLE))
    assert named.speaker is not None
    assert not named.speaker.by_role
    assert named.speaker.words == "Helle Støve"


@pytest.mark.parametrize(
    ("title", "noun"),
    [
        ("Politidirektør", "politidirektoer"),
        ("Direktør for Børn og Unge", "direktoer"),
        ("Vicepolitiinspektør, fg., Holstebro-Thisted Lokalpoliti", "vicepolitiinspektoer"),
        ("Juridisk konsulent (referent)", "konsulent"),
        ("Afdelingschef for Politiets Administrative Center", "afdelingschef"),
        (None, None),
        ("", None),
    ],
)
def test_role_noun(title: str | None, noun: str | None) -> None:
    assert role_noun(title) == noun


@pytest.mark.parametrize(
    ("word", "index", "key"),
    [
        ("Østerby", "østerby", "oesterby"),
        ("Århus", "arhus", "arhus"),
        ("Aarhus", "aarhus", "arhus"),
        ("FÆLLES", "fælles", "faelles"),
        ("café", "cafe", "cafe"),
    ],
)
def test_folding(word: str, index: str, key: str) -> None:
    assert index_form(word) == index
    assert fold(word) == key


VOCABULARY = Vocabulary(
    [
        ("trekanten", 3),
        ("trekantens", 1),
        ("narkokriminalitet", 2),
        ("narkotikakriminalitet", 4),
        ("narkotika", 2),
        ("østerby", 1),
        ("flerarsaftalen", 2),
        ("flerarsaftale", 1),
        ("samarbejdsplanen", 5),
        ("indbrud", 6),
        ("indbruddene", 1),
        ("indbrudsforebyggelse", 1),
        ("unge", 9),
        ("tunge", 2),
        ("politiet", 8),
        ("politik", 3),
        ("it", 2),
        ("kriminalitet", 3),
        ("vold", 3),
        ("partnervold", 1),
    ]
)


@pytest.mark.parametrize(
    ("word", "expected", "unexpected"),
    [
        ("trekant", {"trekanten", "trekantens"}, set()),
        ("Trekanten", {"trekanten", "trekantens"}, set()),
        ("narko", {"narkokriminalitet", "narkotikakriminalitet", "narkotika"}, set()),
        ("osterby", {"østerby"}, set()),
        ("oesterby", {"østerby"}, set()),
        ("flerårsaftalen", {"flerarsaftalen", "flerarsaftale"}, set()),
        ("fleraarsaftalen", {"flerarsaftalen"}, set()),
        ("samarbejdsplanne", {"samarbejdsplanen"}, set()),  # typo
        ("indbrud", {"indbrud", "indbruddene", "indbrudsforebyggelse"}, set()),
        ("unge", {"unge"}, {"tunge"}),  # a one-letter "modifier" is no compound
        ("politiet", {"politiet"}, {"politik"}),
        ("vold", {"vold", "partnervold"}, set()),
        ("kriminaliteten", {"kriminalitet", "narkokriminalitet", "narkotikakriminalitet"}, set()),
    ],
)
def test_expand(word: str, expected: set[str], unexpected: set[str]) -> None:
    found = set(VOCABULARY.expand(word))
    assert expected <= found
    assert not unexpected & found


def test_alternatives_keep_the_word_itself_and_build_phrases() -> None:
    # A word logged after the vocabulary was loaded is still searched exactly.
    assert "blomkål" not in VOCABULARY.expand("blomkål")
    assert term_alternatives("blomkål", VOCABULARY) == ("blomkal",)
    assert term_alternatives("it-kriminalitet", VOCABULARY) == ("it kriminalitet",)
    assert term_alternatives("bo trygt", VOCABULARY) == ()  # "bo" and "trygt" are unknown
    assert term_alternatives('" AND (', VOCABULARY) == ("and",)


def test_english_words_reach_danish_minutes() -> None:
    assert "indbrud" in term_alternatives("burglaries", VOCABULARY, lang="en")
    # A Danish question with a word the minutes never use tries the glossary too.
    assert "indbrud" in term_alternatives("burglary", VOCABULARY, lang="da")
    assert "narkotika" in term_alternatives("drugs", VOCABULARY, lang="en")


def test_nearest_suggests_similar_known_words() -> None:
    assert VOCABULARY.nearest("trekanter")[:1] == ["trekanten"]
    assert VOCABULARY.nearest("xy") == []


@pytest.mark.parametrize(
    "text",
    [
        '" AND ( * NEAR -',
        '"""',
        "*",
        "NOT",
        "-it-kriminalitet",
        "OR OR",
        "col:text",
        "^",
        "{a b}",
        "",
        "   ",
        "?",
    ],
)
def test_garbage_parses(text: str) -> None:
    question = parse_question(text, now=NOW, known_people=PEOPLE)
    assert question.page == 1
    assert all(term.strip() for term in question.topic_terms)


def test_a_word_the_archive_holds_is_meant_as_written_and_an_unknown_one_may_be_a_typo() -> None:
    typos = Vocabulary([("trekanten", 5), ("trekanter", 2), ("trekatnen", 1)])
    # Known: its inflections count; the archive's lone misspelling is another word.
    assert set(typos.expand("trekanten")) == {"trekanten", "trekanter"}
    # Unknown: read as a typo of the words it is close to.
    assert "trekanten" in typos.expand("trekantne")


def test_compounds_a_word_starts_or_ends_are_found_by_search_and_the_packed_layout_reads_the_same() -> None:
    words = Vocabulary(
        [
            ("vold", 3),
            ("voldsramte", 2),  # starts with it
            ("partnervold", 1),  # ends with it
            ("partnervolden", 1),  # ends with it and an ending
            ("ovold", 1),  # a one-letter "first part" is no compound
            ("boligvoldsindsatsen", 1),  # in the middle of a compound: not meant
        ]
    )
    assert set(words.expand("vold")) == {"vold", "voldsramte", "partnervold", "partnervolden"}
    # What a new process reads back from the stored layout answers alike.
    again = Vocabulary(words.packed)
    assert again.expand("vold") == words.expand("vold")
    assert again.frequency(["partnervold"]) == 1
    assert again.knows("PARTNERVOLD")


def test_searches_over_a_vocabulary_much_larger_than_its_samples_find_what_a_scan_finds() -> None:
    """Binary searches run over every SAMPLE_STEP-th key first; ranges that cross many samples,
    a lone key, keys at either end and words the vocabulary lacks all read as a plain scan does."""
    rng = random.Random(7)
    stems = ["vold", "bil", "indbrud", "trafik", "skole", "a", "zz", "øst", "aarhus"]
    words = {
        rng.choice(["", "partner", "bolig", "nar", "x"])
        + s
        + rng.choice(v.ENDINGS)
        + rng.choice(["", "sag", "sager"])
        for s in stems
        for _ in range(400)
    }
    vocab = Vocabulary([(w, 1) for w in sorted(words)])
    keys = [vocab._keys[i] for i in range(len(vocab._keys))]
    assert len(keys) > 20 * v.SAMPLE_STEP
    probes = [*stems, "partnervold", "", "0", "ø", "zzz", "\u00ff", keys[0], keys[-1], *rng.sample(keys, 40)]
    for probe in probes:
        assert list(vocab._lookup(probe)) == [i for i, k in enumerate(keys) if k == probe]
        assert list(vocab._starting(probe)) == [i for i, k in enumerate(keys) if k.startswith(probe)]
        assert sorted(vocab._ending(probe)) == [i for i, k in enumerate(keys) if k.endswith(probe)]
    cold = [vocab.expand(w) for w in ("voldsager", "trafkk", "boligindbrud", "skolen")]
    vocab._cache.clear()
    vocab.warm()
    assert {key[:1] for key in keys} == set(vocab._buckets)
    assert [vocab.expand(w) for w in ("voldsager", "trafkk", "boligindbrud", "skolen")] == cold
