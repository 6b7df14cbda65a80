"""Resident identity numbers (GB 11643-1999): region, birth date, sequence and a check character."""

import re
import unicodedata
from datetime import date

from branches.personal import mask_id_number

ASCII_FORM = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date_of(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def is_female(id_number: str) -> bool:
    """The sequence digit (17th) is odd for men and even for women."""
    return int(id_number[16]) % 2 == 0


def build(region: str, born: date, sequence: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def mask(id_number: str) -> str:
    """Keep the region and the last four characters: 110101********123X."""
    return mask_id_number(id_number)


class IdNumberError(ValueError):
    pass


def parse(raw) -> str:
    """Normalize and validate; raise IdNumberError with a reason code the caller turns into a message.

    Full-width digits typed with a Chinese input method become ASCII (NFKC), so one person's number is
    always stored the same way; any other non-ASCII digit is refused.
    """
    if not isinstance(raw, str):
        raise IdNumberError("not_text")
    value = unicodedata.normalize("NFKC", raw).strip().upper()
    if len(value) != 18:
        raise IdNumberError("length")
    if not ASCII_FORM.fullmatch(value):
        raise IdNumberError("characters")
    try:
        birth_date_of(value)
    except ValueError as error:
        raise IdNumberError("birth_date") from error
    if check_char(value[:17]) != value[17]:
        raise IdNumberError("checksum")
    return value
