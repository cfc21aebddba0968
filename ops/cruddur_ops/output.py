"""Where commands write: results to stdout, warnings and failures to stderr.

A terminal gets redrawn tables (deploy); anything else gets plain lines that read well in CI logs;
`--output json` gets one JSON document per result.
"""
from __future__ import annotations

import json
import sys
from typing import TextIO


class Output:
    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None,
                 fmt: str = "text", tty: bool | None = None):
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.format = fmt
        self.tty = self.stdout.isatty() if tty is None else tty
        self._drawn_lines = 0

    @property
    def is_json(self) -> bool:
        return self.format == "json"

    def line(self, text: str = "") -> None:
        if not self.is_json:
            print(text, file=self.stdout, flush=True)

    def progress(self, text: str) -> None:
        """A step or progress line: stdout for people, stderr when stdout carries one JSON document."""
        if self.is_json:
            print(text, file=self.stderr, flush=True)
            return
        if self._drawn_lines:
            self.redraw([])
        print(text, file=self.stdout, flush=True)

    def warn(self, text: str) -> None:
        print(f"warning: {text}", file=self.stderr, flush=True)

    def error(self, text: str) -> None:
        print(f"error: {text}", file=self.stderr, flush=True)

    def json(self, document) -> int:
        print(json.dumps(document, indent=2, sort_keys=True, default=str), file=self.stdout, flush=True)
        return 0

    def redraw(self, lines: list[str]) -> None:
        """Replace the block drawn last time (terminal only) with `lines`."""
        if self._drawn_lines:
            self.stdout.write(f"\x1b[{self._drawn_lines}F\x1b[J")
        self.stdout.write("".join(f"{text}\n" for text in lines))
        self.stdout.flush()
        self._drawn_lines = len(lines)

    def settle(self) -> None:
        """Keep the last drawn block on screen; later output starts below it."""
        self._drawn_lines = 0


def table(rows: list[list[str]], header: list[str] | None = None) -> list[str]:
    """Left-aligned columns, two spaces apart."""
    everything = ([header] if header else []) + rows
    if not everything:
        return []
    widths = [max(len(str(row[i])) for row in everything) for i in range(len(everything[0]))]
    return ["  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in everything]
