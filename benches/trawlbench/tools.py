"""Finding (or building) the trawl binary, preparing DuckDB's Python, describing the machine."""

from __future__ import annotations

import dataclasses
import os
import platform
import re
import shutil
import subprocess
from pathlib import Path

from .proc import last_lines, run

REPO = Path(__file__).resolve().parents[2]
BENCHES = REPO / "benches"
CACHE = Path(os.environ.get("HOME", "/tmp")) / ".cache" / "trawl"


@dataclasses.dataclass
class Tool:
    """A program the harness drives, or the reason it is not available."""

    name: str
    path: str | None = None
    version: str | None = None
    #: Why the tool cannot be used (None when it can).
    reason: str | None = None
    #: Subcommands the tool offers (trawl only).
    commands: frozenset[str] = frozenset()

    @property
    def available(self) -> bool:
        """Whether the tool can be used."""
        return self.reason is None

    def lacks(self, command: str) -> str | None:
        """Why ``command`` cannot be run with this tool, or None when it can."""
        if self.reason:
            return self.reason
        if command not in self.commands:
            return f"this trawl has no `{command}` command yet (see `trawl --help`)"
        return None


def target_dir() -> Path:
    """Cargo's target folder, as the project's build rules set it."""
    return Path(os.environ.get("CARGO_TARGET_DIR", CACHE / "target"))


def find_trawl(build: bool) -> Tool:
    """Finds the trawl binary: ``$TRAWL_BIN``, else ``<target>/release/trawl``, building it if asked."""
    explicit = os.environ.get("TRAWL_BIN")
    candidate = Path(explicit) if explicit else target_dir() / "release" / "trawl"
    if not candidate.is_file():
        if explicit:
            return Tool("trawl", reason=f"$TRAWL_BIN={explicit} does not exist")
        if not build:
            return Tool("trawl", reason=f"no binary at {candidate} (build it with `cargo build --release -p trawl`)")
        built = build_trawl()
        if built:
            return Tool("trawl", reason=built)
    return describe_trawl(candidate)


def build_trawl() -> str | None:
    """Runs ``cargo build --release -p trawl``; returns a reason on failure."""
    if shutil.which("cargo") is None:
        return "the trawl binary is missing and cargo is not on PATH to build it"
    env = dict(os.environ, CARGO_TARGET_DIR=str(target_dir()))
    print(f"building trawl (cargo build --release -p trawl, CARGO_TARGET_DIR={env['CARGO_TARGET_DIR']}) …", flush=True)
    done = run(["cargo", "build", "--release", "-p", "trawl"], timeout=7200, env=env, cwd=REPO)
    return done.failure()


def describe_trawl(path: Path) -> Tool:
    """Version and subcommands of the trawl binary at ``path``."""
    help_run = run([str(path), "--help"], timeout=60)
    if not help_run.ok:
        return Tool("trawl", str(path), reason=f"`{path} --help` failed: {help_run.failure()}")
    version = run([str(path), "--version"], timeout=60).stdout.strip() or "unknown"
    return Tool("trawl", str(path), version, commands=frozenset(help_commands(help_run.stdout)))


def help_commands(help_text: str) -> list[str]:
    """Subcommand names listed under ``Commands:`` in clap's help output."""
    names: list[str] = []
    in_commands = False
    for line in help_text.splitlines():
        if line.strip().lower().startswith("commands:"):
            in_commands = True
            continue
        if in_commands:
            if not line.strip():
                if names:
                    break
                continue
            if not line.startswith("  "):
                break
            # A name sits at two spaces; deeper lines continue a wrapped description.
            match = re.match(r"  ([a-z][a-z0-9-]*)(\s{2,}|$)", line)
            if match:
                names.append(match.group(1))
    return names


def find_duckdb(install: bool, spec: str) -> Tool:
    """A Python that imports duckdb: ``$TRAWL_PYTHON``, else a venv made (if asked) under the cache."""
    explicit = os.environ.get("TRAWL_PYTHON")
    candidates = (
        [Path(explicit)] if explicit else [CACHE / "venv" / "bin" / "python", BENCHES / ".venv" / "bin" / "python"]
    )
    for python in candidates:
        if python.is_file():
            version = duckdb_version(python)
            if version:
                return Tool("duckdb", str(python), version)
    if explicit:
        return Tool("duckdb", reason=f"$TRAWL_PYTHON={explicit} cannot `import duckdb`")
    if not install:
        return Tool("duckdb", reason="no Python with duckdb found and --no-install was given")
    venv = CACHE / "venv"
    python = venv / "bin" / "python"
    print(f"installing DuckDB ({spec}) into {venv} …", flush=True)
    if not python.is_file():
        made = run(["python3", "-m", "venv", str(venv)], timeout=600)
        if not made.ok:
            return Tool("duckdb", reason=f"cannot create a virtual environment at {venv}: {made.failure()}")
    pip = run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", spec], timeout=1800)
    if not pip.ok:
        return Tool("duckdb", reason=f"`pip install {spec}` failed: {last_lines(pip.stderr or pip.stdout, 2)}")
    version = duckdb_version(python)
    if not version:
        return Tool("duckdb", reason=f"duckdb installed into {venv} but does not import")
    return Tool("duckdb", str(python), version)


def duckdb_version(python: Path) -> str | None:
    """duckdb's version as seen by ``python``, or None when it does not import."""
    probe = run([str(python), "-c", "import duckdb; print(duckdb.__version__)"], timeout=120)
    return probe.stdout.strip() if probe.ok else None


def machine() -> dict[str, object]:
    """What the results were measured on."""
    info: dict[str, object] = {
        "os": f"{platform.system()} {platform.release()}",
        "arch": platform.machine(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_gib": memory_gib(),
        "python": platform.python_version(),
    }
    for key, cmd in (
        ("rustc", ["rustc", "-V"]),
        ("git_commit", ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]),
    ):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            info[key] = out.stdout.strip() if out.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired):
            info[key] = None
    return info


def cpu_model() -> str | None:
    """The CPU model name from /proc/cpuinfo (Linux), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def memory_gib() -> float | None:
    """Total memory in GiB from /proc/meminfo (Linux)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / (1 << 20), 1)
    except (OSError, ValueError, IndexError):
        pass
    return None
