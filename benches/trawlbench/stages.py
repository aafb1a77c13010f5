"""The benchmark's stages: start-up overhead, ingest (A/B/C alternating), queries (A/B alternating)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from . import duckdb_sql
from .corpus import Corpus
from .measure import Cell, Sample, reported_seconds
from .proc import Run, last_lines, run
from .queries import Query, duckdb_text, rel, sql_args, trawl_args
from .tools import BENCHES, Tool

WORKER = BENCHES / "duck_worker.py"
#: ``trawl ingest`` exits 3 when it quarantined something; the run still counts.
INGEST_OK = (0, 3)


def duck_job(duck: Tool, setup: list[str], statement: str, threads: int, timeout: float) -> tuple[Run, dict]:
    """Runs one DuckDB job in a fresh worker process; returns the run and the worker's JSON answer."""
    job = json.dumps({"threads": threads, "setup": setup, "statement": statement})
    done = run([duck.path or "python3", str(WORKER)], timeout=timeout, stdin_text=job)
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
    except json.JSONDecodeError:
        answer = {}
    if not done.ok and "error" not in answer:
        answer["error"] = done.failure() or "the DuckDB worker failed"
    return done, answer


def overhead(trawl: Tool, duck: Tool, threads: int, reps: int = 5) -> dict[str, float | str]:
    """Median wall time of an empty job per engine: what process start-up adds to every figure."""
    out: dict[str, float | str] = {}
    if trawl.available:
        out["trawl_version_s"] = statistics.median(run([trawl.path or "trawl", "--version"]).wall for _ in range(reps))
    else:
        out["trawl_reason"] = trawl.reason or ""
    if duck.available:
        walls = []
        for _ in range(reps):
            done, answer = duck_job(duck, [], "SELECT 1", threads, 120)
            if "error" in answer:
                out["duckdb_reason"] = str(answer["error"])
                break
            walls.append(done.wall)
        if walls:
            out["duckdb_select1_s"] = statistics.median(walls)
    else:
        out["duckdb_reason"] = duck.reason or ""
    return out


def ingest(
    trawl: Tool,
    duck: Tool,
    corpus: Corpus,
    work: Path,
    reps: int,
    cooldown: float,
    threads: int,
    timeout: float,
) -> tuple[dict[str, Cell], Path]:
    """Ingest the corpus with trawl, DuckDB typed and DuckDB auto-detected, alternating the order.

    Every repetition starts from an empty output, after ``cooldown`` idle seconds: on a shared
    2-core VM a job that starts right after another's sustained load runs slower (trawl's ingest
    took 3.9 s after a pause and 4.8-5.1 s right after DuckDB's 37 s typed read, same binary), so
    without the pause a job's time would depend on which job ran before it. Returns the cells and
    trawl's lake (the last run's).
    """
    lake = work / "lake"
    duck_dir = work / "duckdb"
    cells = {"trawl": Cell(), "duckdb_typed": Cell(), "duckdb_auto": Cell()}
    if reason := trawl.lacks("ingest"):
        cells["trawl"].fail(reason)
    for name in ("duckdb_typed", "duckdb_auto"):
        if duck.reason:
            cells[name].fail(duck.reason)

    def trawl_ingest() -> None:
        cell = cells["trawl"]
        if lake.exists():
            shutil.rmtree(lake)
        cmd = [trawl.path or "trawl", "ingest", "--lake", str(lake), "--quiet", "--json", str(corpus.root)]
        done = run(cmd, timeout=timeout)
        if reason := done.failure(INGEST_OK):
            cell.fail(reason)
            return
        if done.returncode == 3:
            cell.note("trawl ingest exited 3: it quarantined part of the input (see `trawl lake info`)")
        try:
            summary = json.loads(done.stdout)
        except json.JSONDecodeError:
            cell.fail(f"`trawl ingest --json` printed no JSON summary: {last_lines(done.stdout, 1)}")
            return
        engine = summary.get("elapsed")
        cell.samples.append(
            Sample(done.wall, done.max_rss, float(engine) if engine is not None else None, summary.get("rows_written"))
        )
        cell.extra["summary"] = summary

    def duck_ingest(name: str, select: Callable[[Path, list[Path]], str]) -> None:
        cell = cells[name]
        duck_dir.mkdir(parents=True, exist_ok=True)
        out = duck_dir / f"{name}.parquet"
        out.unlink(missing_ok=True)
        done, answer = duck_job(duck, [], duckdb_sql.copy_to(select(corpus.root, corpus.files), out), threads, timeout)
        if not record_duck(cell, done, answer):
            return
        cell.extra["output_bytes"] = out.stat().st_size if out.exists() else None

    jobs: list[tuple[str, Callable[[], None]]] = [
        ("trawl", trawl_ingest),
        ("duckdb_typed", lambda: duck_ingest("duckdb_typed", duckdb_sql.typed_select)),
        ("duckdb_auto", lambda: duck_ingest("duckdb_auto", duckdb_sql.auto_select)),
    ]
    for rep in range(reps):
        for name, job in jobs if rep % 2 == 0 else list(reversed(jobs)):
            if cells[name].runnable:
                print(f"  ingest {name} (run {rep + 1}/{reps}) …", flush=True)
                time.sleep(cooldown)
                job()
    if cells["trawl"].ok():
        cells["trawl"].extra.update(lake_size(trawl, lake))
    return cells, lake


def lake_size(trawl: Tool, lake: Path) -> dict[str, object]:
    """The lake's rows, files and bytes from ``trawl lake info --json`` (else by listing the files)."""
    if not trawl.lacks("lake"):
        done = run([trawl.path or "trawl", "lake", "info", "--lake", str(lake), "--json"], timeout=600)
        if done.ok:
            try:
                info = json.loads(done.stdout)
                return {
                    "output_bytes": info.get("bytes"),
                    "output_files": info.get("files"),
                    "lake_rows": info.get("rows"),
                }
            except json.JSONDecodeError:
                pass
    files = list((lake / "cloudtrail").rglob("*.parquet"))
    return {"output_bytes": sum(p.stat().st_size for p in files), "output_files": len(files)}


def record_duck(cell: Cell, done: Run, answer: dict) -> bool:
    """Adds a DuckDB job's sample to ``cell``, or its error; True when it ran."""
    if "error" in answer:
        cell.fail(f"DuckDB: {answer['error']}"[:600])
        return False
    cell.samples.append(
        Sample(
            done.wall,
            done.max_rss,
            answer.get("engine_seconds"),
            answer.get("rows"),
            answer.get("inprocess_seconds"),
        )
    )
    return True


def csv_rows(text: str) -> int:
    """Data rows of CSV output (header excluded; quoted newlines handled)."""
    rows = list(csv.reader(io.StringIO(text)))
    return max(len(rows) - 1, 0)


def queries(
    trawl: Tool,
    duck: Tool,
    corpus: Corpus,
    lake: Path,
    catalogue: list[Query],
    params: dict[str, str],
    reps: int,
    raw_reps: int,
    threads: int,
    timeout: float,
    lake_ready: str | None,
) -> dict[str, dict[str, Cell]]:
    """Every query on trawl's lake and on DuckDB over the same Parquet files (alternating, ``reps``
    times), then on DuckDB over the raw json.gz (``raw_reps`` times: it reads the whole corpus)."""
    cells: dict[str, dict[str, Cell]] = {}
    for q in catalogue:
        c = cells[q.name] = {"trawl": Cell(), "duckdb_parquet": Cell(), "duckdb_raw": Cell()}
        command = "search" if q.language == "search" else "sql"
        for reason in (lake_ready, trawl.lacks(command), q.trawl_missing):
            if reason:
                c["trawl"].fail(reason)
        for name in ("duckdb_parquet", "duckdb_raw"):
            for reason in (duck.reason, q.duckdb_missing):
                if reason:
                    c[name].fail(reason)
        if lake_ready:
            c["duckdb_parquet"].fail(lake_ready)
        if q.handwritten_file is not None:
            c["trawl_sql"] = Cell()
            for reason in (
                lake_ready,
                trawl.lacks("sql"),
                None if q.handwritten_text is not None else f"{rel(q.handwritten_file)} is missing",
            ):
                if reason:
                    c["trawl_sql"].fail(reason)
        if raw_reps == 0:
            c["duckdb_raw"].fail("skipped (--raw-reps 0)")
    parquet_setup = duckdb_sql.parquet_view(lake)
    raw_setup = duckdb_sql.raw_view(corpus.root, corpus.files)

    def trawl_query(q: Query, handwritten: bool = False) -> None:
        cell = cells[q.name]["trawl_sql" if handwritten else "trawl"]
        if handwritten:
            assert q.handwritten_text is not None
            command, args = "sql", sql_args(q.handwritten_text, params)
        else:
            command, args = ("search" if q.language == "search" else "sql"), trawl_args(q, params)
        cmd = [trawl.path or "trawl", command, "--lake", str(lake), "--format", "csv", *args]
        done = run(cmd, timeout=timeout)
        if reason := done.failure():
            cell.fail(reason)
            return
        cell.samples.append(Sample(done.wall, done.max_rss, reported_seconds(done.stderr), csv_rows(done.stdout)))

    def duck_query(q: Query, name: str, setup: list[str], limit: float) -> None:
        cell = cells[q.name][name]
        done, answer = duck_job(duck, setup, duckdb_text(q, params), threads, limit)
        record_duck(cell, done, answer)

    for rep in range(reps):
        print(f"  queries on the lake (run {rep + 1}/{reps}) …", flush=True)
        for q in catalogue:
            pair = [
                ("trawl", lambda q=q: trawl_query(q)),
                ("duckdb_parquet", lambda q=q: duck_query(q, "duckdb_parquet", parquet_setup, timeout)),
            ]
            if "trawl_sql" in cells[q.name]:
                pair.insert(1, ("trawl_sql", lambda q=q: trawl_query(q, handwritten=True)))
            for name, job in pair if rep % 2 == 0 else list(reversed(pair)):
                if cells[q.name][name].runnable:
                    job()
    for rep in range(raw_reps):
        print(f"  queries on the raw json.gz (run {rep + 1}/{raw_reps}) …", flush=True)
        for q in catalogue:
            if cells[q.name]["duckdb_raw"].runnable:
                duck_query(q, "duckdb_raw", raw_setup, timeout * 3)
    for q in catalogue:
        compare_rows(cells[q.name])
    return cells


def compare_rows(cells: dict[str, Cell]) -> None:
    """Notes on trawl's cell when its row count differs from DuckDB's on the same Parquet files."""
    trawl_rows, duck_rows = cells["trawl"].rows(), cells["duckdb_parquet"].rows()
    if trawl_rows is not None and duck_rows is not None and trawl_rows != duck_rows:
        cells["trawl"].note(f"row count differs: trawl {trawl_rows}, DuckDB {duck_rows}")
