"""Plausible plan text for generated data: section structures of the federal school EOP guide and body paragraphs."""

import random

from plans.section_outlines import GENERIC_SECTIONS, SCHOOL_EOP_SECTIONS

PLACES = ["north field", "stadium", "gymnasium", "church parking lot", "library", "bus loop", "east lot", "track"]
ROLES = ["principal", "SRO", "incident commander", "nurse", "custodian", "front office", "counselor", "fire captain"]
CHANNELS = ["PD TAC 2", "FIRE OPS 3", "EMS 1", "County Interop 5", "School Ops A"]
SENTENCES = [
    "On a lockdown announcement, staff lock classroom doors, turn off lights and move students out of sight.",
    "The {role} takes attendance and reports missing students to the command post at the {place}.",
    "Evacuation routes are posted in every room; the primary assembly area is the {place}.",
    "Responders stage at the {place}; the unified command post is set up with the {role}.",
    "Radio traffic moves to {channel} once the first unit arrives on scene.",
    "Family reunification takes place at the {place}; parents bring photo identification.",
    "The {role} keeps the building's floor plans, keys and access cards in the red go-bag.",
    "Shelter-in-place rooms are interior rooms without windows on the lowest floor.",
    "Drills are held twice per semester and reviewed with police and fire within two weeks.",
    "After any incident the {role} leads a hot wash and records changes to this plan.",
    "Students with access and functional needs have a named adult assigned in every drill.",
    "The district notifies families by text and e-mail; no statement is given before command approves it.",
    "Severe weather: move to the interior corridors of the first floor and away from the gymnasium roof.",
    "Hazardous materials release upwind: close dampers, shut down air handlers and shelter in place.",
    "The {role} confirms with {channel} that all classrooms have been cleared before re-entry.",
]


def _paragraph(rng: random.Random) -> str:
    return " ".join(
        rng.choice(SENTENCES).format(place=rng.choice(PLACES), role=rng.choice(ROLES), channel=rng.choice(CHANNELS))
        for _ in range(rng.randint(2, 4))
    )


def body_pool(rng: random.Random, size: int = 600) -> list[str]:
    """Markdown section bodies of 200 to about 1,000 characters, reused across sections to keep generation fast."""
    bodies = []
    for _ in range(size):
        paragraphs = [_paragraph(rng) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.4:
            paragraphs.append("\n".join(f"- {rng.choice(ROLES).capitalize()}: {rng.choice(PLACES)}" for _ in range(3)))
        bodies.append("\n\n".join(paragraphs))
    return bodies


def section_outline(*, school: bool, count: int) -> list[tuple[str, str]]:
    """`count` (key, title) pairs: the basic plan first, then annexes, as the EOP guide orders them."""
    rows = SCHOOL_EOP_SECTIONS if school else GENERIC_SECTIONS + SCHOOL_EOP_SECTIONS[10:]
    return [(key, title) for key, title, _ in rows[: min(count, len(rows))]]
