"""trawl's benchmark harness: trawl against DuckDB on the same generated CloudTrail corpus.

The entry point is ``benches/bench.py``; see ``benches/README.md``. Standard library only: DuckDB
runs in a child process of its own Python (``duck_worker.py``), so the harness measures every job
as a separate process, wall time and peak RSS included.
"""
