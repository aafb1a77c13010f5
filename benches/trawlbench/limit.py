"""The decompress + parse ceiling: how fast any ingest could go on these files and this machine.

Three sources, each labelled in the results:
- ``criterion``: trawl-ingest's Criterion benchmark (``crates/trawl-ingest/benches/hot_paths.rs``) run on
  a sample of the corpus' own files: trawl's inflate (libdeflate), serde_json ``RawValue`` split, and
  trawl's own decoder into Arrow, one core each;
- ``zcat``: ``gzip -dc`` over the whole corpus (stock zlib, one core), with the parse anchor;
- ``anchor``: performance.md's figures only.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .corpus import Corpus
from .proc import last_lines, run
from .tools import REPO, target_dir

#: One core's speed for a typed serde_json parse of a record (performance.md, measured in Rust).
PARSE_RECORDS_PER_S_ANCHOR = 294_000
#: One core's gzip inflate speed with flate2 + zlib-rs, bytes of output per second (performance.md).
INFLATE_BYTES_PER_S_ANCHOR = 910e6
#: Delivery files the Criterion benchmark reads from the corpus (in path order).
CRITERION_FILES = 64


def per_core(bytes_per_event: float, inflate_bytes_per_s: float, parse_events_per_s: float) -> float:
    """Events per second one core can inflate and parse, the two steps one after the other."""
    return 1 / (bytes_per_event / inflate_bytes_per_s + 1 / parse_events_per_s)


def measure(corpus: Corpus, work: Path, use_criterion: bool, timeout: float) -> dict[str, object]:
    """Every available estimate of the ceiling, as rows ``{source, label, inflate_bytes_per_s,
    events_per_s_per_core}``, plus reasons for the sources that could not be measured."""
    out: dict[str, object] = {"rows": [], "reasons": []}
    rows: list[dict[str, object]] = out["rows"]  # type: ignore[assignment]
    reasons: list[str] = out["reasons"]  # type: ignore[assignment]
    if not corpus.events or not corpus.files:
        reasons.append("the corpus' event count is unknown")
        return out
    bytes_per_event = corpus.json_bytes / corpus.events

    if use_criterion:
        bench = criterion(corpus, work, timeout)
        if "reason" in bench:
            reasons.append(f"Criterion: {bench['reason']}")
        else:
            out["criterion"] = bench
            inflate = bench.get("inflate", {}).get("per_s")
            split = bench.get("split", {}).get("per_s")
            full = bench.get("inflate_split_decode", {}).get("per_s")
            if inflate and split:
                rows.append(
                    {
                        "source": "criterion",
                        "label": f"Criterion on {bench['files']} of these files: libdeflate inflate + RawValue split",
                        "inflate_bytes_per_s": inflate,
                        "events_per_s_per_core": per_core(bytes_per_event, inflate, split),
                    }
                )
            if full:
                rows.append(
                    {
                        "source": "criterion",
                        "label": f"Criterion on {bench['files']} of these files: inflate + split + Arrow decoder",
                        "inflate_bytes_per_s": inflate,
                        "events_per_s_per_core": full,
                    }
                )

    zcat = gzip_speed(corpus, timeout)
    if isinstance(zcat, str):
        reasons.append(f"gzip -dc: {zcat}")
    else:
        rows.append(
            {
                "source": "zcat",
                "label": "`gzip -dc` on the whole corpus (stock zlib) + performance.md parse anchor",
                "inflate_bytes_per_s": zcat,
                "events_per_s_per_core": per_core(bytes_per_event, zcat, PARSE_RECORDS_PER_S_ANCHOR),
            }
        )
    rows.append(
        {
            "source": "anchor",
            "label": "performance.md anchors only (zlib-rs inflate, typed serde_json parse)",
            "inflate_bytes_per_s": INFLATE_BYTES_PER_S_ANCHOR,
            "events_per_s_per_core": per_core(bytes_per_event, INFLATE_BYTES_PER_S_ANCHOR, PARSE_RECORDS_PER_S_ANCHOR),
        }
    )
    return out


def gzip_speed(corpus: Corpus, timeout: float) -> float | str:
    """Bytes of JSON per second ``gzip -dc`` inflates over the corpus, or why it could not."""
    gz = shutil.which("gzip")
    if gz is None:
        return "gzip is not on PATH"
    wall = 0.0
    # Few processes over many files each: the per-file start-up stays out of the figure.
    for i in range(0, len(corpus.files), 500):
        done = run([gz, "-dc", *map(str, corpus.files[i : i + 500])], timeout=timeout, discard_stdout=True)
        if not done.ok:
            return done.failure() or "failed"
        wall += done.wall
    return corpus.json_bytes / wall


def criterion(corpus: Corpus, work: Path, timeout: float) -> dict:
    """Runs the hot-path Criterion benchmark on the corpus' first files; per-bench medians."""
    if shutil.which("cargo") is None:
        return {"reason": "cargo is not on PATH"}
    home = work / "criterion"
    env = dict(
        os.environ,
        CARGO_TARGET_DIR=str(target_dir()),
        CRITERION_HOME=str(home),
        TRAWL_BENCH_TRAILS=str(corpus.root),
        TRAWL_BENCH_FILES=str(CRITERION_FILES),
    )
    print("  cargo bench -p trawl-ingest --bench hot_paths (builds it first when needed) …", flush=True)
    cmd = ["cargo", "bench", "-p", "trawl-ingest", "--bench", "hot_paths", "--", "--noplot"]
    done = run(cmd, timeout=timeout, env=env, cwd=REPO)
    if not done.ok:
        return {"reason": f"`{' '.join(cmd)}` failed: {last_lines(done.stderr or done.stdout, 2)}"}
    return read_estimates(home / "ingest", min(CRITERION_FILES, len(corpus.files)))


def read_estimates(group: Path, files: int) -> dict:
    """Median time per iteration and throughput of each benchmark of a Criterion group folder."""
    found: dict[str, object] = {"files": files}
    for bench in ("inflate", "split", "split_decode", "inflate_split_decode"):
        try:
            meta = json.loads((group / bench / "new" / "benchmark.json").read_text())
            estimates = json.loads((group / bench / "new" / "estimates.json").read_text())
        except (OSError, ValueError):
            continue
        seconds = estimates["median"]["point_estimate"] / 1e9
        throughput = meta.get("throughput") or {}
        amount = throughput.get("Bytes") or throughput.get("Elements")
        found[bench] = {
            "seconds": seconds,
            "unit": next(iter(throughput), None),
            "per_s": amount / seconds if amount else None,
        }
    if len(found) == 1:
        return {"reason": f"no Criterion estimates under {group}"}
    return found
