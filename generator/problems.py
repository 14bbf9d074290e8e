"""`Problem`: the one currency of errors, and the ways it is printed.

Every check, the loader and the importers return problems; the CLI, the MkDocs
plugin and the GitHub annotations only format them. A traceback reaching a
user is a bug.
"""
from __future__ import annotations

from dataclasses import dataclass

from .privacy import printable


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the repository root, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based; 0 when unknown
    message: str  # Simplified Chinese: what is wrong and how to fix it

    def format(self) -> str:
        # masked and escaped here, whatever the check: a message quoting a value
        # (or a file named after one) never prints a personal number in full,
        # nor a control sequence that could repaint the terminal
        return f"{printable(self.path)}:{max(self.line, 1)}:{max(self.column, 1)}: {printable(self.message)}"

    def format_github(self) -> str:
        # https://docs.github.com/actions/reference/workflow-commands-for-github-actions
        # The message escapes %, CR and LF; property values (the file name) also "," and ":".
        msg = _escape(printable(self.message, keep="\r\n"))
        path = _escape(printable(self.path, keep="\r\n")).replace(":", "%3A").replace(",", "%2C")
        return (
            f"::error file={path},line={max(self.line, 1)},"
            f"col={max(self.column, 1)},title=记录有误::{msg}"
        )


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


class ProblemsFound(Exception):
    """Raised by a stage that cannot go on; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems)


def format_problems(problems: list[Problem], fmt: str = "text") -> str:
    lines = [p.format_github() if fmt == "github" else p.format() for p in sorted(problems)]
    return "\n".join(lines)
