"""Many rows into one table in one go, inside the session's transaction: COPY on PostgreSQL
(its per-row cost is a third of an executemany's: what makes a 10k-row import fast), the
driver's own executemany on SQLite (SQLAlchemy's per-row parameter handling would cost
more than SQLite's insert itself)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_rows(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Inserts `rows` (dicts with the same keys, values as the ORM takes them)."""
    if not rows:
        return
    connection = await session.connection()
    dialect = connection.dialect
    columns = list(rows[0])
    if dialect.name == "sqlite":
        records = _records(table, columns, rows, dialect, with_driver_types=True)
        names = ", ".join(f'"{name}"' for name in columns)
        marks = ", ".join("?" for _ in columns)
        await connection.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', records
        )
        return
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    # The driver opens the session's transaction at the first statement; a COPY before it
    # would run outside the transaction, so then the rows go in as an executemany.
    if dialect.name != "postgresql" or not driver.is_in_transaction():  # type: ignore[union-attr]
        await connection.execute(insert(table), list(rows))
        return
    # The connection plans every statement anew (see database.py), and that would apply to
    # the foreign-key check PostgreSQL runs for each copied row too: re-planned per row, a
    # 10k-client import spent a second more on its search words alone. Those checks have
    # one plan that fits all, so the cached one serves until the transaction ends.
    await driver.execute("SET LOCAL plan_cache_mode = auto")  # type: ignore[union-attr]
    await driver.copy_records_to_table(  # type: ignore[union-attr]
        table.name,
        records=_records(table, columns, rows, dialect, with_driver_types=False),
        columns=columns,
    )


async def reserve_ids(session: AsyncSession, table: Table, count: int) -> list[int] | None:
    """`count` fresh ids from the table's id sequence on PostgreSQL, so that new rows can be
    copied with their ids known in advance (a RETURNING insert costs an executemany);
    None on SQLite, which has no sequence to take them from."""
    connection = await session.connection()
    if connection.dialect.name != "postgresql" or not count:
        return None
    result = await connection.execute(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": table.name, "n": count},
    )
    return [value for (value,) in result.all()]


def _records(
    table: Table,
    columns: list[str],
    rows: Sequence[Mapping[str, Any]],
    dialect: Dialect,
    *,
    with_driver_types: bool,
) -> list[tuple[Any, ...]]:
    """The rows as tuples, each value converted as SQLAlchemy would before the driver sees
    it: our types (aware → naive UTC), and on SQLite its dates as text too. COPY takes
    Python dates and numbers as they are, so for it only our own types convert."""
    convert: dict[int, Callable[[Any], Any]] = {}
    for index, name in enumerate(columns):
        column_type = table.c[name].type
        if with_driver_types:
            processor = column_type.dialect_impl(dialect).bind_processor(dialect)
        elif hasattr(column_type, "process_bind_param"):
            processor = _ours(column_type, dialect)
        else:
            processor = None
        if processor is not None:
            convert[index] = processor
    if not convert:
        return [tuple(row[name] for name in columns) for row in rows]
    return [
        tuple(
            convert[index](row[name]) if index in convert else row[name]
            for index, name in enumerate(columns)
        )
        for row in rows
    ]


def _ours(column_type: Any, dialect: Dialect) -> Callable[[Any], Any]:
    return lambda value: column_type.process_bind_param(value, dialect)
