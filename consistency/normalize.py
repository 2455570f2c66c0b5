"""How two agencies' wordings of a fact are made comparable: places, phone numbers and radio channels.

Pure functions, no database. The rules (and their known limits) are listed in README.md under
"Conflicts between plans"; the USPS table below is the only place abbreviations are defined.
"""

import math
import re
import unicodedata
from decimal import Decimal

# USPS Publication 28: street suffixes (Appendix C1, the common ones) and directionals (Appendix B).
# Every spelling on the left becomes the abbreviation on the right, wherever the word stands.
USPS_ABBREVIATIONS: dict[str, str] = {
    # suffixes
    "alley": "aly",
    "avenue": "ave",
    "av": "ave",
    "boulevard": "blvd",
    "circle": "cir",
    "court": "ct",
    "crossing": "xing",
    "drive": "dr",
    "expressway": "expy",
    "freeway": "fwy",
    "heights": "hts",
    "highway": "hwy",
    "lane": "ln",
    "parkway": "pkwy",
    "pky": "pkwy",
    "place": "pl",
    "plaza": "plz",
    "road": "rd",
    "route": "rte",
    "square": "sq",
    "street": "st",
    "str": "st",
    "terrace": "ter",
    "trail": "trl",
    "turnpike": "tpke",
    "center": "ctr",
    "centre": "ctr",
    # directionals
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
}

# Apostrophes vanish ("St. Mark's" = "St Marks"); any other punctuation separates words.
_APOSTROPHES = re.compile("['`\u2018\u2019]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_NOT_ALNUM_UPPER = re.compile(r"[^0-9A-Z]+")
_NOT_DIGIT = re.compile(r"\D+")
# Great-circle distance on a sphere of the Earth's mean radius (IUGG), good to ~0.5% at building scale.
EARTH_RADIUS_M = 6_371_008.8
SAME_PLACE_METRES = 50.0


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalize_text(text: str) -> str:
    """Casefold, drop accents and punctuation, collapse spaces, USPS abbreviations, "&" as "and", no leading "the"."""
    text = _without_accents(text).casefold().replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    words = [USPS_ABBREVIATIONS.get(word, word) for word in _NOT_WORD.sub(" ", text).split()]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def normalize_phone(text: str) -> str:
    """E.164 digits with a leading "+": a 10-digit number is taken as North American (country code 1)."""
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) == 10:
        digits = "1" + digits
    return f"+{digits}" if digits else ""


def normalize_radio(text: str) -> str:
    """A radio channel or talkgroup by its letters and digits only, upper case ("LC Schools-1" = "LC SCHOOLS 1")."""
    return _NOT_ALNUM_UPPER.sub("", _without_accents(text).upper())


def distance_metres(
    first: tuple[float | Decimal, float | Decimal], second: tuple[float | Decimal, float | Decimal]
) -> float:
    """Haversine distance in metres between two (latitude, longitude) points in degrees."""
    lat1, lon1 = (math.radians(float(value)) for value in first)
    lat2, lon2 = (math.radians(float(value)) for value in second)
    half = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(half)))
