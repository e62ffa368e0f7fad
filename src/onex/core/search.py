"""Indexes for the lists' free-text search (``?q=``) on PostgreSQL.

A list's search is ``icontains`` (any part of a name) or ``startswith`` (a code or number typed
from its start). Django writes them on PostgreSQL as ``UPPER(col::text) LIKE UPPER('%term%')`` and
``col::text LIKE 'term%'``; without an index each is a scan of the whole table (seconds at 10
million certificates). So the large tables get, per searched column:

- a GIN trigram index (``pg_trgm``) on ``UPPER(col)``: the very expression the ORM emits, so the
  planner uses it for ``icontains`` with no change to the queries. A trigram index needs three
  characters of the term; a one- or two-character term (a Chinese surname, "张三") has no trigram,
  so a list searching names at national scale matches shorter terms by prefix instead
  (the issued certificates' list: ``TRIGRAM``);
- a B-tree with ``text_pattern_ops`` for ``startswith`` (codes, numbers, short name terms): the
  ordinary B-tree cannot serve
  ``LIKE 'x%'`` under a database collation other than ``C``.

They are created ``CONCURRENTLY`` by the migrations (minutes on 10 million rows, without
blocking writes) and only on PostgreSQL: SQLite keeps its ``LIKE`` scans (development and tests).
Encrypted columns (ID numbers) are never indexed or searched here: an ID number is found by its
HMAC (``onex.core.personal``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations

TRIGRAM = 3  # the shortest term a trigram index serves ("%ab%" has no trigram)


def trigram_index_name(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"[:63]


def prefix_index_name(table: str, column: str) -> str:
    return f"{table}_{column}_prefix"[:63]


def search_index_statements(
    table: str,
    *,
    trigram: Sequence[str] = (),
    prefix: Sequence[str] = (),
    concurrently: bool = True,
) -> list[str]:
    """``CREATE INDEX`` statements for ``table``'s searched columns (PostgreSQL)."""
    how = "CONCURRENTLY " if concurrently else ""
    statements = [
        f'CREATE INDEX {how}IF NOT EXISTS "{trigram_index_name(table, column)}" '
        f'ON "{table}" USING gin (UPPER("{column}") gin_trgm_ops)'
        for column in trigram
    ]
    statements += [
        f'CREATE INDEX {how}IF NOT EXISTS "{prefix_index_name(table, column)}" '
        f'ON "{table}" ("{column}" text_pattern_ops)'
        for column in prefix
    ]
    return statements


def drop_statements(
    table: str, *, trigram: Sequence[str] = (), prefix: Sequence[str] = ()
) -> list[str]:
    names = [trigram_index_name(table, c) for c in trigram]
    names += [prefix_index_name(table, c) for c in prefix]
    return [f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"' for name in names]


class AddSearchIndexes(migrations.operations.base.Operation):
    """A migration operation: the search indexes of one model, on PostgreSQL only.

    Not in the model's ``Meta.indexes``: a GIN index and an operator class do not exist on
    SQLite. The migration holding it must set ``atomic = False`` (``CREATE INDEX
    CONCURRENTLY`` cannot run in a transaction).
    """

    reversible = True
    reduces_to_sql = True

    def __init__(
        self, model_name: str, *, trigram: Sequence[str] = (), prefix: Sequence[str] = ()
    ) -> None:
        self.model_name = model_name
        self.trigram = tuple(trigram)
        self.prefix = tuple(prefix)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs = {"trigram": self.trigram, "prefix": self.prefix}
        return self.__class__.__qualname__, [self.model_name], kwargs

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass  # the model state does not know these indexes (see the class docstring)

    def _table(self, app_label: str, state: Any) -> str:
        return str(state.apps.get_model(app_label, self.model_name)._meta.db_table)

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = self._table(app_label, to_state)
        for sql in search_index_statements(table, trigram=self.trigram, prefix=self.prefix):
            schema_editor.execute(sql)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = self._table(app_label, from_state)
        for sql in drop_statements(table, trigram=self.trigram, prefix=self.prefix):
            schema_editor.execute(sql)

    def describe(self) -> str:
        return f"Search indexes (PostgreSQL) on {self.model_name}"
