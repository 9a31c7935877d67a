"""Values stored in the database; shared by storage and services."""

from enum import StrEnum


class Role(StrEnum):
    CLIENT = "client"
    SPECIALIST = "specialist"
    HEAD = "head_of_sales"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self is not Role.CLIENT
