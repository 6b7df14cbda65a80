"""Log hygiene: resident ID numbers and mobile numbers never reach a log line in clear (docs/security.md)."""

import logging
import re

# An 18-character resident ID (17 digits and a digit or X) standing alone; an 11-digit mainland mobile number.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_personal_data(text: str) -> str:
    """``110101199001011234`` → ``110101********1234``; ``13812345678`` → ``138****5678``."""
    text = ID_NUMBER.sub(r"\1********\2", text)
    return MOBILE.sub(r"\1****\2", text)


class PersonalDataFilter(logging.Filter):
    """Formats the record's message (and traceback) once and masks it; the record then carries no args."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a badly formatted record is logged as it is, masked
            message = str(record.msg)
        record.msg = mask_personal_data(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
