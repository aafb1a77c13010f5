"""Targets, ratios and the written results: RESULTS.md for people, results.json for tracking."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from .measure import Cell, ratio

GIB = 1 << 30

#: The performance.md targets.
TARGET_EVENTS_PER_S = 300_000
TARGET_RSS = GIB
TARGET_LAKE_SHARE = 0.5
TARGET_VS_TYPED = 10.0
TARGET_VS_AUTO = 2.0
TARGET_QUERY_RATIO = 1.0
TARGET_SEARCH_S = 1.0
TARGET_STATS_VS_SQL = 1.5


@dataclasses.dataclass
class Verdict:
    """One target: what it asks, what was measured, whether it is met and by how much not."""

    target: str
    measured: str
    #: True met, False missed, None not measurable in this run.
    met: bool | None
    note: str = ""

    def cell(self) -> str:
        """The verdict column."""
        return {True: "met", False: "**missed**", None: "not measured"}[self.met]


def fmt_s(seconds: float | None) -> str:
    """A duration: ms under a second, s above."""
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_mb(n: float | None) -> str:
    """Bytes as MB (10^6)."""
    return "—" if n is None else f"{n / 1e6:,.1f} MB"


def fmt_rate(n: float | None) -> str:
    """Events per second in thousands."""
    return "—" if n is None else f"{n / 1000:,.0f} k/s"


def fmt_ratio(r: float | None) -> str:
    """A ratio such as 0.42×."""
    return "—" if r is None else f"{r:.2f}×"


def missed_by(measured: float, target: float, higher_is_better: bool) -> str:
    """How far from the target, in percent of the target."""
    gap = (target - measured) / target if higher_is_better else (measured - target) / target
    return f"missed by {gap * 100:.0f} %"


def events_per_s(cell: Cell, events: int | None) -> float | None:
    """Events per second of wall time (median run)."""
    wall = cell.median_wall()
    return events / wall if events and wall else None


def query_ratios(cells: dict[str, Cell], overhead: dict[str, object]) -> dict[str, float | None]:
    """trawl / DuckDB ratios for one query.

    ``vs_parquet`` (the verdict): trawl's median wall less ``trawl --version``'s (bare process start)
    against DuckDB's median in-process time (connect, view, query, fetch; interpreter start and
    ``import duckdb`` left out). ``vs_parquet_wall`` and ``vs_raw_wall`` compare whole processes.
    """
    trawl, parquet, raw = cells["trawl"], cells["duckdb_parquet"], cells["duckdb_raw"]
    base = overhead.get("trawl_version_s")

    def work(cell: Cell) -> float | None:
        wall = cell.median_wall()
        return max(wall - base, 1e-3) if wall is not None and isinstance(base, float) else wall

    wall = trawl.median_wall()
    found = {
        "vs_parquet": ratio(work(trawl), parquet.median_inprocess()),
        "vs_parquet_wall": ratio(wall, parquet.median_wall()),
        "vs_raw_wall": ratio(wall, raw.median_wall()),
    }
    if "trawl_sql" in cells:
        found["search_vs_sql"] = ratio(work(trawl), work(cells["trawl_sql"]))
    return found


def verdicts(results: dict) -> list[Verdict]:
    """Every performance.md target against this run's figures."""
    out: list[Verdict] = []
    events = results["corpus"].get("events")
    ing: dict[str, Cell] = results["ingest_cells"]
    trawl = ing["trawl"]
    scale = "" if (events or 0) >= 1_000_000 else f" (at {events or 0:,} events; the target is stated for 1 M)"
    cores = results["machine"].get("cpus")
    cores_note = "" if cores == 2 else f" (this machine has {cores} CPUs; the target is for 2 cores)"

    rate = events_per_s(trawl, events)
    if rate is None:
        out.append(Verdict("ingest ≥ 300 k events/s", "—", None, trawl.reason or ""))
    else:
        met = rate >= TARGET_EVENTS_PER_S
        note = "" if met else missed_by(rate, TARGET_EVENTS_PER_S, True)
        out.append(Verdict("ingest ≥ 300 k events/s", fmt_rate(rate), met, note + scale + cores_note))

    rss = trawl.peak_rss()
    if rss is None:
        out.append(Verdict("ingest peak RSS ≤ 1 GiB", "—", None, trawl.reason or ""))
    else:
        met = rss <= TARGET_RSS
        note = "" if met else missed_by(rss, TARGET_RSS, False)
        out.append(Verdict("ingest peak RSS ≤ 1 GiB", f"{rss / GIB:.2f} GiB", met, note + scale))

    for name, label, target in (
        ("duckdb_typed", "ingest ≥ 10× DuckDB typed read_json", TARGET_VS_TYPED),
        ("duckdb_auto", "ingest ≥ 2× DuckDB auto-detected read_json", TARGET_VS_AUTO),
    ):
        speedup = ratio(ing[name].median_wall(), trawl.median_wall())
        if speedup is None:
            out.append(Verdict(label, "—", None, ing[name].reason or trawl.reason or ""))
        else:
            met = speedup >= target
            out.append(
                Verdict(label, fmt_ratio(speedup), met, ("" if met else missed_by(speedup, target, True)) + scale)
            )

    lake_bytes = trawl.extra.get("output_bytes")
    gz = results["corpus"].get("gzip_bytes")
    if isinstance(lake_bytes, int) and gz:
        share = lake_bytes / gz
        met = share <= TARGET_LAKE_SHARE
        out.append(
            Verdict(
                "lake ≤ ½ of the gzip input",
                f"{share:.2f} of the input ({fmt_mb(lake_bytes)} / {fmt_mb(gz)})",
                met,
                "" if met else missed_by(share, TARGET_LAKE_SHARE, False),
            )
        )
    else:
        out.append(Verdict("lake ≤ ½ of the gzip input", "—", None, trawl.reason or "lake size unknown"))

    for q in results["queries"]:
        if not q["group"].startswith("notebook/"):
            continue
        label = f"`{q['name']}` ≤ 1.0× DuckDB on the same Parquet"
        out.append(ratio_verdict(label, q, "vs_parquet", "duckdb_parquet", TARGET_QUERY_RATIO))
        if "trawl_sql" in q["cells"]:
            label = f"search `{q['name']}` ≤ 1.5× the same question in hand-written SQL"
            out.append(ratio_verdict(label, q, "search_vs_sql", "trawl_sql", TARGET_STATS_VS_SQL))

    search = next((q for q in results["queries"] if q["name"] == "free_text"), None)
    wall = search["cells"]["trawl"].median_wall() if search else None
    if wall is None:
        reason = search["cells"]["trawl"].reason if search else "no free_text query"
        out.append(Verdict("free-text search over 1 M events < 1 s", "—", None, reason or ""))
    else:
        met = wall < TARGET_SEARCH_S
        note = "" if met else missed_by(wall, TARGET_SEARCH_S, False)
        out.append(Verdict("free-text search over 1 M events < 1 s", fmt_s(wall), met, note + scale))
    return out


def ratio_verdict(label: str, q: dict, ratio_key: str, other_cell: str, target: float) -> Verdict:
    """A query's ratio against an upper bound, or why it could not be measured."""
    r = q["ratios"].get(ratio_key)
    if r is None:
        return Verdict(label, "—", None, q["cells"]["trawl"].reason or q["cells"][other_cell].reason or "")
    met = r <= target
    return Verdict(label, fmt_ratio(r), met, "" if met else missed_by(r, target, False))


def markdown(results: dict) -> str:
    """RESULTS.md."""
    m, c, lim, ov = results["machine"], results["corpus"], results["limit"], results["overhead"]
    ing: dict[str, Cell] = results["ingest_cells"]
    events = c.get("events")
    lines = [
        "# trawl benchmark results",
        "",
        f"Measured {results['date']} with `{results['command']}` ({results['mode']} mode; runs per job: "
        f"{results['reps']} per query on the lake, {results['ingest_reps']} per ingest, "
        f"{results['raw_reps']} per query on the raw json.gz; medians). Regenerate with the command in "
        "`benches/README.md`; absolute times drift on shared machines, ratios measured in one run do not.",
        "",
        "## Machine",
        "",
        f"- {m.get('cpu_model') or 'unknown CPU'}, {m.get('cpus')} CPUs, {m.get('memory_gib')} GiB RAM, "
        f"{m.get('os')} {m.get('arch')}",
        f"- trawl: {results['tools']['trawl'].get('version') or results['tools']['trawl'].get('reason')} "
        f"(commit {m.get('git_commit') or 'uncommitted'}, {m.get('rustc') or 'rustc unknown'})",
        f"- DuckDB: {results['tools']['duckdb'].get('version') or results['tools']['duckdb'].get('reason')} "
        f"(Python package, threads={results['threads']}); harness Python {m.get('python')}",
        f"- process start-up, median of 5: `trawl --version` {fmt_s(ov.get('trawl_version_s'))}, "
        f"DuckDB worker running `SELECT 1` {fmt_s(ov.get('duckdb_select1_s'))} (Python start, import, connect)",
        "",
        "## Corpus",
        "",
        f"{events:,} events" if events else "event count unknown",
    ]
    lines[-1] += (
        f" in {c.get('files'):,} delivery files ({c.get('source')}): {fmt_mb(c.get('gzip_bytes'))} gzip, "
        f"{fmt_mb(c.get('json_bytes'))} JSON"
        + (f", {c['json_bytes'] / events:,.0f} bytes per event." if events else ".")
    )
    params = results.get("params") or {}
    if params:
        lines += [
            "",
            "Query parameters (bound into both sides' text): " + ", ".join(f"`{k}` = `{v}`" for k, v in params.items()),
        ]

    lines += ["", "## Targets (performance.md)", "", "| target | measured | verdict | note |", "|---|---|---|---|"]
    for v in results["verdicts"]:
        lines.append(f"| {v.target} | {v.measured} | {v.cell()} | {cell_text(v.note)} |")

    lines += [
        "",
        "## Ingest",
        "",
        "Whole processes, start-up included; each run starts from an empty output after "
        f"{results.get('cooldown_s', 0):g} s idle; order alternates per run.",
        "",
        "| job | wall | events/s | gzip MB/s | peak RSS | output | output / gzip | reported | trawl against it |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    labels = {
        "trawl": "`trawl ingest` → partitioned lake",
        "duckdb_typed": "DuckDB `read_json(columns = Athena-like schema)` → Parquet (zstd)",
        "duckdb_auto": "DuckDB `read_json` auto-detected → Parquet (zstd)",
    }
    trawl_wall = ing["trawl"].median_wall()
    for name, cell in ing.items():
        if not cell.samples:
            lines.append(f"| {labels[name]} | {cell_text(cell.reason or 'not run')} | | | | | | | |")
            continue
        wall = cell.median_wall()
        out_bytes = cell.extra.get("output_bytes")
        share = out_bytes / c["gzip_bytes"] if isinstance(out_bytes, int) and c.get("gzip_bytes") else None
        speed = ratio(wall, trawl_wall) if name != "trawl" else None
        lines.append(
            f"| {labels[name]} | {fmt_s(wall)} | {fmt_rate(events_per_s(cell, events))} | "
            f"{(c.get('gzip_bytes') or 0) / 1e6 / wall:,.1f} | {fmt_mb(cell.peak_rss())} | {fmt_mb(out_bytes)} | "
            f"{'—' if share is None else f'{share:.2f}'} | {fmt_s(cell.median_engine())} | "
            f"{versus(speed)} |"
        )

    lines += [
        "",
        "## Queries",
        "",
        "trawl runs each query as `trawl sql|search --lake … --format csv`, a new process per run (lake "
        "registration and planning included; *reported* is the time trawl prints, when it does). DuckDB runs the "
        "translation kept beside it in `benches/queries/`, in a new worker process per run, over a view of the "
        "same Parquet files or of the raw json.gz (typed schema); *in-process* is connect + view + query + "
        "fetch. **Ratio** = (trawl wall − `trawl --version` wall) ÷ DuckDB in-process: process start is left "
        "out on both sides; below 1.0× trawl is faster. *Wall ratio* and *vs json.gz* compare whole processes.",
        "",
        "| query | trawl wall | trawl reported | DuckDB Parquet wall | in-process | DuckDB json.gz wall "
        "| ratio | wall ratio | vs json.gz | rows |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for q in results["queries"]:
        cells, r = q["cells"], q["ratios"]
        t, p, raw = cells["trawl"], cells["duckdb_parquet"], cells["duckdb_raw"]
        lines.append(
            f"| {q['group']}/`{q['name']}` | {cell_time(t)} | {fmt_s(t.median_engine())} | {cell_time(p)} | "
            f"{fmt_s(p.median_inprocess())} | {cell_time(raw)} | **{fmt_ratio(r['vs_parquet'])}** | "
            f"{fmt_ratio(r['vs_parquet_wall'])} | {fmt_ratio(r['vs_raw_wall'])} | {rows_cell(t, p)} |"
        )

    twins = [q for q in results["queries"] if "trawl_sql" in q["cells"]]
    if twins:
        lines += [
            "",
            "### Search against hand-written SQL",
            "",
            "Each search-language query next to the same question written by hand in Athena SQL "
            "(`benches/queries/**/<name>.handwritten.sql`), both run by trawl on the same lake in the same "
            "repetitions. **Ratio** = search ÷ SQL, process start left out.",
            "",
            "| query | search wall | hand-written SQL wall | ratio | rows (search / SQL) |",
            "|---|---|---|---|---|",
        ]
        for q in twins:
            t, h = q["cells"]["trawl"], q["cells"]["trawl_sql"]
            lines.append(
                f"| {q['group']}/`{q['name']}` | {cell_time(t)} | {cell_time(h)} | "
                f"**{fmt_ratio(q['ratios'].get('search_vs_sql'))}** | {rows_cell(t, h)} |"
            )

    lines += ["", "## Inflate + parse limit", ""]
    lines += limit_lines(lim, ing["trawl"], events, m.get("cpus"))

    notes = [
        f"- {where}: {text}"
        for where, cell in [(f"ingest {k}", v) for k, v in ing.items()]
        + [(f"{q['name']} {k}", v) for q in results["queries"] for k, v in q["cells"].items()]
        for text in ([cell.reason] if cell.reason else []) + cell.notes
    ]
    if notes:
        lines += ["", "## What did not run, and remarks", "", *notes]
    lines += [
        "",
        "## How this was measured",
        "",
        "- Every job is a child process; wall time is spawn to exit, peak RSS is the child's own `ru_maxrss` "
        "(`os.wait4`). The page cache is warm (the corpus is read once before any timing).",
        "- Ingest and query jobs alternate their order from one repetition to the next; figures are medians. "
        f"Each ingest run starts after {results.get('cooldown_s', 0):g} s idle (`--cooldown`), so that none "
        "inherits the previous job's load, which slows the next job on a shared VM.",
        "- DuckDB's typed read uses the Athena-like schema in `benches/trawlbench/duckdb_sql.py` (JSON for "
        "the free-form objects, cast to VARCHAR); the auto-detected read is the common blog recipe "
        "(`unnest(Records)` of an inferred schema, whose types drift).",
        "- Search-language queries are translated for DuckDB with a whole-token regex over the text of every "
        "record column (`has_token`); struct keys become searchable text there, a small over-approximation.",
        "",
    ]
    return "\n".join(lines)


def versus(speed: float | None) -> str:
    """How trawl compares with another job, from their wall-time ratio (other ÷ trawl)."""
    if speed is None:
        return ""
    return f"trawl {speed:.1f}× faster" if speed >= 1 else f"trawl {1 / speed:.1f}× slower"


def cell_text(text: str) -> str:
    """Text made safe for a Markdown table cell."""
    return text.replace("|", "\\|")


def cell_time(cell: Cell) -> str:
    """A cell's median wall time, or why it has none."""
    if cell.samples:
        return fmt_s(cell.median_wall())
    return "n/a" if cell.reason else "—"


def rows_cell(trawl: Cell, duck: Cell) -> str:
    """Result rows of both sides, flagged when they differ."""
    a, b = trawl.rows(), duck.rows()
    if a is None and b is None:
        return "—"
    if a is not None and b is not None and a != b:
        return f"**{a} vs {b}**"
    return str(a if a is not None else b)


def limit_lines(lim: dict, trawl: Cell, events: int | None, cpus: int | None) -> list[str]:
    """The limit section: each estimate of the ceiling, where it comes from, trawl's share of it."""
    cores = cpus or 1
    rate = events_per_s(trawl, events)
    out = [f"- {reason}" for reason in lim.get("reasons", [])]
    if out:
        out = ["Not measured:", *out, ""]
    rows = lim.get("rows", [])
    if not rows:
        return out or ["Not computed."]
    out += [
        f"One core per row, then × {cores} cores (files are independent). The ingest share is trawl's "
        "events/s (median run) against that ceiling.",
        "",
        f"| ceiling measured with | inflate speed | events/s, 1 core | × {cores} cores | trawl's share |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        per_core = row["events_per_s_per_core"]
        inflate = row.get("inflate_bytes_per_s")
        share = f"{rate / (per_core * cores) * 100:.0f} %" if rate else "—"
        out.append(
            f"| {row['label']} | {'—' if not inflate else f'{inflate / 1e6:,.0f} MB/s'} | {fmt_rate(per_core)} | "
            f"{fmt_rate(per_core * cores)} | {share} |"
        )
    return out


def to_json(results: dict) -> dict:
    """results.json: the run's plain data (cells as dicts, verdicts as dicts)."""
    data = {k: v for k, v in results.items() if k not in ("ingest_cells", "queries", "verdicts")}
    data["ingest"] = {k: v.to_json() for k, v in results["ingest_cells"].items()}
    data["queries"] = [
        {**{k: v for k, v in q.items() if k != "cells"}, "cells": {k: v.to_json() for k, v in q["cells"].items()}}
        for q in results["queries"]
    ]
    data["verdicts"] = [dataclasses.asdict(v) for v in results["verdicts"]]
    return data


def write(results: dict, out_dir: Path, history: bool) -> tuple[Path, Path]:
    """Writes RESULTS.md and results.json into ``out_dir`` (and appends to history.jsonl if asked)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js = out_dir / "RESULTS.md", out_dir / "results.json"
    md.write_text(markdown(results))
    data = to_json(results)
    js.write_text(json.dumps(data, indent=2) + "\n")
    if history:
        with (out_dir / "history.jsonl").open("a") as f:
            f.write(json.dumps(data, separators=(",", ":")) + "\n")
    return md, js
