"""COPY plumbing of the data generator: the cursor, id offsets, stage timings and index rebuilding."""

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Progress = Callable[[str], None]
# Tables whose secondary indexes are dropped during a load into an empty database and rebuilt after it.
BIG_TABLES = [
    "plans_section",
    "plans_planversion",
    "plans_plan",
    "plans_planshare",
    "plans_plangroupobjectpermission",
    "guardian_groupobjectpermission",
    "plans_plan_facilities",
    "agencies_membership",
    "auth_user",
]


@dataclass
class Generated:
    """What was generated, with the time each stage took (seconds)."""

    scale: str
    counts: dict[str, int] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


def ts(moment: datetime) -> str:
    return moment.isoformat()


class Loader:
    """Holds the cursor, the id offsets of each table, and the stage timings."""

    def __init__(self, cursor: Any, progress: Progress, result: Generated) -> None:
        self.cursor = cursor
        self.progress = progress
        self.result = result
        self._started = time.perf_counter()

    def next_id(self, table: str) -> int:
        self.cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - table names are constants
        return int(self.cursor.fetchone()[0]) + 1

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """COPY rows into a table; returns how many."""
        started = time.perf_counter()
        count = 0
        with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        self.result.counts[table] = self.result.counts.get(table, 0) + count
        self.stage(f"copy {table}", started, f"{count:,} rows")
        return count

    def sql(self, name: str, statement: str, params: Sequence[Any] | None = None) -> int:
        started = time.perf_counter()
        self.cursor.execute(statement, params)
        self.stage(name, started, f"{max(self.cursor.rowcount, 0):,} rows")
        return self.cursor.rowcount

    def stage(self, name: str, started: float, detail: str = "") -> None:
        elapsed = time.perf_counter() - started
        self.result.stages[name] = self.result.stages.get(name, 0.0) + elapsed
        total = time.perf_counter() - self._started
        self.progress(f"[generate {self.result.scale}] {name}: {detail} in {elapsed:.1f} s (total {total:.0f} s)")


def drop_secondary_indexes(loader: Loader) -> list[str]:
    """Drop indexes that back no constraint on the big tables; returns their definitions to rebuild."""
    loader.cursor.execute(
        """
        SELECT pg_get_indexdef(i.indexrelid), ic.relname FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        """,
        [BIG_TABLES],
    )
    rows = loader.cursor.fetchall()
    for _, name in rows:
        loader.cursor.execute(f'DROP INDEX "{name}"')
    return [definition for definition, _ in rows]


def reset_sequences(loader: Loader, tables: Iterable[str]) -> None:
    for table in tables:
        loader.cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"  # noqa: S608
        )
