#!/usr/bin/env python3
"""trawl's benchmark: ingest and queries against DuckDB on the same generated CloudTrail corpus.

    python3 benches/bench.py            # 1 M events, writes benches/RESULTS.md and benches/results.json
    python3 benches/bench.py --10m      # 10 M events
    python3 benches/bench.py --quick    # ~20 k events, one repetition, results under the work folder

See benches/README.md for what is measured and how. Python 3.11 standard library only; DuckDB is
installed by the harness into a virtual environment of its own.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from trawlbench import corpus as corpus_mod  # noqa: E402
from trawlbench import queries as queries_mod  # noqa: E402
from trawlbench import limit as limit_mod  # noqa: E402
from trawlbench import report, stages, tools  # noqa: E402
from trawlbench.measure import Cell  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench.py",
        description="Benchmark trawl against DuckDB on a generated CloudTrail corpus.",
    )
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="~20 k events, one repetition (the test suite's mode)")
    size.add_argument("--10m", dest="ten_m", action="store_true", help="10 M events instead of 1 M")
    size.add_argument("--records", type=int, help="exactly this many events")
    size.add_argument("--trails", type=Path, help="use this folder of CloudTrail files instead of generating one")
    p.add_argument("--seed", type=int, default=7, help="generator seed [%(default)s]")
    p.add_argument("--reps", type=int, help="repetitions per query on the lake [5; --quick 1]")
    p.add_argument("--ingest-reps", type=int, help="repetitions per ingest job [3; --quick 1]")
    p.add_argument(
        "--cooldown",
        type=float,
        help="idle seconds before every ingest run, so none starts under the previous one's load [20; --quick 0]",
    )
    p.add_argument("--raw-reps", type=int, help="repetitions per DuckDB query on the raw json.gz, 0 to skip [1]")
    p.add_argument(
        "--threads", type=int, default=os.cpu_count() or 2, help="DuckDB threads; trawl uses every core [%(default)s]"
    )
    p.add_argument("--timeout", type=float, default=3600, help="seconds before one job is killed [%(default)s]")
    p.add_argument(
        "--work", type=Path, default=tools.CACHE / "bench", help="corpora, lakes and scratch files [%(default)s]"
    )
    p.add_argument("--out", type=Path, help="where RESULTS.md and results.json go [benches/; --quick: WORK/quick]")
    p.add_argument("--no-build", action="store_true", help="do not build trawl when its binary is missing")
    p.add_argument("--no-install", action="store_true", help="do not create a venv and pip install DuckDB")
    p.add_argument("--duckdb-spec", default="duckdb", help="what `pip install` gets for DuckDB [%(default)s]")
    p.add_argument(
        "--criterion",
        action=argparse.BooleanOptionalAction,
        help="run trawl-ingest's Criterion hot-path benchmark on the corpus for the limit [on; --quick off]",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 when any job failed or could not run")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    mode = "quick" if args.quick else "10m" if args.ten_m else "custom" if (args.records or args.trails) else "1m"
    records = args.records or (20_000 if args.quick else 10_000_000 if args.ten_m else 1_000_000)
    reps = args.reps or (1 if args.quick else 5)
    ingest_reps = args.ingest_reps or (1 if args.quick else 3)
    cooldown = args.cooldown if args.cooldown is not None else (0.0 if args.quick else 20.0)
    if cooldown < 0:
        print(f"error: --cooldown {cooldown:g} is negative; give the idle seconds, e.g. 20", file=sys.stderr)
        return 2
    raw_reps = 1 if args.raw_reps is None else args.raw_reps
    work = args.work / mode
    out_dir = args.out or (work if args.quick else tools.BENCHES)
    work.mkdir(parents=True, exist_ok=True)

    print("trawl benchmark:", mode, flush=True)
    trawl = tools.find_trawl(build=not args.no_build)
    duck = tools.find_duckdb(install=not args.no_install, spec=args.duckdb_spec)
    for tool in (trawl, duck):
        print(f"  {tool.name}: {tool.version or ''} {tool.path or ''}{' — ' + tool.reason if tool.reason else ''}")

    if args.trails:
        if not args.trails.is_dir():
            print(f"error: --trails {args.trails} is not a folder", file=sys.stderr)
            return 2
        corpus, why = corpus_mod.describe(args.trails.resolve(), None), None
        source = f"the files under {args.trails}"
    else:
        print(f"generating {records:,} events (seed {args.seed}) …", flush=True)
        corpus, why = corpus_mod.generate(trawl, args.work / f"trails-{records}-{args.seed}", records, args.seed)
        source = f"`trawl gen --records {records} --seed {args.seed}`"
    if corpus is None or not corpus.files:
        why = why or f"no CloudTrail files under {args.trails}"
        print(f"error: no corpus to benchmark: {why}", file=sys.stderr)
        return 2
    warm_page_cache(corpus.files)
    params = corpus_mod.parameters(corpus)

    print("measuring start-up overhead …", flush=True)
    overhead = stages.overhead(trawl, duck, args.threads)
    print("ingest …", flush=True)
    ingest_cells, lake = stages.ingest(
        trawl, duck, corpus, work, ingest_reps, cooldown, args.threads, args.timeout
    )
    if corpus.events is None:
        corpus.events = counted_events(ingest_cells)
    print("inflate limit …", flush=True)
    use_criterion = not args.quick if args.criterion is None else args.criterion
    limit = limit_mod.measure(corpus, work, use_criterion, args.timeout)

    trawl_ingest = ingest_cells["trawl"]
    lake_ready = None if trawl_ingest.ok() else f"no lake: trawl ingest did not run ({trawl_ingest.reason})"
    catalogue = queries_mod.load()
    print(f"queries ({len(catalogue)}) …", flush=True)
    query_cells = stages.queries(
        trawl, duck, corpus, lake, catalogue, params, reps, raw_reps, args.threads, args.timeout, lake_ready
    )

    results: dict = {
        "schema_version": 1,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python3 benches/bench.py " + shlex.join(argv) if argv else "python3 benches/bench.py",
        "mode": mode,
        "reps": reps,
        "ingest_reps": ingest_reps,
        "cooldown_s": cooldown,
        "raw_reps": raw_reps,
        "threads": args.threads,
        "machine": tools.machine(),
        "tools": {
            t.name: {"path": t.path, "version": t.version, "reason": t.reason, "commands": sorted(t.commands)}
            for t in (trawl, duck)
        },
        "corpus": {
            "source": source,
            "root": str(corpus.root),
            "files": len(corpus.files),
            "gzip_bytes": corpus.gzip_bytes,
            "json_bytes": corpus.json_bytes,
            "events": corpus.events,
            "generate_seconds": corpus.generated.wall if corpus.generated else None,
        },
        "params": params,
        "overhead": overhead,
        "limit": limit,
        "ingest_cells": ingest_cells,
        "queries": [
            {
                "name": q.name,
                "group": q.group,
                "language": q.language,
                "trawl_file": queries_mod.rel(q.trawl_file),
                "duckdb_file": queries_mod.rel(q.duckdb_file),
                "cells": query_cells[q.name],
                "ratios": report.query_ratios(query_cells[q.name], overhead),
            }
            for q in catalogue
        ],
    }
    results["verdicts"] = report.verdicts(results)
    md, js = report.write(results, out_dir, history=not args.quick)
    print(f"wrote {md} and {js}")
    for v in results["verdicts"]:
        print(f"  {v.cell():>12}  {v.target}: {v.measured} {v.note}")
    if args.strict:
        failed = all_cells(results)
        if failed:
            print("failures (--strict):", *failed, sep="\n  ", file=sys.stderr)
            return 1
    return 0


def warm_page_cache(files: list[Path]) -> None:
    """Reads every file once so that no engine pays for the first read from disk."""
    for p in files:
        with p.open("rb") as f:
            while f.read(1 << 20):
                pass


def counted_events(cells: dict[str, Cell]) -> int | None:
    """The corpus' event count when the generator did not give it: from trawl's or DuckDB's ingest."""
    summary = cells["trawl"].extra.get("summary")
    if isinstance(summary, dict) and isinstance(summary.get("records_read"), int):
        return summary["records_read"]
    return cells["duckdb_typed"].rows()


def all_cells(results: dict) -> list[str]:
    """Every job that failed or could not run, as `where: why` lines."""
    failed = [f"ingest {k}: {c.reason}" for k, c in results["ingest_cells"].items() if not c.ok()]
    for q in results["queries"]:
        for k, c in q["cells"].items():
            if not c.ok() and not (k == "duckdb_raw" and results["raw_reps"] == 0):
                failed.append(f"{q['name']} {k}: {c.reason}")
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
