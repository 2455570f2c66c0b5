"""Phone numbers of building contacts: checked on the way in, dialled from a tel: link on the way out."""

import re

from portal.errors import InvalidInputError

# What people type: digits with spaces, dashes, dots, brackets, a leading + and an extension ("x12", "ext. 12").
_ALLOWED = re.compile(r"^\+?[0-9 ().\-]+((x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE)
MIN_DIGITS, MAX_DIGITS = 3, 15  # 911-style short numbers up to E.164's longest


def phone_clean(value: str, *, field: str, required: bool = True) -> str:
    """The number as typed (trimmed), or InvalidInputError naming `field` when it is not a phone number."""
    value = " ".join(value.split())
    if not value:
        if required:
            raise InvalidInputError("Enter a phone number.", field=field)
        return ""
    main = re.split(r"(?i)x|ext", value)[0]
    digits = sum(ch.isdigit() for ch in main)
    if not _ALLOWED.match(value) or not MIN_DIGITS <= digits <= MAX_DIGITS:
        raise InvalidInputError(
            "Enter a phone number: digits, with spaces, dashes or brackets if you like (e.g. 555-0142 or "
            "+1 555 014 2000 x12).",
            field=field,
        )
    return value


def tel_href(value: str) -> str:
    """The tel: URL of a checked number: its + and digits, an extension as a pause (`,`)."""
    parts = re.split(r"(?i)x|ext\.?", value, maxsplit=1)
    number = ("+" if value.strip().startswith("+") else "") + "".join(ch for ch in parts[0] if ch.isdigit())
    if len(parts) > 1:
        number += "," + "".join(ch for ch in parts[1] if ch.isdigit())
    return f"tel:{number}"
