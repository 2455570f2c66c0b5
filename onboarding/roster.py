"""A member roster in CSV, read and checked against the agency before anything is written: each row will invite
a new person, add a person who has an account already, is already a member, or has errors that say what to fix.

Three queries whatever the number of rows: the accounts with the file's e-mail addresses, the usernames it
would take, and which of those accounts are members already.
"""

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db.models.functions import Lower

from agencies.models import Agency, Membership, Role
from portal.errors import InvalidInputError, PayloadTooLargeError

MAX_BYTES = 256 * 1024
MAX_ROWS = 500
COLUMNS = ("email", "first_name", "last_name", "role", "username")
REQUIRED = ("email",)
NAME_LENGTH = 150

INVITE, ADD, MEMBER, ERROR = "invite", "add", "member", "error"
STATUS_LABELS = {
    INVITE: "will invite",
    ADD: "has an account: will be added",
    MEMBER: "already a member",
    ERROR: "error",
}
ROLES = {**{value: value for value in Role.values}, **{label.lower(): value for value, label in Role.choices}}


@dataclass
class RosterRow:
    """One line of the file (its line number counts the header as line 1) and what confirming would do."""

    line: int
    email: str
    first_name: str
    last_name: str
    role: str
    username: str
    status: str = INVITE
    errors: list[str] = field(default_factory=list)
    user_id: int | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def refuse(self, message: str) -> None:
        self.status = ERROR
        self.errors.append(message)


@dataclass(frozen=True)
class RosterPreview:
    """Every row with its status, and how many of each."""

    rows: list[RosterRow]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in STATUS_LABELS}


def roster_text_of(upload: UploadedFile) -> str:
    """An uploaded roster's text, refused by its size before it is read."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise PayloadTooLargeError(
            f"The file is {(upload.size or 0) // 1024} KB; a roster may be at most {MAX_BYTES // 1024} KB "
            f"({MAX_ROWS} people). Split it into several files.",
            field="file",
        )
    return roster_text(upload.read())


def roster_text(data: bytes) -> str:
    """The file's text (UTF-8, with or without the byte-order mark spreadsheets write)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            "The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”.", field="file"
        ) from exc


def _records(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip().lower().replace(" ", "_") for name in next(reader, [])]
        if not any(header):
            raise InvalidInputError(
                "The file is empty: its first line names the columns, e.g. email,role.", field="file"
            )
        unknown = [name for name in header if name not in COLUMNS]
        missing = [name for name in REQUIRED if name not in header]
        if unknown or missing:
            problems = [f"unknown column {', '.join(unknown)}" if unknown else "", "no email column" if missing else ""]
            raise InvalidInputError(
                f"The first line names the columns: {'; '.join(p for p in problems if p)}. "
                f"Use {', '.join(COLUMNS)} (only email is required).",
                field="file",
            )
        records: list[tuple[int, dict[str, str]]] = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue  # blank lines spreadsheets leave at the end
            if len(records) == MAX_ROWS:
                raise InvalidInputError(
                    f"The file has more than {MAX_ROWS} people; split it into several files.", field="file"
                )
            padded = [*values, *[""] * (len(header) - len(values))]
            records.append((reader.line_num, {name: padded[i].strip() for i, name in enumerate(header)}))
    except csv.Error as exc:
        raise InvalidInputError(f"The file is not valid CSV (line {reader.line_num}): {exc}.", field="file") from exc
    if not records:
        raise InvalidInputError("The file names its columns but lists nobody.", field="file")
    return records


def _row(line: int, record: dict[str, str]) -> RosterRow:
    email = record.get("email", "").lower()
    role_given = record.get("role", "")
    row = RosterRow(
        line=line,
        email=email,
        first_name=record.get("first_name", ""),
        last_name=record.get("last_name", ""),
        role=ROLES.get(role_given.lower(), "") if role_given else Role.MEMBER,
        username=record.get("username", "") or email,
    )
    try:
        validate_email(email)
    except ValidationError:
        row.refuse(f"“{email}” is not an e-mail address." if email else "No e-mail address.")
    if not row.role:
        row.refuse(f"Unknown role “{role_given}”: use {', '.join(Role.values)}.")
    for name in ("first_name", "last_name"):
        if len(getattr(row, name)) > NAME_LENGTH:
            row.refuse(f"The {name.replace('_', ' ')} is longer than {NAME_LENGTH} characters.")
    if len(row.username) > NAME_LENGTH:
        row.refuse(f"The username is longer than {NAME_LENGTH} characters; give a shorter one in a username column.")
    elif row.username and row.username != email:
        try:
            UnicodeUsernameValidator()(row.username)
        except ValidationError:
            row.refuse(f"“{row.username}” is not a valid username (letters, digits and @ . + - _ only).")
    return row


def roster_preview(*, agency: Agency, text: str) -> RosterPreview:
    """What importing this roster into the agency would do, row by row (nothing is written)."""
    rows = [_row(line, record) for line, record in _records(text)]
    _mark_duplicates(rows)
    emails = {row.email for row in rows if row.status != ERROR}
    accounts: dict[str, list[User]] = {}
    for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails, is_active=True):
        accounts.setdefault(user.email.lower(), []).append(user)
    usernames = {row.username.lower() for row in rows if row.status != ERROR}
    taken = {
        name: pk
        for name, pk in User.objects.annotate(name=Lower("username"))
        .filter(name__in=usernames)
        .values_list("name", "pk")
    }
    matched = {users[0].pk for users in accounts.values() if len(users) == 1}
    members = set(Membership.objects.filter(agency=agency, user_id__in=matched).values_list("user_id", flat=True))
    for row in rows:
        if row.status == ERROR:
            continue
        found = accounts.get(row.email, [])
        if len(found) > 1:
            row.refuse("Several accounts use this e-mail address; add the person by username on the agency page.")
        elif found:
            row.user_id = found[0].pk
            row.status = MEMBER if row.user_id in members else ADD
        elif row.username.lower() in taken:
            row.refuse(f"The username “{row.username}” is taken; give another one in a username column.")
    return RosterPreview(rows=rows)


def _mark_duplicates(rows: list[RosterRow]) -> None:
    first_line: dict[tuple[str, str], int] = {}
    for row in rows:
        keys = [("e-mail address", row.email)]
        if row.username.lower() != row.email:
            keys.append(("username", row.username.lower()))
        for kind, value in keys:
            if not value:
                continue
            seen = first_line.setdefault((kind, value), row.line)
            if seen != row.line:
                row.refuse(f"Duplicate row: the same {kind} as line {seen}.")
