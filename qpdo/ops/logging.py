"""Log formatting: one line per event, so a log collector never splits a traceback."""

import logging


class OneLineFormatter(logging.Formatter):
    """Format a record on one line; a traceback follows on the same line, newlines as ' | '."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace("\r", "").replace("\n", " | ")
