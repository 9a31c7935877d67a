"""Turning ORM rows into the frozen DTOs that leave storage."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def from_row(dto: type[T], row: Any, **converted: Any) -> T:
    """Copies the DTO's fields from the row; `converted` gives the values to use instead
    (enums built from their stored strings)."""
    values = {f.name: getattr(row, f.name) for f in fields(dto) if f.name not in converted}  # type: ignore[arg-type]
    return dto(**values, **converted)
