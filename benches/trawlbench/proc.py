"""Running one job as a child process: wall time, the child's own peak RSS, its output."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path


@dataclasses.dataclass
class Run:
    """What one child process did."""

    cmd: list[str]
    #: Wall time from spawn to reaping, in seconds (process start included).
    wall: float
    #: Peak resident set size of the child (and of the children it waited for), in bytes.
    max_rss: int
    #: Exit status; negative for a signal, as in ``subprocess``.
    returncode: int
    stdout: str
    stderr: str
    #: True when the job was killed for running past its time limit.
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """Whether the job exited 0 within its time limit."""
        return self.returncode == 0 and not self.timed_out

    def failure(self, allowed: tuple[int, ...] = (0,)) -> str | None:
        """A one-line reason when the job failed (exit code not in ``allowed``), else None."""
        if self.timed_out:
            return f"timed out after {self.wall:.0f} s: {' '.join(self.cmd[:3])} …"
        if self.returncode in allowed:
            return None
        tail = last_lines(self.stderr or self.stdout, 3)
        return f"exit {self.returncode} from `{Path(self.cmd[0]).name} {' '.join(self.cmd[1:3])}`: {tail}"


def last_lines(text: str, n: int) -> str:
    """The last ``n`` non-empty lines of ``text`` joined by `` / `` (for one-line reasons)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " / ".join(lines[-n:]) if lines else "(no output)"


def run(
    cmd: list[str],
    *,
    timeout: float = 3600.0,
    env: dict[str, str] | None = None,
    stdin_text: str | None = None,
    cwd: Path | None = None,
    discard_stdout: bool = False,
) -> Run:
    """Runs ``cmd`` to completion and measures it with ``os.wait4``.

    Output goes to temporary files rather than pipes, so a chatty child can never block and the
    harness does no work while the child runs. The child gets its own process group; past
    ``timeout`` seconds that group is killed. ``discard_stdout`` sends stdout to /dev/null (for
    jobs whose output is the point of the work, such as ``gzip -dc``).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        if stdin_text is not None:
            inp.write(stdin_text.encode())
            inp.seek(0)
        start = time.perf_counter()
        try:
            child = subprocess.Popen(
                cmd,
                stdin=inp,
                stdout=subprocess.DEVNULL if discard_stdout else out,
                stderr=err,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        except OSError as e:
            return Run(cmd, 0.0, 0, 127, "", f"cannot start {cmd[0]}: {e}")
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        # The child is reaped: tell Popen so it does not try again.
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            cmd=cmd,
            wall=wall,
            max_rss=usage.ru_maxrss * 1024,  # Linux reports KiB
            returncode=child.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
            timed_out=timed_out.is_set(),
        )
