"""Set-based writes the ORM does slowly: many rows updated to different values at once.

Django's ``bulk_update`` builds one ``CASE WHEN pk = … THEN …`` per field and row; for the
thousands of rows of an import that costs seconds of query compilation per chunk (it made a
5,000-row results file take a minute). ``update_rows`` sends one
``UPDATE … FROM (VALUES …)`` per chunk instead, which PostgreSQL and SQLite (≥ 3.33) both run.

For the 100,000 rows of a national results file even that is too slow: psycopg splits every
query with its hundreds of thousands of placeholders in Python. ``Stage`` loads the rows into a
temporary table instead (PostgreSQL: ``COPY``; SQLite: ``executemany``), from which one
``UPDATE … FROM`` and one ``INSERT … SELECT`` per file write them (bench/bench_p2_import.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.expressions import RawSQL

CHUNK = 1000
STAGE_BATCH = 5000  # rows per executemany on SQLite
_AS_IS_ON_POSTGRES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DecimalField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def update_rows(
    model: type[Model], objs: Sequence[Model], fields: Sequence[str], *, chunk: int = CHUNK
) -> int:
    """Write ``fields`` of every object in ``objs`` (already set on the instances) by pk."""
    if not objs or not fields:
        return 0
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    concrete: list[Field[Any, Any]] = []
    for name in fields:
        field = meta.get_field(name)
        if not isinstance(field, Field) or field.column is None:
            raise ValueError(f"{meta.label}.{name} is not a column")
        concrete.append(field)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    assert meta.pk is not None and meta.pk.column is not None
    pk_column = quote(meta.pk.column)
    postgres = connection.vendor == "postgresql"

    def cast(index: int, field: Any) -> str:
        value = f"v.column{index}"
        # VALUES columns are typed from their values; NULLs alone would make them text.
        return f"CAST({value} AS {field.db_type(connection)})" if postgres else value

    assignments = ", ".join(
        f"{quote(str(field.column))} = {cast(i, field)}"
        for i, field in enumerate(concrete, start=2)
    )
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), chunk):
            part = objs[start : start + chunk]
            row = "(" + ", ".join(["%s"] * (len(concrete) + 1)) + ")"
            params: list[Any] = []
            for obj in part:
                params.append(obj.pk)
                params.extend(
                    field.get_db_prep_save(getattr(obj, field.attname), connection)
                    for field in concrete
                )
            sql = (
                f"UPDATE {table} SET {assignments} "  # noqa: S608 (quoted names, bound values)
                f"FROM (VALUES {', '.join([row] * len(part))}) AS v "
                f"WHERE {table}.{pk_column} = v.column1"
            )
            cursor.execute(sql, params)
            written += cursor.rowcount
    return written


class Stage:
    """A temporary table of rows for set-based statements, inside the caller's transaction.

    ``columns`` are ``(name, field)`` pairs: each column gets its field's database type, and
    values are prepared as the field prepares them. The table goes with the transaction: it is
    dropped by ``drop`` after use, and a rollback (PostgreSQL and SQLite both have transactional
    DDL) removes it with everything else, so a crashed import leaves nothing behind.
    """

    def __init__(
        self, connection: BaseDatabaseWrapper, columns: Sequence[tuple[str, Field[Any, Any]]]
    ) -> None:
        if not connection.in_atomic_block:
            raise RuntimeError("a stage lives inside the transaction that uses it")
        self.connection = connection
        self.columns = list(columns)
        self.name = f"onex_stage_{uuid.uuid4().hex[:12]}"
        self.table = connection.ops.quote_name(self.name)
        self.postgres = connection.vendor == "postgresql"
        definition = ", ".join(
            f"{self.quote(name)} {field.db_type(connection) or 'text'}" for name, field in columns
        )
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({definition})")
        self.rows = 0

    def quote(self, name: str) -> str:
        return self.connection.ops.quote_name(name)

    def column(self, name: str) -> str:
        return f"{self.table}.{self.quote(name)}"

    def select(self, name: str) -> RawSQL:
        """``SELECT column FROM stage``, for ``.filter(pk__in=stage.select("pk"))``."""
        return RawSQL(f"SELECT {self.column(name)} FROM {self.table}", ())  # noqa: S608, S611

    def load(self, rows: Iterable[Sequence[Any]]) -> int:
        """Append ``rows`` (tuples in column order); returns how many."""
        connection = self.connection
        prepare = [field.get_db_prep_save for _name, field in self.columns]
        names = ", ".join(self.quote(name) for name, _field in self.columns)
        loaded = 0
        with connection.cursor() as cursor:
            if self.postgres:
                # COPY: no SQL text per row for psycopg to split, no placeholders to bind. The
                # fields whose preparation leaves a clean value as it is on PostgreSQL (numbers,
                # text, booleans) are written as they are: preparing 100,000 rows' values one
                # call each cost a second.
                raw = [
                    field.get_internal_type() in _AS_IS_ON_POSTGRES for _n, field in self.columns
                ]
                if all(raw):
                    with cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                            loaded += 1
                else:
                    with cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(
                                [
                                    value if as_is else p(value, connection)
                                    for p, as_is, value in zip(prepare, raw, row, strict=True)
                                ]
                            )
                            loaded += 1
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {self.table} ({names}) VALUES ({marks})"  # noqa: S608
                batch: list[list[Any]] = []
                for row in rows:
                    batch.append(
                        [p(value, connection) for p, value in zip(prepare, row, strict=True)]
                    )
                    if len(batch) >= STAGE_BATCH:
                        cursor.executemany(sql, batch)
                        loaded += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    loaded += len(batch)
        self.rows += loaded
        return loaded

    def update(
        self,
        model: type[Model],
        *,
        key: str,
        assign: dict[str, str],
        constants: dict[str, Any] | None = None,
    ) -> int:
        """``UPDATE model SET field = stage.column, … FROM stage WHERE model.pk = stage.key``.

        ``assign`` maps a model field to the stage column it takes; ``constants`` are fields
        set to one value on every staged row. Returns the number of rows written.
        """
        connection = self.connection
        meta = model._meta
        assert meta.pk is not None
        table = self.quote(meta.db_table)
        assignments: list[str] = []
        params: list[Any] = []
        for name, stage_column in assign.items():
            assignments.append(f"{self.quote(_column(model, name))} = {self.column(stage_column)}")
        for name, value in (constants or {}).items():
            field = meta.get_field(name)
            assert isinstance(field, Field)
            assignments.append(f"{self.quote(_column(model, name))} = %s")
            params.append(field.get_db_prep_save(value, connection))
        sql = (
            f"UPDATE {table} SET {', '.join(assignments)} "  # noqa: S608 (quoted names)
            f"FROM {self.table} WHERE {table}.{self.quote(str(meta.pk.column))} = "
            f"{self.column(key)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.rowcount)

    def insert_into(
        self, model: type[Model], *, columns: dict[str, str], constants: dict[str, Any]
    ) -> int:
        """``INSERT INTO model (…) SELECT … FROM stage``: one new row per staged row.

        ``columns`` maps a model field to the stage column it takes, ``constants`` a model field
        to one value for every row. Rows are inserted in the stage's first column's order.
        """
        connection = self.connection
        targets: list[str] = []
        sources: list[str] = []
        params: list[Any] = []
        for name, value in constants.items():
            field = model._meta.get_field(name)
            assert isinstance(field, Field)
            targets.append(self.quote(_column(model, name)))
            sources.append("%s")
            params.append(field.get_db_prep_save(value, connection))
        for name, stage_column in columns.items():
            targets.append(self.quote(_column(model, name)))
            sources.append(self.column(stage_column))
        order = self.column(self.columns[0][0])
        sql = (
            f"INSERT INTO {self.quote(model._meta.db_table)} ({', '.join(targets)}) "  # noqa: S608
            f"SELECT {', '.join(sources)} FROM {self.table} ORDER BY {order}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.rowcount)

    def drop(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {self.table}")


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise ValueError(f"{model._meta.label}.{name} is not a column")
    return str(field.column)
