"""The live referat in a channel's canvas: the public extract of the meeting, cut into sections.

Everyone in the room watches the referat grow in the channel's canvas, so the canvas shows the
meeting as the draft would (bot.referat.compile), in the referat's Danish form, but only what every
member of the channel may read: the public extract, where a closed item keeps its heading and says
it is treated behind closed doors. It is cut into sections that each start with a header, so that a
change touches only its own section (bot.slack.canvas writes them, one edit per changed section):
the head (title, place, status), the people, the agenda, the opening remarks, one per `Ad N`, and the
closing. Pure: a `Referat` in, `(key, markdown)` pairs out.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.referat.compile import CLOSED_DOORS, Referat, escape_markdown

# While the meeting is held the closed item is being treated, not yet done with.
CLOSED_NOW = "Punktet behandles for lukkede døre."
LIVE = "🟢 Mødet er i gang. Referatet skrives her, mens det sker."
APPROVED = "✅ **Godkendt**"
COPY_NOTE = (
    "_Lærredet er en kopi, som botten skriver. Referatet er den godkendte tekst i arkivet; rettelser her "
    "ændrer det ikke, og botten skriver dem over ved næste ændring._"
)
PREVIOUS = "Forrige møde i kanalen"


@dataclass(frozen=True)
class CanvasSection:
    key: str  # stable per meeting: "head", "people", "agenda", "opening", "ad-3", "closing"
    markdown: str  # starts with its header, so the canvas keeps it as one section


def canvas_sections(
    referat: Referat, *, approval: str | None = None, previous: str | None = None
) -> tuple[CanvasSection, ...]:
    """The sections of the canvas for a meeting.

    `approval`: the approved referat's approval line, once there is one; `previous`: a line naming
    the meeting whose canvas this one took over.
    """
    approved = approval is not None
    head = [f"# {escape_markdown(referat.title)}"]
    if referat.place:
        head.append(escape_markdown(referat.place))
    head.append(f"{APPROVED} – {escape_markdown(approval)}" if approval is not None else LIVE)
    if previous:
        head.append(f"{PREVIOUS}: {escape_markdown(previous)}")
    head.append(COPY_NOTE)
    sections = [CanvasSection("head", "\n\n".join(head))]

    people: list[str] = []
    for label, groups in (("Deltagere", referat.participants), ("Afbud", referat.absent)):
        if not groups:
            continue
        people.append(f"**{label}**")
        for group in groups:
            if group.heading:
                people.append(escape_markdown(group.heading))
            people.append("\n".join(f"- {escape_markdown(person)}" for person in group.people))
    people += [escape_markdown(line) for line in referat.attendance]
    sections.append(
        CanvasSection(
            "people", "\n\n".join(["## Deltagere", *people] if people else ["## Deltagere", "Ingen endnu."])
        )
    )

    agenda = [f"{item.number}. {escape_markdown(item.title)}" for item in referat.agenda]
    sections.append(
        CanvasSection("agenda", "## Dagsorden\n\n" + ("\n".join(agenda) if agenda else "Ingen endnu."))
    )
    if referat.opening:
        sections.append(CanvasSection("opening", "## Referat\n\n" + escape_markdown(referat.opening)))
    for section in referat.sections:
        paragraphs = [CLOSED_NOW if p == CLOSED_DOORS and not approved else p for p in section.paragraphs]
        body = "\n\n".join(escape_markdown(p) for p in paragraphs) or "_Intet noteret endnu._"
        sections.append(
            CanvasSection(f"ad-{section.number}", f"### {escape_markdown(section.heading)}\n\n{body}")
        )
    closing = [escape_markdown(line) for line in (referat.referent, approval, *referat.additions) if line]
    if closing:
        sections.append(CanvasSection("closing", "## Underskrift\n\n" + "\n\n".join(closing)))
    return tuple(sections)
