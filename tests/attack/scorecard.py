"""One scorecard per attack family: what was tried and what went wrong, printed as one line at the end of the
session. Lines are written to files so the pytest-xdist controller, which runs no test, can print them too."""

import os
import time
from dataclasses import dataclass, field

from tests.door.harness import LOG_DIR

COUNTS = ("attempts", "leaks", "5xx", "secrets_in_logs", "writes_lost", "phantom_writes")
SCORE_DIR = LOG_DIR / "scorecards"


@dataclass
class Scorecard:
    family: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    findings: list = field(default_factory=list)  # one line per failed check, for the assertion message
    mark: int = 0  # where the current test's findings start

    def this_test(self):
        """The findings of the running test only, so one test's failure does not fail the next."""
        return self.findings[self.mark:]

    def add(self, name, n=1, finding=None):
        self.counts[name] += n
        if finding:
            self.findings.append(f"{name}: {finding}")

    def wrong(self, finding):
        """An answer of the wrong status or shape: a failed check, though nothing leaked or broke."""
        self.findings.append(f"wrong answer: {finding}")

    def answered(self, label, answer):
        """Count one attempt; a 5xx is a finding, whatever the family."""
        self.counts["attempts"] += 1
        if answer.status >= 500:
            self.add("5xx", finding=f"{label} -> {answer.status} {answer.body[:200]!r}")

    def line(self):
        return f"attack {self.family}: " + " ".join(f"{name}={self.counts[name]}" for name in COUNTS)

    def save(self):
        SCORE_DIR.mkdir(parents=True, exist_ok=True)
        (SCORE_DIR / f"{os.getpid()}-{self.family}.txt").write_text(self.line() + "\n")
        (SCORE_DIR / f"{os.getpid()}-{self.family}.findings").write_text("".join(f + "\n" for f in self.findings))


def lines_since(started):
    """The scorecard lines written by this session (any of its workers), one per family."""
    if not SCORE_DIR.exists():
        return []
    written = [path for path in SCORE_DIR.glob("*.txt") if path.stat().st_mtime >= started]
    return sorted(path.read_text().strip() for path in written)


def session_started():
    return time.time()
