"""How fast "Ask the archive" answers over a large archive: question in, formatted answer out.

Builds a synthetic archive of 10,000 meetings (~300,000 entries) once into bench/out/ (gitignored),
then measures: opening the database (StoreOpener: migration check and connection), the first
question (which loads and caches the vocabulary and people), ~200 mixed questions in both
languages over every intent, with date filters, typos, æ/ø/å spellings and search-syntax garbage,
and then each kind of fact question on its own (attendance, apologies, minute-taker, a person's
title, place, agenda, a meeting's date, an item by number, "when", the next meeting, a first name
several people share, a person's actions, open actions), Danish and English.
Prints p50/p99/max, overall and per kind. Goals: p50 ≤ 20 ms, p99 ≤ 100 ms for every kind, open
well under a second.

Run: `python bench/bench_ask.py [MEETINGS]` (from the repository root).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import ALL_TOPICS, PEOPLE, PLACES, TOPIC_WEIGHTS, generate
from bot.archive.ask import answer_question, archive_state
from bot.text.dates import warm_up
from storage.search import EVERYTHING
from storage.store import Store, StoreOpener

OUT = Path(__file__).resolve().parent / "out"
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))

DA_PERIODS = (
    "",
    "",
    "",
    " i marts 2024",
    " i 2023",
    " sidste år",
    " siden januar",
    " i efteråret 2024",
    " i 2019",
)
EN_PERIODS = ("", "", " in March 2024", " in 2023", " last year", " since January", " in autumn 2024")
ROLES_DA = ("politidirektøren", "borgmesteren", "kommunaldirektøren", "chefanklageren", "beredskabschefen")
ROLES_EN = ("the police director", "the mayor", "the chief prosecutor")
GARBAGE = ('" AND ( * NEAR -', '"""', "*", "NOT", "-it-kriminalitet", "OR OR OR", "narko*", "(indbrud")


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _ascii(word: str) -> str:
    return word.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def questions(count: int = 200, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        # People ask about what the archive holds: common subjects often, the long tail now and then.
        title, words = rng.choices(ALL_TOPICS, weights=TOPIC_WEIGHTS)[0]
        word = rng.choice(words)
        person = rng.choice(PEOPLE)
        place = rng.choice(PLACES)
        roll = rng.randrange(14)
        da_period, en_period = rng.choice(DA_PERIODS), rng.choice(EN_PERIODS)
        if roll == 0:
            out.append(f"hvad blev besluttet om {word}{da_period}?")
        elif roll == 1:
            out.append(f"hvad blev besluttet om {place}{da_period}?")
        elif roll == 2:
            out.append(f"what was decided on {place}{en_period}")
        elif roll == 3:
            out.append(f"hvad sagde {person.name} om {word}{da_period}")
        elif roll == 4:
            out.append(f"hvad sagde {rng.choice(ROLES_DA)} om {word}{da_period}")
        elif roll == 5:
            out.append(f"what did {rng.choice(ROLES_EN)} say about {place}{en_period}")
        elif roll == 6:
            out.append(f"hvem orienterede om {word}{da_period}?")
        elif roll == 7:
            out.append(f"hvilke opgaver blev aftalt om {word}{da_period}")
        elif roll == 8:
            out.append(f"{word}{da_period}")
        elif roll == 9:
            out.append(_typo(word.split()[0], rng))
        elif roll == 10:
            out.append(_ascii(f"hvad sagde {person.name}"))
        elif roll == 11:
            out.append(rng.choice(GARBAGE))
        elif roll == 12:
            out.append(f"hvad blev besluttet{da_period or ' i marts 2024'}")
        else:
            out.append(f"{title.lower()} {place} side 2")
    return out


def _first_names() -> list[str]:
    return sorted({p.name.split()[0] for p in PEOPLE})


def kinds(per_kind: int = 40, seed: int = 5) -> dict[str, list[str]]:
    """Questions of each fact kind, half Danish and half English, over places, people and periods."""
    rng = random.Random(seed)
    firsts = _first_names()

    def make(*forms: str) -> list[str]:
        out = []
        for i in range(per_kind):
            person = rng.choice(PEOPLE)
            _, words = rng.choices(ALL_TOPICS, weights=TOPIC_WEIGHTS)[0]
            out.append(
                forms[i % len(forms)].format(
                    place=rng.choice(PLACES),
                    person=person.name,
                    first=rng.choice(firsts),
                    word=rng.choice(words),
                    n=rng.randint(1, 6),
                    year=rng.randint(2013, 2026),
                )
            )
        return out

    return {
        "attendance": make(
            "hvem deltog i kredsrådsmødet i {place}?",
            "who attended the meeting in {place} in {year}?",
            "hvem var til stede på det seneste kredsrådsmøde?",
        ),
        "apologies": make("hvem havde afbud i {place}?", "who sent apologies to the latest meeting?"),
        "minute-taker": make("hvem var referent på mødet i {place}?", "who took the minutes in {year}?"),
        "title": make("hvad er {person}s titel?", "what is {person}'s title?", "hvem er {person}?"),
        "place": make("hvor blev det seneste kredsrådsmøde holdt?", "where was the meeting in {place} held?"),
        "agenda": make(
            "dagsorden for mødet i {place} i {year}", "what was on the agenda of the latest meeting?"
        ),
        "meeting date": make(
            "hvornår var det seneste møde i {place}?", "when was the latest kredsråd meeting?"
        ),
        "item by number": make(
            "hvad blev drøftet under punkt {n} i {place}?", "item {n} of the latest meeting", "pkt. {n}"
        ),
        "when": make("hvornår blev {word} drøftet?", "when was {word} discussed in {place}?"),
        "next meeting": make("hvornår er næste møde i {place}?", "when is the next meeting?"),
        "first name": make("hvad sagde {first}?", "what did {first} say about {word}?"),
        "person's actions": make("hvilke opgaver har {person}?", "what must {person} do?"),
        "open actions": make("hvilke opgaver er åbne?", "which action items are open in {place}?"),
    }


def _percentiles(timings: list[float]) -> tuple[float, float, float]:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
    return statistics.median(ordered), p99, ordered[-1]


def _measure(store: Store, label: str, asked: list[str], slowest: list[tuple[float, str]]) -> str:
    """Ask every question; one line of wall-clock and CPU percentiles (slowest questions noted)."""
    wall, cpu = [], []
    for question in asked:
        started, started_cpu = time.perf_counter(), time.process_time()
        answer = answer_question(store, question, now=NOW, scope=EVERYTHING)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        slowest.append((wall[-1], question))
        assert len(answer.text) <= 3500, question
    p50, p99, most = _percentiles(wall)
    c50, c99, _ = _percentiles(cpu)
    return (
        f"{label} {len(wall)} questions: p50 {_ms(p50)}, p99 {_ms(p99)}, max {_ms(most)}"
        f"; CPU p50 {_ms(c50)}, p99 {_ms(c99)}"
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main(argv: list[str]) -> int:
    meetings = int(argv[0]) if argv else 10_000
    OUT.mkdir(exist_ok=True)
    path = OUT / f"archive-{meetings}.db"
    if not path.exists():
        started = time.perf_counter()
        entries = generate(path, meetings)
        print(f"generated {meetings} meetings, {entries} entries in {time.perf_counter() - started:.1f} s")
    warm_up()

    started = time.perf_counter()
    store = StoreOpener(path)()
    opened = time.perf_counter() - started
    print(f"open database: {_ms(opened)}")

    started = time.perf_counter()
    state = archive_state(store)
    loaded = time.perf_counter() - started
    print(f"vocabulary + people load (first question only): {_ms(loaded)} ({len(state.vocabulary)} terms)")

    # Wall clock and CPU time of this process: on a shared machine the CPU time says what an
    # answer costs when the cores are not busy with other work.
    slowest: list[tuple[float, str]] = []
    print(_measure(store, "mixed questions:", questions(), slowest))
    for kind, asked in kinds().items():
        print(_measure(store, f"  {kind:<17}", asked, slowest))
    print("slowest:")
    for elapsed, question in sorted(slowest, reverse=True)[:8]:
        print(f"  {_ms(elapsed):>9}  {question}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
