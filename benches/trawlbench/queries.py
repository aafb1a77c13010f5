"""The query catalogue: each query's trawl text beside its DuckDB translation, and parameter binding.

- Notebook queries: the trawl text is the notebook's own file under ``sql/<notebook>/`` (SQL or
  search language); the DuckDB translation is ``benches/queries/notebook/<notebook>/<name>.duckdb.sql``.
- Hunting queries: ``benches/queries/hunting/<name>.trawl.sql`` (Athena SQL against ``cloudtrail``)
  or ``<name>.trawl.search`` (search language), beside ``<name>.duckdb.sql``.
- A search-language query may have ``<name>.handwritten.sql`` beside its DuckDB translation: the same
  question in hand-written Athena SQL, run by ``trawl sql`` to compare the search planner with it.

Placeholders: SQL uses the notebooks' ``"{db_name}"`` table qualifier and ``:name`` parameters;
search text uses ``{name}`` inside a double-quoted value. The harness binds them textually with
values taken from the corpus (see ``corpus.parameters``), the same values on both sides.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from .tools import BENCHES, REPO

QUERIES = BENCHES / "queries"
#: The database the notebooks' ``"{db_name}"`` placeholder stands for (trawl registers it).
DB_NAME = "security_analysis"


@dataclasses.dataclass
class Query:
    """One benchmark query, both sides."""

    name: str
    #: ``notebook/<notebook>`` or ``hunting``.
    group: str
    #: ``sql`` or ``search`` (the trawl side's language; DuckDB always gets SQL).
    language: str
    trawl_file: Path
    duckdb_file: Path
    trawl_text: str | None
    duckdb_text: str | None
    #: The same question in hand-written Athena SQL (search queries only), run by ``trawl sql``.
    handwritten_file: Path | None = None
    handwritten_text: str | None = None

    @property
    def trawl_missing(self) -> str | None:
        """Why trawl's side cannot run, or None."""
        return None if self.trawl_text is not None else f"{rel(self.trawl_file)} is missing"

    @property
    def duckdb_missing(self) -> str | None:
        """Why DuckDB's side cannot run, or None."""
        return None if self.duckdb_text is not None else f"no DuckDB translation ({rel(self.duckdb_file)})"


def rel(path: Path) -> str:
    """``path`` relative to the repository, for messages."""
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def read(path: Path) -> str | None:
    """The file's text, or None when it does not exist."""
    return path.read_text() if path.is_file() else None


def subfolders(path: Path) -> set[str]:
    """Names of the folders directly under ``path`` (none when it does not exist)."""
    return {p.name for p in path.iterdir() if p.is_dir()} if path.is_dir() else set()


def load(sql_dir: Path = REPO / "sql", queries_dir: Path = QUERIES) -> list[Query]:
    """Every benchmark query: both notebooks' queries, then the hunting queries, by name."""
    found: list[Query] = []
    for notebook in sorted(subfolders(sql_dir) | subfolders(queries_dir / "notebook")):
        stems: dict[str, str] = {}
        for p in (sql_dir / notebook).glob("*"):
            if p.suffix in (".sql", ".search"):
                stems[p.stem] = p.suffix[1:]
        for p in (queries_dir / "notebook" / notebook).glob("*.duckdb.sql"):
            stems.setdefault(p.name.removesuffix(".duckdb.sql"), "sql")
        for stem in sorted(stems):
            language = stems[stem]
            trawl_file = sql_dir / notebook / f"{stem}.{language}"
            duckdb_file = queries_dir / "notebook" / notebook / f"{stem}.duckdb.sql"
            found.append(
                Query(
                    stem, f"notebook/{notebook}", language, trawl_file, duckdb_file, read(trawl_file), read(duckdb_file)
                )
            )
    hunting = queries_dir / "hunting"
    for duckdb_file in sorted(hunting.glob("*.duckdb.sql")):
        stem = duckdb_file.name.removesuffix(".duckdb.sql")
        search = hunting / f"{stem}.trawl.search"
        language, trawl_file = ("search", search) if search.is_file() else ("sql", hunting / f"{stem}.trawl.sql")
        found.append(Query(stem, "hunting", language, trawl_file, duckdb_file, read(trawl_file), read(duckdb_file)))
    for q in found:
        if q.language == "search":
            q.handwritten_file = q.duckdb_file.with_name(f"{q.name}.handwritten.sql")
            q.handwritten_text = read(q.handwritten_file)
    return found


def sql_literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def bind_sql(text: str, params: dict[str, str]) -> str:
    """Binds ``"{db_name}"`` and the ``:name`` parameters in SQL text (unknown names stay as written)."""
    text = text.replace('"{db_name}"', f'"{DB_NAME}"')
    if not params:
        return text
    names = "|".join(sorted(map(re.escape, params), key=len, reverse=True))
    return re.sub(rf"(?<![:\w]):({names})\b", lambda m: sql_literal(params[m.group(1)]), text)


def bind_search(text: str, params: dict[str, str]) -> str:
    """Binds ``{name}`` placeholders in search text; values are escaped for a double-quoted value."""

    def value(m: re.Match[str]) -> str:
        raw = params.get(m.group(1))
        return m.group(0) if raw is None else raw.replace("\\", "\\\\").replace('"', '\\"')

    return re.sub(r"\{([a-z_][a-z0-9_]*)\}", value, text)


def trawl_args(query: Query, params: dict[str, str]) -> list[str]:
    """The trawl command's trailing arguments for the query's own text (see ``sql_args``); search text
    gets its ``{name}`` placeholders escaped in."""
    assert query.trawl_text is not None
    if query.language == "search":
        return ["--", bind_search(query.trawl_text, params)]
    return sql_args(query.trawl_text, params)


def sql_args(text: str, params: dict[str, str]) -> list[str]:
    """``trawl sql``'s trailing arguments: values go in as bound ``--param`` values (never spliced
    into the text), and the query comes after ``--`` because notebook queries start with comments."""
    text = text.replace('"{db_name}"', f'"{DB_NAME}"')
    used = [name for name in sorted(params) if re.search(rf"(?<![:\w]):{re.escape(name)}\b", text)]
    return [*(f"--param={name}={params[name]}" for name in used), "--", text]


def duckdb_text(query: Query, params: dict[str, str]) -> str:
    """The DuckDB side's text with parameters bound, trailing semicolons and comments kept harmless."""
    assert query.duckdb_text is not None
    return bind_sql(query.duckdb_text, params).strip().rstrip(";")
