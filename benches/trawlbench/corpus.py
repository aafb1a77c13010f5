"""The corpus: generating it with trawl, describing it, deriving the queries' parameter values."""

from __future__ import annotations

import collections
import dataclasses
import gzip
import json
import re
import shutil
from pathlib import Path

from .proc import Run, run
from .tools import Tool

#: S3 delivery key: account, region, year, month, day (an organization id may precede the account).
KEY = re.compile(r"AWSLogs/(?:o-[a-z0-9]+/)?(\d{12})/CloudTrail/([^/]+)/(\d{4})/(\d{2})/(\d{2})/")
#: What ``trawl gen`` prints about the planted incident.
INCIDENT = re.compile(r"compromised IAM user (\S+)")


@dataclasses.dataclass
class Corpus:
    """A folder of CloudTrail delivery files and what is known about it."""

    root: Path
    files: list[Path]
    gzip_bytes: int
    json_bytes: int
    #: Number of events, when known (from the generator or a count).
    events: int | None
    #: The planted incident's ARN, when the generator planted one.
    incident_arn: str | None = None
    #: ``trawl gen``'s run, when the harness generated the corpus in this run.
    generated: Run | None = None


def generate(trawl: Tool, root: Path, records: int, seed: int) -> tuple[Corpus | None, str | None]:
    """Generates ``records`` events with ``trawl gen`` into ``root`` (reused when already there)."""
    stamp = root.parent / f"{root.name}.generated.json"
    if stamp.is_file() and root.is_dir():
        meta = json.loads(stamp.read_text())
        if meta.get("records") == records and meta.get("seed") == seed:
            return describe(root, records, meta.get("incident_arn")), None
    reason = trawl.lacks("gen")
    if reason:
        return None, reason
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    done = run([trawl.path or "trawl", "gen", "--records", str(records), "--seed", str(seed), str(root)], timeout=7200)
    if not done.ok:
        return None, f"`trawl gen` failed: {done.failure()}"
    match = INCIDENT.search(done.stderr)
    arn = match.group(1) if match else None
    stamp.write_text(json.dumps({"records": records, "seed": seed, "incident_arn": arn}))
    corpus = describe(root, records, arn)
    corpus.generated = done
    return corpus, None


def trail_files(root: Path) -> list[Path]:
    """Trail log files under ``root``: ``*.json`` / ``*.json.gz``, digests and everything else left out."""
    files = [
        p
        for p in root.rglob("*")
        if p.is_file()
        and (p.name.endswith(".json.gz") or p.name.endswith(".json"))
        and "CloudTrail-Digest" not in p.parts
    ]
    return sorted(files)


def describe(root: Path, events: int | None, incident_arn: str | None = None) -> Corpus:
    """Sizes of the corpus under ``root`` (the JSON size from each gzip member's ISIZE trailer)."""
    files = trail_files(root)
    gz = sum(p.stat().st_size for p in files)
    return Corpus(root, files, gz, sum(inflated_size(p) for p in files), events, incident_arn)


def inflated_size(path: Path) -> int:
    """Uncompressed size of a file: the gzip ISIZE trailer (mod 4 GiB), or the size of a plain file."""
    size = path.stat().st_size
    with path.open("rb") as f:
        if f.read(2) != b"\x1f\x8b" or size < 18:
            return size
        f.seek(-4, 2)
        return int.from_bytes(f.read(4), "little")


def records_of(path: Path) -> list[dict]:
    """The records of one delivery file, or [] when it is not one."""
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        doc = json.loads(data)
    except (OSError, ValueError, EOFError):
        return []
    records = doc.get("Records") if isinstance(doc, dict) else doc
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


def parameters(corpus: Corpus, sample_files: int = 24) -> dict[str, str]:
    """Values for the queries' placeholders, taken from the corpus itself.

    ``account``/``region``/``day`` name the busiest partition by delivery key, ``start``/``end`` a
    six-hour window on that day, ``arn`` the planted incident's identity (else the identity with
    the most failed calls in a sample of files), ``user_identity_name`` and ``term`` its user name.
    """
    keys = collections.Counter()
    days: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for p in corpus.files:
        m = KEY.search(p.as_posix())
        if m:
            account, region, y, mo, d = m.groups()
            keys[(account, region)] += 1
            days[(account, region)].append(f"{y}/{mo}/{d}")
    sample = [r for p in spread(corpus.files, sample_files) for r in records_of(p)]
    if keys:
        (account, region), _ = keys.most_common(1)[0]
        ordered = sorted(days[(account, region)])
        day = ordered[len(ordered) // 2]
    else:
        first = sample[0] if sample else {}
        account = str(first.get("recipientAccountId", "000000000000"))
        region = str(first.get("awsRegion", "us-east-1"))
        day = str(first.get("eventTime", "1970-01-01"))[:10].replace("-", "/")
    arn, name = identity(sample, corpus.incident_arn)
    iso = day.replace("/", "-")
    return {
        "account": account,
        "region": region,
        "day": day,
        "start": f"{iso}T06:00:00Z",
        "end": f"{iso}T12:00:00Z",
        "arn": arn,
        "user_identity_name": name,
        "term": name,
    }


def spread(items: list[Path], n: int) -> list[Path]:
    """Up to ``n`` items evenly spread over ``items``."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def identity(sample: list[dict], incident_arn: str | None) -> tuple[str, str]:
    """The ARN to investigate and its user name."""
    arns = collections.Counter()
    names: dict[str, str] = {}
    for r in sample:
        ui = r.get("userIdentity") if isinstance(r.get("userIdentity"), dict) else {}
        arn = ui.get("arn")
        if isinstance(arn, str):
            if r.get("errorCode") or not arns:
                arns[arn] += 1
            if isinstance(ui.get("userName"), str):
                names[arn] = ui["userName"]
    arn = incident_arn or (arns.most_common(1)[0][0] if arns else "arn:aws:iam::000000000000:user/nobody")
    return arn, names.get(arn) or arn.rsplit("/", 1)[-1]
