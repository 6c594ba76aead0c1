"""A synthetic archive of Danish-looking referater, written straight into a referat database.

Benchmarks need archives far larger than any fixture: `generate(path, meetings=10_000)` writes
about 30 entries per meeting (statements, decisions, action items) with people, agenda items,
topics, place names and dates spread over the years, through the real schema (migrations, FTS
triggers), so what is measured is what production runs. Rows go in with sqlite-utils `insert_all`
inside one transaction with synchronous=OFF; the result is deterministic for a seed.

The text is made to stress the search the way real minutes do: inflected and compound words
(`narkokriminalitet`, `boligområdet`, `indsatsen`), decisions that do not name their topic (the
topic sits in the agenda item), speakers named only inside the text, and a long tail of rare words
so the vocabulary is realistically large. Subjects follow a Zipf distribution (a few at most
meetings, a long tail rarely) and each of 12 districts has its own towns and office holders, so
word frequencies look like a real archive's rather than every word being everywhere. Other
benchmarks may import `generate`, `DISTRICTS`, `PEOPLE`, `TOPICS`, `ALL_TOPICS` and `PLACES`.

Run: `python bench/synthetic.py OUT.db [MEETINGS]`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.connection import connect, migrate
from storage.store import Store


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    "Helle Lars Anders Claus Kåre Frederik Camilla Mette Søren Jens Hanne Bente Ole Niels Pia Rasmus Line "
    "Morten Trine Jesper Louise Henrik Birgitte Torben Signe Mads Anne Jørgen Ida Kasper Maja Thomas Karen "
    "Peter Lene Bo Eva Poul Tine Ulrik Vibeke Allan Gitte Per Rikke Svend Susanne Erik Dorthe"
)
SURNAMES = _words(
    "Kyndesen Hilborg Skjæveland Kirkegaard Sundtoft Slumstrup Østerby Møller Støve Debel Nørgaard Jensen "
    "Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Petersen Madsen "
    "Kristensen Olsen Thomsen Poulsen Johansen Knudsen Mortensen Møgelvang Bækgaard Aagaard Ærenlund "
    "Højbjerg Lykkegaard Dalsgaard Vestergaard Østergaard Holmgaard Skovbo Brøndum Friis Krogh Laursen"
)
TITLES = (
    "Politidirektør",
    "Chefpolitiinspektør",
    "Chefanklager",
    "Vicepolitiinspektør",
    "Politiinspektør",
    "Afdelingschef for Politiets Administrative Center",
    "Juridisk konsulent",
    "Stabschef",
    "Borgmester",
    "Kommunaldirektør",
    "Direktør for Børn og Unge",
    "Direktør for Teknik og Miljø",
    "Socialdirektør",
    "Beredskabschef",
    "SSP-koordinator",
)
_NAMED_PLACES = _words(
    "Trekanten Holstebro Struer Lemvig Herning Ikast Brande Skive Viborg Silkeborg Ringkøbing Skjern Thisted "
    "Tarm Vinderup Aulum Haderup Sevel Ulfborg Hvide Sande Gullestrup Nørrelandsparken Solbakken Åparken "
    "Engparken Skovbrynet Vestervang Højvang Ålykkeparken"
)
_PLACE_START = _words(
    "Vester Øster Nørre Sønder Gammel Ny Store Lille Hjerm Ølgod Bred Lunde Hvid Sand Ring Ege Aa Hald"
)
_PLACE_END = _words("by rup lev sted strup borg vig bjerg holm lund skov dal mark hede vang park")
PLACES = tuple(
    dict.fromkeys([*_NAMED_PLACES, *(f"{a}{b}".capitalize() for a in _PLACE_START for b in _PLACE_END)])
)
# Topics as (agenda title phrase, words statements use): inflected and compound on purpose.
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Forebyggelse af indbrud", ("indbrud", "indbruddene", "indbrudsforebyggelse", "Bo Trygt")),
    (
        "Narkotikakriminalitet",
        ("narkokriminalitet", "narkotika", "narkotikakriminaliteten", "købere af narkotika"),
    ),
    ("Vold i nære relationer", ("vold i familien", "voldsramte", "partnervold", "volden")),
    ("It-kriminalitet", ("it-kriminalitet", "netsvindel", "digitale krænkelser", "it-kriminaliteten")),
    ("Ungdomskriminalitet", ("unge på vej ud i kriminalitet", "ungdomskriminaliteten", "SSP-samarbejdet")),
    ("Psykisk sårbare borgere", ("psykisk syge", "psykisk sårbare", "psykiatrien", "udadreagerende borgere")),
    ("Trafiksikkerhed", ("trafiksikkerheden", "hastighedskontrol", "skolevejene", "færdselsuheld")),
    ("Flerårsaftalen", ("flerårsaftalen", "flerårsaftale for politiet", "økonomien", "afbureaukratisering")),
    (
        "Beredskab og risikovurdering",
        ("beredskabet", "risikovurderinger", "Power-to-x-virksomheder", "brandsyn"),
    ),
    ("Samarbejdsplanen", ("samarbejdsplanen", "prioriterede indsatsområder", "indsatsområdet", "kredsrådet")),
    (
        "Tryghed i boligområderne",
        ("boligområdet", "tryghedsvandringer", "utrygheden", "boligsociale indsatser"),
    ),
    ("Digitalisering", ("digitaliseringen", "effektivisering", "robotter og systemer", "vidensdeling")),
    ("Nattelivet", ("nattelivet", "værtshusene", "ordensforstyrrelser", "beruselse")),
    ("Bandekriminalitet", ("banderne", "rockergrupper", "visitationszonen", "bandekonflikten")),
    ("Sommerens begivenheder", ("jubilæet", "festivalen", "byfesten", "arrangementerne")),
)
# The long tail: rarer subjects an archive also holds, each with its own compound words.
_TOPIC_HEADS = _words(
    "kriminalitet indsats samarbejde forebyggelse tryghed sikkerhed beredskab projekt plan strategi "
    "netværk rådgivning kontrol tilsyn ordning"
)
_TOPIC_MODIFIERS = _words(
    "butiks cykel bil knallert graffiti hærværk brand våben hash kokain dopings alkohol ungdoms skole "
    "ældre handicap misbrugs sms nabo lokal kvarter havne stations park skov strand landbrugs turist "
    "festival natteliv fodbold hunde dyrevelfærds miljø affalds støj trafik parkerings vej storm oversvømmelses "
    "cyber identitets svindel afpresnings radikaliserings ekstremisme bande rocker menneskehandels prostitutions "
    "asyl integrations beskæftigelses bolig hjemløse psykiatri sundheds"
)
TAIL_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (
        f"{modifier.capitalize()}{head}",
        (f"{modifier}{head}", f"{modifier}{head}en", f"{modifier}området", f"{modifier}sager"),
    )
    for modifier in _TOPIC_MODIFIERS
    for head in _TOPIC_HEADS[: 3 + len(modifier) % 4]
)
ALL_TOPICS = TOPICS + TAIL_TOPICS

VERBS = ("orienterede om", "oplyste om", "bemærkede om", "redegjorde for", "gav en status på", "fortalte om")
OPENERS = (
    "Der blev drøftet",
    "Det blev oplyst, at der arbejdes med",
    "Der er fortsat fokus på",
    "Der er gode erfaringer med",
    "Der ønskes en styrket indsats vedrørende",
    "Der var en god dialog om",
)
TAILS = (
    "og samarbejdet mellem kommunen og politiet fungerer godt.",
    "og der forventes en opfølgning på næste møde.",
    "hvor antallet af sager generelt er faldende.",
    "hvilket kræver et tæt tværfagligt samarbejde.",
    "og der er afsat midler til en ny indsats.",
    "som fortsat er et særligt prioriteret område.",
    "og erfaringerne deles med de øvrige kommuner.",
)
DECISIONS = (
    "Der var enighed om at fortsætte det gode samarbejde vedrørende området.",
    "Kredsrådet besluttede at tage orienteringen til efterretning.",
    "Det blev besluttet at nedsætte en arbejdsgruppe.",
    "Indstillingen blev godkendt.",
    "Der var enighed om at drøfte emnet igen på næste møde.",
    "Det blev vedtaget at prioritere indsatsen i den kommende samarbejdsplan.",
)
ACTIONS = (
    "Udarbejde et notat om",
    "Indkalde til temamøde om",
    "Sende status på",
    "Indsamle erfaringer med",
    "Koordinere indsatsen vedrørende",
)
_SYLLABLES = _words(
    "ber bro dal fjord gaard holm kær lund mark rup skov strup sted toft vad vang vig bæk høj mose "
    "ager bjerg eng hede kilde klit næs sø å ø lev bøl by trup sig ring ken lem tor vin aul"
)
_RARE_NOUNS = _words(
    "plan område indsats projekt aftale møde gruppe team netværk rapport analyse strategi ordning pulje "
    "center enhed model forløb"
)


@dataclass(frozen=True)
class Person:
    name: str
    title: str
    organisation: str


@dataclass(frozen=True)
class District:
    """A police district's council: its towns, and two holders of each title (before and after 2019)."""

    places: tuple[str, ...]
    people: tuple[tuple[Person, Person], ...]


def _is_police(title: str) -> bool:
    return title.startswith(("Polit", "Chef", "Vice", "Afdelings", "Juridisk", "Stabs"))


def _districts(rng: random.Random, count: int) -> tuple[District, ...]:
    seen: set[str] = set()

    def person(title: str) -> Person:
        while True:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            if name not in seen:
                seen.add(name)
                return Person(name, title, "politiet" if _is_police(title) else "kommunen")

    places = list(PLACES)
    rng.shuffle(places)
    # Trekanten and Holstebro stay together in the first district, as in the reference referat.
    places.remove("Trekanten")
    places.remove("Holstebro")
    places[0:0] = ["Holstebro", "Trekanten"]
    size = len(places) // count
    return tuple(
        District(
            places=tuple(places[i * size : (i + 1) * size]),
            people=tuple((person(title), person(title)) for title in TITLES),
        )
        for i in range(count)
    )


DISTRICTS: tuple[District, ...] = _districts(random.Random(1), 12)
# The archive spans 60 Slack channels, five per district (a council, its board and working
# groups), as an installation grown over the years does; every tenth is private. Benchmarks set
# up these channels in the stand-in Slack.
TEAM_ID = "T1"
CHANNELS: tuple[str, ...] = tuple(f"CKREDS{d:02d}{n}" for d in range(len(DISTRICTS)) for n in range(5))
PRIVATE_CHANNELS: frozenset[str] = frozenset(CHANNELS[::10])
PEOPLE: tuple[Person, ...] = tuple(p for d in DISTRICTS for pair in d.people for p in pair)
# Topic popularity falls off like word frequencies (Zipf): a few subjects come up at most
# meetings, most only now and then.
TOPIC_WEIGHTS = [1.0 / (rank + 1) for rank in range(len(ALL_TOPICS))]


def _rare_word(rng: random.Random) -> str:
    """A pseudo-Danish compound (`skovlundplanen`): the long tail of a real archive's vocabulary."""
    stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
    return stem + rng.choice(_RARE_NOUNS) + rng.choice(("", "en", "et", "er", "erne", "s"))


def _date(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    start = dt.date(first_year, 1, 1).toordinal()
    end = dt.date(last_year, 11, 20).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def _topics(rng: random.Random, count: int) -> list[tuple[str, tuple[str, ...]]]:
    chosen: dict[str, tuple[str, ...]] = {}
    while len(chosen) < count:
        title, words = rng.choices(ALL_TOPICS, weights=TOPIC_WEIGHTS)[0]
        chosen[title] = words
    return list(chosen.items())


def _meeting_rows(
    rng: random.Random, meeting_id: int, first_participant: int, first_entry: int, entries: int
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    district_number = rng.randrange(len(DISTRICTS))
    district = DISTRICTS[district_number]
    town = rng.choice(district.places)
    date = _date(rng, 2012, 2026)
    meeting = {
        "id": meeting_id,
        "title": f"Kredsrådsmøde i {town} Kommune",
        "date": date.isoformat(),
        "place": f"rådhuset i {town}",
        "status": rng.choice(("imported", "imported", "approved", "open")),
        "channel_id": CHANNELS[district_number * 5 + rng.randrange(5)],
        "team_id": TEAM_ID,
        "created_utc": dt.datetime(date.year, date.month, date.day, 12, tzinfo=dt.UTC).isoformat(),
    }
    era = int(date.year >= 2019)
    group = [pair[era] for pair in rng.sample(district.people, rng.randint(7, 11))]
    participants = [
        {
            "id": first_participant + i,
            "meeting_id": meeting_id,
            "name": p.name,
            "title": p.title,
            "organisation": p.organisation,
            "absent": int(i == len(group) - 1),
            "position": i + 1,
        }
        for i, p in enumerate(group)
    ]
    present = participants[:-1]
    topics = _topics(rng, rng.randint(4, 6))
    items = []
    for number, (title, words) in enumerate(topics, start=1):
        bullets = [f"Status på {rng.choice(words)} i {rng.choice(district.places)}"]
        if rng.random() < 0.5:
            bullets.append(f"Indsats i boligområdet {rng.choice(district.places)}")
        background = (
            [f"Der ønskes en drøftelse af {rng.choice(words)} og {_rare_word(rng)}."]
            if rng.random() < 0.3
            else []
        )
        items.append(
            {
                "meeting_id": meeting_id,
                "number": number,
                "title": title,
                "bullets": json.dumps(bullets, ensure_ascii=False),
                "background": json.dumps(background, ensure_ascii=False),
            }
        )
    rows = []
    for seq in range(1, entries + 1):
        number = min(len(topics), 1 + (seq - 1) * len(topics) // entries)
        _, words = topics[number - 1]
        roll = rng.random()
        speaker = rng.choice(present)
        place = rng.choice(district.places)
        row: dict[str, Any] = {
            "id": first_entry + seq - 1,
            "meeting_id": meeting_id,
            "seq": seq,
            "item_number": number,
            "author_user_id": None,
            "speaker_id": None,
            "owner": None,
            "due": None,
            "attributed": 1,
            "created_utc": meeting["created_utc"],
        }
        if roll < 0.1:
            row.update(kind="decision", text=rng.choice(DECISIONS))
        elif roll < 0.17:
            due = date + dt.timedelta(days=rng.randint(14, 120))
            row.update(
                kind="action",
                text=f"{rng.choice(ACTIONS)} {rng.choice(words)}",
                owner=speaker["name"],
                due=due.isoformat(),
                attributed=0,
            )
        elif roll < 0.55:
            text = (
                f"{speaker['title']} {speaker['name']} {rng.choice(VERBS)} {rng.choice(words)} "
                f"i {place}, {rng.choice(TAILS)[:-1]} med {_rare_word(rng)}."
            )
            row.update(kind="statement", text=text, speaker_id=speaker["id"] if rng.random() < 0.5 else None)
        elif roll < 0.75:
            row.update(
                kind="statement",
                text=f"{rng.choice(OPENERS)} {rng.choice(words)} {rng.choice(TAILS)}",
                speaker_id=speaker["id"],
                attributed=0,
            )
        else:
            row.update(
                kind="statement",
                text=f"{rng.choice(OPENERS)} {_rare_word(rng)} og {rng.choice(words)} {rng.choice(TAILS)}",
            )
        rows.append(row)
    return meeting, participants, items, rows


def _batches(
    rng: random.Random, meetings: int, entries: int
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]]:
    participant_id, entry_id = 1, 1
    batch: tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]] = (
        [],
        [],
        [],
        [],
    )
    for meeting_id in range(1, meetings + 1):
        meeting, people, items, rows = _meeting_rows(rng, meeting_id, participant_id, entry_id, entries)
        participant_id += len(people)
        entry_id += len(rows)
        batch[0].append(meeting)
        batch[1].extend(people)
        batch[2].extend(items)
        batch[3].extend(rows)
        if meeting_id % 500 == 0 or meeting_id == meetings:
            yield batch
            batch = ([], [], [], [])


def generate(path: str | Path, meetings: int, *, seed: int = 7, entries_per_meeting: int = 30) -> int:
    """Write a new archive of `meetings` meetings at `path` (must not exist); return the entry count."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    migrate(path)
    db = connect(path)
    db.execute("PRAGMA synchronous=OFF")
    rng = random.Random(seed)
    count = 0
    try:
        with db.atomic():
            for meeting_rows, participants, items, entries in _batches(rng, meetings, entries_per_meeting):
                db.table("meetings").insert_all(meeting_rows, batch_size=500)
                db.table("participants").insert_all(participants, batch_size=1000)
                db.table("agenda_items").insert_all(items, batch_size=1000)
                db.table("entries").insert_all(entries, batch_size=1000)
                count += len(entries)
        store = Store(db)
        store.flush_search_documents()
        # As `referat import` leaves an archive it filled (storage/index_upkeep.py).
        store.merge_search_indexes()
        db.execute("PRAGMA optimize")
    finally:
        db.close()
    return count


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print("usage: python bench/synthetic.py OUT.db [MEETINGS]", file=sys.stderr)
        return 2
    started = time.perf_counter()
    entries = generate(argv[0], int(argv[1]) if len(argv) > 1 else 1000)
    print(f"{entries} entries in {time.perf_counter() - started:.1f} s → {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
