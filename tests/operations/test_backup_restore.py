"""scripts/backup.sh and scripts/restore.sh: a populated deployment, backed up and restored into a fresh database
and an empty attachments folder, comes back whole: every table's rows, every plan version's content digest, every
attachment's bytes, every acknowledgement and every audit row. The scripts run as an administrator would run them,
against the test database (the data is committed, so these tests are transactional)."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from psycopg import sql

from plans.models import Attachment
from plans.services import plan_version_acknowledge, plan_version_publish
from plans.services.attachments import attachment_add
from tests.plans.factories import changed_draft

ROOT = Path(__file__).resolve().parent.parent.parent
BASH = shutil.which("bash") or "/bin/bash"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(3000)
# The rows the issue names, each of which must come back (all other tables are compared too).
KEY_TABLES = (
    "plans_planversion",
    "plans_attachment",
    "plans_acknowledgement",
    "plans_agencyacknowledgement",
    "audit_auditevent",
    "audit_auditeventagency",
)


def _url(name: str) -> str:
    """A libpq URL of `name` on the test database's server, as DATABASE_URL would give it."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    user = quote(db["USER"] or "", safe="")
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _drop(name: str) -> None:
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """A database name that does not exist yet (this worker's test database plus a suffix), dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    _drop(name)  # left over by an interrupted run
    yield name
    _drop(name)


def _script(script: str, *args: str, database: str, media: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": _url(database), "PRIVATE_MEDIA_ROOT": str(media)}
    return subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [BASH, str(ROOT / "scripts" / script), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _backup(tmp_path: Path, media: Path) -> Path:
    done = _script("backup.sh", str(tmp_path / "backups"), database=connection.settings_dict["NAME"], media=media)
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip().splitlines()[-1])


def _rows(database: str) -> dict[str, set[str]]:
    """Every row of every table of the database, each as its canonical JSON text."""
    with psycopg.connect(_url(database)) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {
            table: {
                row
                for (row,) in db.execute(
                    sql.SQL("SELECT to_jsonb(t)::text FROM {} AS t").format(sql.Identifier(table))
                ).fetchall()
            }
            for table in tables
        }


def _populate(county) -> None:
    """Three released versions of the county's plan, two files carried from version 2 to 3, acknowledgements."""
    for name, content in (("evacuation-map.pdf", PDF), ("floor-plan.png", PNG)):
        attachment_add(
            version=county.draft,
            actor=county.owner_planner,
            upload=SimpleUploadedFile(name, content),
            max_bytes=len(content),
        )
    second = plan_version_publish(version=county.draft, actor=county.owner_admin)
    plan_version_acknowledge(version=second, actor=county.partner_comment_liaison)
    third = plan_version_publish(version=changed_draft(county.plan, county.owner_planner), actor=county.owner_admin)
    plan_version_acknowledge(version=third, actor=county.partner_view_liaison)
    plan_version_acknowledge(version=third, actor=county.partner_view_member)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_deployment_brings_back_every_row_digest_and_file(
    county, tmp_path, settings, fresh_database
):
    _populate(county)
    backup = _backup(tmp_path, settings.PRIVATE_MEDIA_ROOT)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["media"]["files"] == 4  # two files on version 2, their copies on version 3
    assert manifest["migrations"]["latest"]["plans"]
    restored_media = tmp_path / "restored-private"

    restored = _script("restore.sh", str(backup), database=fresh_database, media=restored_media)

    assert restored.returncode == 0, restored.stderr
    assert "4 attachment files match their digests" in restored.stderr
    original, copy = _rows(connection.settings_dict["NAME"]), _rows(fresh_database)
    for table in KEY_TABLES:
        assert original[table], f"the populated database has no {table} rows to prove anything with"
    assert copy == original
    # Each file recomputed from the restored folder matches the digest recorded at upload.
    attachments = list(Attachment.objects.values_list("file", "sha256"))
    assert len(attachments) == 4
    for name, sha256 in attachments:
        assert hashlib.sha256((restored_media / name).read_bytes()).hexdigest() == sha256
    # Concord itself, pointed at the restored copy, recomputes every released version's content_sha256.
    verify = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, str(ROOT / "manage.py"), "plans_verify"],
        env={**os.environ, "DATABASE_URL": _url(fresh_database), "PRIVATE_MEDIA_ROOT": str(restored_media)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
    assert "3 released plan versions and 4 attachments match their digests" in verify.stdout
    # New rows in the restored copy do not collide with restored ids: each sequence carried on past its table.
    with psycopg.connect(_url(fresh_database)) as db:
        (next_id,) = db.execute("SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id'))").fetchone()
        (highest,) = db.execute("SELECT max(id) FROM audit_auditevent").fetchone()
    assert next_id > highest

    # Restoring again over the now populated copy is refused, and the copy is left as it was.
    again = _script("restore.sh", str(backup), database=fresh_database, media=tmp_path / "elsewhere")
    assert again.returncode == 1
    assert f"the database {fresh_database} is not empty" in again.stderr
    assert _rows(fresh_database) == original
    # Unless forced: the tables are dropped and restored again, whatever was changed in them since.
    with psycopg.connect(_url(fresh_database)) as db:
        db.execute("DELETE FROM plans_acknowledgement")
    forced = _script("restore.sh", "--force", str(backup), database=fresh_database, media=restored_media)
    assert forced.returncode == 0, forced.stderr
    assert _rows(fresh_database) == original


# These two need no data: the backup of the test database's committed state (its schema) is enough.
@pytest.mark.django_db
def test_a_damaged_backup_is_refused_before_anything_is_created(tmp_path, settings, fresh_database):
    backup = _backup(tmp_path, settings.PRIVATE_MEDIA_ROOT)
    dump = backup / "database.dump"
    damaged = bytearray(dump.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    dump.write_bytes(bytes(damaged))

    refused = _script("restore.sh", str(backup), database=fresh_database, media=tmp_path / "restored-private")

    assert refused.returncode == 1
    assert "database.dump is damaged" in refused.stderr
    with psycopg.connect(_url("postgres")) as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [fresh_database]).fetchone() is None
    assert not (tmp_path / "restored-private").exists()


@pytest.mark.django_db
def test_a_restore_into_a_folder_that_holds_files_is_refused_before_anything_is_created(
    tmp_path, settings, fresh_database
):
    backup = _backup(tmp_path, settings.PRIVATE_MEDIA_ROOT)
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "someone-elses.pdf").write_bytes(PDF)

    refused = _script("restore.sh", str(backup), database=fresh_database, media=occupied)

    assert refused.returncode == 1
    assert f"{occupied} is not empty" in refused.stderr
    assert sorted(p.name for p in occupied.iterdir()) == ["someone-elses.pdf"]
    with psycopg.connect(_url("postgres")) as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [fresh_database]).fetchone() is None


def test_without_postgresqls_client_tools_the_backup_says_what_to_install(tmp_path):
    bare = tmp_path / "bin"  # a PATH with the shell's helpers but no PostgreSQL tools
    bare.mkdir()
    for tool in ("dirname",):
        (bare / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")

    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [BASH, str(ROOT / "scripts" / "backup.sh"), str(tmp_path / "backups")],
        env={"PATH": str(bare), "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/concord"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1
    assert "pg_dump is not installed" in done.stderr
    assert "apt-get install postgresql-client-15" in done.stderr
    assert not (tmp_path / "backups").exists()


@pytest.mark.django_db
def test_a_pg_restore_older_than_the_server_is_refused_with_the_version_to_install(tmp_path, settings, fresh_database):
    backup = _backup(tmp_path, settings.PRIVATE_MEDIA_ROOT)
    old = tmp_path / "old-client"
    old.mkdir()
    (old / "pg_restore").write_text("#!/bin/sh\necho 'pg_restore (PostgreSQL) 11.22'\n")
    (old / "pg_restore").chmod(0o755)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    env = {**os.environ, "PATH": f"{old}:{os.environ['PATH']}"}
    env.update(DATABASE_URL=_url(fresh_database), PRIVATE_MEDIA_ROOT=str(tmp_path / "empty"))

    refused = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [BASH, str(ROOT / "scripts" / "restore.sh"), str(backup)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert refused.returncode == 1
    assert f"pg_restore is version 11 but the server runs PostgreSQL {server_major}" in refused.stderr
    assert f"apt-get install postgresql-client-{server_major}" in refused.stderr
    with psycopg.connect(_url("postgres")) as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [fresh_database]).fetchone() is None


@pytest.mark.django_db
def test_a_backup_from_a_newer_concord_is_refused_before_anything_is_created(tmp_path, settings, fresh_database):
    backup = _backup(tmp_path, settings.PRIVATE_MEDIA_ROOT)
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["migrations"]["latest"]["plans"] = "0999_from_the_future"
    (backup / "manifest.json").write_text(json.dumps(manifest))

    refused = _script("restore.sh", str(backup), database=fresh_database, media=tmp_path / "restored-private")

    assert refused.returncode == 1
    assert "made by a newer Concord than this one" in refused.stderr
    assert "plans.0999_from_the_future" in refused.stderr
    with psycopg.connect(_url("postgres")) as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [fresh_database]).fetchone() is None
