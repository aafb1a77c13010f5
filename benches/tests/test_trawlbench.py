"""Tests of the benchmark harness: its pure logic, its DuckDB SQL on a tiny corpus, and `--quick`.

    python3 -m unittest discover -s benches/tests -v

The DuckDB tests need a Python with duckdb ($TRAWL_PYTHON, or the harness's venv); the end-to-end
test needs a trawl binary with every command the harness drives ($TRAWL_BIN, or the release build).
Each is skipped, saying why, when its piece is missing.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

BENCHES = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCHES))

from trawlbench import corpus, duckdb_sql, limit, queries, report, stages, tools  # noqa: E402
from trawlbench.measure import Cell, Sample, reported_seconds  # noqa: E402
from trawlbench.proc import run  # noqa: E402

ACCOUNT = "111122223333"


def record(i: int, user: str, **extra: object) -> dict:
    """A CloudTrail record as CloudTrail writes it (camelCase keys)."""
    r = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": f"AIDA{i}",
            "arn": f"arn:aws:iam::{ACCOUNT}:user/{user}",
            "accountId": ACCOUNT,
            "userName": user,
            "sessionContext": {"sessionIssuer": {}, "attributes": {"mfaAuthenticated": "false"}},
        },
        "eventTime": f"2024-05-02T{i % 24:02d}:00:00Z",
        "eventSource": "s3.amazonaws.com",
        "eventName": "GetObject",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "aws-cli/2.15",
        "requestParameters": {"bucketName": f"bucket-{i % 3}", "key": "a/b"},
        "responseElements": None,
        "requestID": f"R{i}",
        "eventID": f"E{i}",
        "readOnly": True,
        "resources": [{"ARN": "arn:aws:s3:::bucket-0", "accountId": ACCOUNT, "type": "AWS::S3::Bucket"}],
        "eventType": "AwsApiCall",
        "apiVersion": "2006-03-01",
        "recipientAccountId": ACCOUNT,
    }
    r.update(extra)
    return r


def write_corpus(root: Path) -> Path:
    """Two delivery files, 30 records, one failing user (`mallory`)."""
    day = root / "AWSLogs" / ACCOUNT / "CloudTrail" / "us-east-1" / "2024" / "05" / "02"
    day.mkdir(parents=True)
    for f in range(2):
        recs = [record(f * 15 + i, "alice") for i in range(12)]
        recs += [record(100 + f * 3 + i, "mallory", errorCode="AccessDenied") for i in range(3)]
        name = f"{ACCOUNT}_CloudTrail_us-east-1_20240502T0{f}00Z_{f:016x}.json.gz"
        (day / name).write_bytes(gzip.compress(json.dumps({"Records": recs}).encode()))
    return root


class BindingTest(unittest.TestCase):
    def test_sql_binds_db_name_and_known_parameters_only(self) -> None:
        text = (
            'select x::VARCHAR from "{db_name}"."cloudtrail" where arn = :arn and y = :other and z like \'arn:aws:%\''
        )
        bound = queries.bind_sql(text, {"arn": "arn:aws:iam::1:user/o'neil"})
        self.assertEqual(
            bound,
            "select x::VARCHAR from \"security_analysis\".\"cloudtrail\" where arn = 'arn:aws:iam::1:user/o''neil' "
            "and y = :other and z like 'arn:aws:%'",
        )

    def test_longer_parameter_names_win(self) -> None:
        bound = queries.bind_sql(":user_identity_name :user", {"user": "a", "user_identity_name": "b"})
        self.assertEqual(bound, "'b' 'a'")

    def test_trawl_gets_values_as_bound_params_and_the_text_after_a_separator(self) -> None:
        text = '-- c\nselect * from "{db_name}".cloudtrail where a = :arn'
        args = queries.sql_args(text, {"arn": "x' OR '1'='1", "b": "y"})
        bound = '-- c\nselect * from "security_analysis".cloudtrail where a = :arn'
        self.assertEqual(args, ["--param=arn=x' OR '1'='1", "--", bound])

    def test_search_escapes_for_a_double_quoted_value(self) -> None:
        bound = queries.bind_search('"{term}" | count', {"term": 'a"b\\c'})
        self.assertEqual(bound, '"a\\"b\\\\c" | count')


class CatalogueTest(unittest.TestCase):
    def test_every_query_has_both_sides(self) -> None:
        found = queries.load()
        self.assertTrue(any(q.group == "hunting" for q in found))
        for q in found:
            if q.group == "hunting" or q.trawl_text is not None:
                self.assertIsNone(q.duckdb_missing, q.name)
            if q.group == "hunting":
                self.assertIsNone(q.trawl_missing, q.name)

    def test_every_search_query_has_a_handwritten_sql_twin(self) -> None:
        searches = [q for q in queries.load() if q.language == "search"]
        self.assertEqual({q.name for q in searches}, {"q1_failed_calls", "q2_user_activity", "free_text"})
        for q in searches:
            self.assertIsNotNone(q.handwritten_text, q.name)

    def test_hunting_queries_cover_the_issue(self) -> None:
        names = {q.name for q in queries.load() if q.group == "hunting"}
        for wanted in (
            "time_pruned",
            "partition_pruned",
            "json_path",
            "like_request_params",
            "groupby_arn",
            "free_text",
        ):
            self.assertIn(wanted, names)

    def test_missing_sides_are_reported(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            sql = Path(tmp) / "sql" / "nb"
            sql.mkdir(parents=True)
            (sql / "a.sql").write_text("select 1")
            (Path(tmp) / "q" / "hunting").mkdir(parents=True)
            found = queries.load(Path(tmp) / "sql", Path(tmp) / "q")
        self.assertEqual([(q.name, q.group) for q in found], [("a", "notebook/nb")])
        self.assertIn("no DuckDB translation", found[0].duckdb_missing or "")


class MeasureTest(unittest.TestCase):
    def test_reported_seconds_takes_the_last_duration(self) -> None:
        self.assertAlmostEqual(reported_seconds("planning 3 ms\n12 rows in 45.5 ms\n") or 0, 0.0455)
        self.assertAlmostEqual(reported_seconds("done in 1.25 s") or 0, 1.25)
        self.assertIsNone(reported_seconds("12 rows"))

    def test_cell_keeps_the_first_reason_on_one_line(self) -> None:
        cell = Cell()
        cell.fail("Binder Error:\n  column x\n")
        cell.fail("later")
        self.assertEqual(cell.reason, "Binder Error: column x")
        self.assertFalse(cell.runnable)

    def test_medians(self) -> None:
        cell = Cell(samples=[Sample(3.0, 10), Sample(1.0, 30, engine=0.5), Sample(2.0, 20)])
        self.assertEqual(cell.median_wall(), 2.0)
        self.assertEqual(cell.median_engine(), 0.5)
        self.assertEqual(cell.peak_rss(), 30)


class ProcTest(unittest.TestCase):
    def test_peak_rss_is_the_childs(self) -> None:
        done = run([sys.executable, "-c", "b = bytearray(200 << 20); b[::4096] = b'x' * len(b[::4096])"])
        self.assertTrue(done.ok, done.stderr)
        self.assertGreater(done.max_rss, 150 << 20)

    def test_timeout_kills_the_job(self) -> None:
        done = run([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
        self.assertTrue(done.timed_out)
        self.assertIn("timed out", done.failure() or "")

    def test_failure_names_the_exit_code_and_stderr(self) -> None:
        done = run([sys.executable, "-c", "import sys; sys.exit('boom')"])
        self.assertIn("exit 1", done.failure() or "")
        self.assertIn("boom", done.failure() or "")

    def test_clap_help_commands(self) -> None:
        text = (
            "Usage: trawl <COMMAND>\n\nCommands:\n  ingest  Take raw\n          files\n"
            "  lake    Inspect\n  help    Print\n\nOptions:\n  -h"
        )
        self.assertEqual(tools.help_commands(text), ["ingest", "lake", "help"])


class CorpusTest(unittest.TestCase):
    def test_sizes_and_parameters(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            c = corpus.describe(write_corpus(Path(tmp)), 30)
            self.assertEqual(len(c.files), 2)
            self.assertEqual(c.json_bytes, sum(len(gzip.decompress(p.read_bytes())) for p in c.files))
            params = corpus.parameters(c)
        self.assertEqual((params["account"], params["region"], params["day"]), (ACCOUNT, "us-east-1", "2024/05/02"))
        self.assertEqual(params["arn"], f"arn:aws:iam::{ACCOUNT}:user/mallory")
        self.assertEqual(params["term"], "mallory")
        self.assertEqual((params["start"], params["end"]), ("2024-05-02T06:00:00Z", "2024-05-02T12:00:00Z"))

    def test_planted_incident_wins(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            c = corpus.describe(write_corpus(Path(tmp)), 30, f"arn:aws:iam::{ACCOUNT}:user/alice")
            self.assertEqual(corpus.parameters(c)["user_identity_name"], "alice")


class LimitTest(unittest.TestCase):
    def test_inflate_and_parse_combine_per_event(self) -> None:
        # 1 µs to inflate 1000 bytes at 1 GB/s plus 4 µs to parse at 250 k/s: 200 k events/s.
        self.assertAlmostEqual(limit.per_core(1000, 1e9, 250_000), 200_000)

    def test_criterion_estimates_are_read_as_rates(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            for name, throughput, ns in (("inflate", {"Bytes": 2_000_000}, 2e6), ("split", {"Elements": 500}, 1e6)):
                d = Path(tmp, name, "new")
                d.mkdir(parents=True)
                (d / "benchmark.json").write_text(json.dumps({"throughput": throughput}))
                (d / "estimates.json").write_text(json.dumps({"median": {"point_estimate": ns}}))
            found = limit.read_estimates(Path(tmp), 64)
        self.assertAlmostEqual(found["inflate"]["per_s"], 1e9)
        self.assertAlmostEqual(found["split"]["per_s"], 500_000)
        self.assertNotIn("split_decode", found)

    def test_unknown_event_count_is_a_reason(self) -> None:
        c = corpus.Corpus(Path("."), [], 0, 0, None)
        self.assertEqual(limit.measure(c, Path("."), False, 10)["reasons"], ["the corpus' event count is unknown"])


class VerdictTest(unittest.TestCase):
    def results(self, trawl_wall: float, rss: int) -> dict:
        trawl = Cell(samples=[Sample(trawl_wall, rss)], extra={"output_bytes": 40})
        typed = Cell(samples=[Sample(trawl_wall * 20, rss)])
        auto = Cell(samples=[Sample(trawl_wall, rss)])
        return {
            "corpus": {"events": 1_000_000, "gzip_bytes": 100},
            "machine": {"cpus": 2},
            "ingest_cells": {"trawl": trawl, "duckdb_typed": typed, "duckdb_auto": auto},
            "queries": [],
        }

    def test_met_and_missed_with_the_gap(self) -> None:
        v = {x.target: x for x in report.verdicts(self.results(4.0, 2 << 30))}
        rate = v["ingest ≥ 300 k events/s"]
        self.assertFalse(rate.met)
        self.assertIn("missed by 17 %", rate.note)  # 250 k/s against 300 k/s
        self.assertFalse(v["ingest peak RSS ≤ 1 GiB"].met)
        self.assertTrue(v["ingest ≥ 10× DuckDB typed read_json"].met)
        self.assertFalse(v["ingest ≥ 2× DuckDB auto-detected read_json"].met)
        self.assertTrue(v["lake ≤ ½ of the gzip input"].met)
        self.assertIsNone(v["free-text search over 1 M events < 1 s"].met)

    def test_search_is_judged_against_its_handwritten_sql(self) -> None:
        results = self.results(2.0, 1 << 29)
        cells = {
            "trawl": Cell(samples=[Sample(0.31, 1)]),
            "trawl_sql": Cell(samples=[Sample(0.11, 1)]),
            "duckdb_parquet": Cell(),
            "duckdb_raw": Cell(),
        }
        ratios = report.query_ratios(cells, {"trawl_version_s": 0.01})
        self.assertAlmostEqual(ratios["search_vs_sql"], 3.0)
        results["queries"] = [{"name": "q1", "group": "notebook/n", "cells": cells, "ratios": ratios}]
        v = {x.target: x for x in report.verdicts(results)}
        verdict = v["search `q1` ≤ 1.5× the same question in hand-written SQL"]
        self.assertFalse(verdict.met)
        self.assertIn("missed by 100 %", verdict.note)

    def test_markdown_names_every_target(self) -> None:
        results = self.results(2.0, 1 << 29)
        results.update(
            date="d",
            command="c",
            mode="1m",
            reps=5,
            ingest_reps=3,
            raw_reps=1,
            threads=2,
            params={},
            overhead={},
            limit={"rows": [], "reasons": ["x"]},
            tools={"trawl": {"version": "t"}, "duckdb": {"version": "d"}},
        )
        results["corpus"].update(files=1, json_bytes=1000, source="s")
        results["verdicts"] = report.verdicts(results)
        text = report.markdown(results)
        self.assertIn("| ingest ≥ 300 k events/s | 500 k/s | met |", text)
        json.dumps(report.to_json(results))


def duckdb_python() -> str | None:
    """A Python that imports duckdb, without installing anything."""
    tool = tools.find_duckdb(install=False, spec="duckdb")
    return tool.path if tool.available else None


@unittest.skipUnless(duckdb_python(), "no Python with duckdb ($TRAWL_PYTHON or the harness venv)")
class DuckdbSqlTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.root = write_corpus(Path(self.tmp.name) / "trails")
        self.files = corpus.trail_files(self.root)
        self.duck = tools.Tool("duckdb", duckdb_python(), "x")

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def job(self, setup: list[str], statement: str) -> dict:
        _, answer = stages.duck_job(self.duck, setup, statement, 2, 120)
        self.assertNotIn("error", answer, statement)
        return answer

    def test_typed_read_keeps_json_text_and_derives_partitions(self) -> None:
        out = Path(self.tmp.name) / "typed.parquet"
        answer = self.job([], duckdb_sql.copy_to(duckdb_sql.typed_select(self.root, self.files), out))
        self.assertEqual(answer["rows"], 30)
        check = self.job(
            [f"CREATE VIEW t AS SELECT * FROM read_parquet('{out}')"],
            # DuckDB re-serialises JSON compactly (real deliveries are compact already).
            'SELECT 1 FROM t WHERE requestparameters = \'{"bucketName":"bucket-0","key":"a/b"}\' '
            "AND readonly = 'true' AND date_partition = '2024/05/02' AND account = '111122223333'",
        )
        self.assertGreater(check["rows"], 0)

    def test_auto_detected_read(self) -> None:
        out = Path(self.tmp.name) / "auto.parquet"
        self.assertEqual(
            self.job([], duckdb_sql.copy_to(duckdb_sql.auto_select(self.root, self.files), out))["rows"], 30
        )

    def test_every_translation_runs_on_the_raw_view(self) -> None:
        c = corpus.describe(self.root, 30)
        params = corpus.parameters(c)
        setup = duckdb_sql.raw_view(self.root, self.files)
        for q in queries.load():
            if q.duckdb_text is None:
                continue
            with self.subTest(q.name):
                self.job(setup, queries.duckdb_text(q, params))
        free = next(q for q in queries.load() if q.name == "free_text")
        counts = self.job(setup, f'SELECT sum("@q.count") FROM ({queries.duckdb_text(free, params)})')
        self.assertEqual(counts["rows"], 1)


def full_trawl() -> str | None:
    """The trawl binary when it offers every command the harness drives, else None."""
    t = tools.find_trawl(build=False)
    needed = {"gen", "ingest", "lake", "sql", "search"}
    return t.path if t.available and needed <= t.commands else None


class QuickRunTest(unittest.TestCase):
    def test_quick_mode_runs_every_job(self) -> None:
        missing = [
            what
            for what, ok in (
                ("a trawl binary ($TRAWL_BIN or the release build)", full_trawl()),
                ("a Python with duckdb", duckdb_python()),
            )
            if not ok
        ]
        if missing:
            if os.environ.get("CI") == "true":
                self.fail(f"CI=true but there is no {' and no '.join(missing)}")
            self.skipTest(f"no {' and no '.join(missing)}")
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [
                    sys.executable,
                    str(BENCHES / "bench.py"),
                    "--quick",
                    "--strict",
                    "--no-build",
                    "--no-install",
                    "--work",
                    tmp,
                    "--out",
                    f"{tmp}/out",
                ],
                capture_output=True,
                text=True,
                timeout=1800,
                env=dict(os.environ, TRAWL_BIN=full_trawl() or ""),
            )
            self.assertEqual(done.returncode, 0, done.stdout[-3000:] + done.stderr[-3000:])
            data = json.loads(Path(tmp, "out", "results.json").read_text())
            self.assertTrue(data["ingest"]["trawl"]["ok"])
            self.assertTrue(Path(tmp, "out", "RESULTS.md").read_text().startswith("# trawl benchmark results"))


if __name__ == "__main__":
    unittest.main()
