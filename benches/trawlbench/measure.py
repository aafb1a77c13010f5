"""Collecting repeated measurements of one job and summarising them (medians)."""

from __future__ import annotations

import dataclasses
import re
import statistics


@dataclasses.dataclass
class Sample:
    """One run of a job."""

    #: Wall time of the whole process, start-up included, in seconds.
    wall: float
    #: Peak RSS of the process, in bytes.
    max_rss: int
    #: Time the engine itself reported (DuckDB: execute to last row; trawl: what it prints), seconds.
    engine: float | None = None
    #: Result rows (queries) or rows written (ingest).
    rows: int | None = None
    #: DuckDB only: connect to last row, i.e. the wall time less interpreter start and import.
    inprocess: float | None = None


@dataclasses.dataclass
class Cell:
    """All runs of one job (one engine on one task), or why it could not run."""

    samples: list[Sample] = dataclasses.field(default_factory=list)
    reason: str | None = None
    #: Remarks that do not stop the job (a row-count mismatch, a quarantine exit code, …).
    notes: list[str] = dataclasses.field(default_factory=list)
    #: Job-specific figures (output bytes, events, …).
    extra: dict[str, object] = dataclasses.field(default_factory=dict)

    @property
    def runnable(self) -> bool:
        """Whether the job can (still) run."""
        return self.reason is None

    def fail(self, reason: str) -> None:
        """Marks the job as failed; the first reason wins, later repetitions are skipped.

        The reason is kept on one line and at most 400 characters (it goes into table cells)."""
        if self.reason is None:
            one_line = " ".join(reason.split())
            self.reason = one_line if len(one_line) <= 400 else one_line[:399] + "…"

    def note(self, text: str) -> None:
        """Adds a remark once."""
        if text not in self.notes:
            self.notes.append(text)

    def median_wall(self) -> float | None:
        """Median wall time over the runs."""
        return statistics.median(s.wall for s in self.samples) if self.samples else None

    def median_engine(self) -> float | None:
        """Median engine-reported time over the runs that reported one."""
        values = [s.engine for s in self.samples if s.engine is not None]
        return statistics.median(values) if values else None

    def median_inprocess(self) -> float | None:
        """Median in-process time over the runs that reported one (DuckDB)."""
        values = [s.inprocess for s in self.samples if s.inprocess is not None]
        return statistics.median(values) if values else None

    def peak_rss(self) -> int | None:
        """Largest peak RSS over the runs."""
        return max(s.max_rss for s in self.samples) if self.samples else None

    def rows(self) -> int | None:
        """Rows of the last run."""
        return self.samples[-1].rows if self.samples else None

    def ok(self) -> bool:
        """Whether the job ran at least once and never failed."""
        return self.reason is None and bool(self.samples)

    def to_json(self) -> dict[str, object]:
        """The cell as plain data for results.json."""
        return {
            "ok": self.ok(),
            "reason": self.reason,
            "notes": self.notes,
            "median_wall_s": self.median_wall(),
            "median_engine_s": self.median_engine(),
            "median_inprocess_s": self.median_inprocess(),
            "peak_rss_bytes": self.peak_rss(),
            "rows": self.rows(),
            "runs": [dataclasses.asdict(s) for s in self.samples],
            **self.extra,
        }


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|µs|us)\b")


def reported_seconds(stderr: str) -> float | None:
    """The last duration a trawl command printed on stderr (``12.3 ms``, ``0.42 s``), in seconds."""
    found = _DURATION.findall(stderr)
    if not found:
        return None
    value, unit = found[-1]
    scale = {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "us": 1e-6}[unit]
    return float(value) * scale


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is unknown or b is zero."""
    if a is None or b is None or b == 0:
        return None
    return a / b
