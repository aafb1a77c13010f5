"""Runs one DuckDB job for the harness, in its own process (the venv's Python, which has duckdb).

Reads a JSON job on stdin: ``{"threads": 2, "setup": [sql, ...], "statement": sql}``. Connects, runs
the setup statements (views, macros), then the statement once. Prints ``{"rows": N,
"engine_seconds": T, "inprocess_seconds": U}`` on stdout: T from execute to the last row fetched, U
from connect to the last row (interpreter start and ``import duckdb`` excluded). For a ``COPY``,
``rows`` is the number of rows written. On error prints ``{"error": "..."}`` and exits 1.
"""

import json
import sys
import time


def main() -> int:
    job = json.load(sys.stdin)
    try:
        import duckdb
    except ImportError as e:
        print(json.dumps({"error": f"cannot import duckdb: {e}"}))
        return 1
    try:
        began = time.perf_counter()
        con = duckdb.connect()
        con.execute(f"SET threads = {int(job.get('threads', 2))}")
        for statement in job.get("setup", []):
            con.execute(statement)
        start = time.perf_counter()
        rows = con.execute(job["statement"]).fetchall()
        done = time.perf_counter()
    except duckdb.Error as e:
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
        return 1
    is_copy = job["statement"].lstrip().upper().startswith("COPY")
    count = int(rows[0][0]) if is_copy and rows else len(rows)
    print(json.dumps({"rows": count, "engine_seconds": done - start, "inprocess_seconds": done - began}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
