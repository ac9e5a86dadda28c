"""Checks the architecture rules that ruff, mypy and import-linter cannot see.

Import direction (layers, no cycles) is import-linter's job: see ``[tool.importlinter]``
in pyproject.toml, run as ``lint-imports``. This script keeps the rest:

- no module in src/ over 400 lines, no function over 50;
- routers do not query or commit (they call one service);
- only db.py commits (the one unit of work);
- SQL statements are built only in repositories (and the one pager, kit/paging.py);
- HTTPException appears only in errors.py;
- every domain package has its API shapes (schemas.py) and rules (service.py or service/).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "timeledger"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50
# Not domains: shared building blocks, identity, the HTTP plumbing, tables, the command.
NON_DOMAIN_PACKAGES = {"models", "cli", "migrations", "kit", "http", "auth"}
QUERY_CALLS = {"select", "execute", "scalars", "scalar", "add", "add_all", "commit", "flush"}
COMMIT_ALLOWED = {SRC / "db.py"}
# SQLAlchemy's statement builders; importing one outside a repository is building SQL there.
STATEMENT_BUILDERS = {"select", "insert", "update", "delete", "union_all", "text"}
STATEMENTS_ALLOWED = {SRC / "kit" / "paging.py", SRC / "db.py"}


def _relative(path: Path) -> str:
    return str(path.relative_to(SRC.parent.parent))


def _may_build_statements(path: Path) -> bool:
    top = path.relative_to(SRC).parts[0]
    return (
        path.name == "repository.py"
        or top in {"models", "migrations"}
        or (path in STATEMENTS_ALLOWED)
    )


def check_file(path: Path) -> list[str]:
    problems: list[str] = []
    text = path.read_text()
    tree = ast.parse(text)
    generated = "migrations/versions" in str(path)
    if len(text.splitlines()) > MAX_MODULE_LINES and not generated:
        problems.append(f"{_relative(path)}: over {MAX_MODULE_LINES} lines; split it")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES and not generated:
                problems.append(
                    f"{_relative(path)}:{node.lineno}: {node.name} is {length} lines "
                    f"(budget {MAX_FUNCTION_LINES})"
                )
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            built = {alias.name for alias in node.names} & STATEMENT_BUILDERS
            if built and not _may_build_statements(path):
                problems.append(
                    f"{_relative(path)}:{node.lineno}: builds SQL ({', '.join(sorted(built))}) "
                    "outside a repository"
                )
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name == "commit" and path not in COMMIT_ALLOWED:
                problems.append(f"{_relative(path)}:{node.lineno}: commit outside db.py")
            if path.name == "router.py" and name in QUERY_CALLS:
                problems.append(f"{_relative(path)}:{node.lineno}: router calls {name}()")
        if isinstance(node, ast.Name) and node.id == "HTTPException" and path.name != "errors.py":
            problems.append(f"{_relative(path)}:{node.lineno}: HTTPException outside errors.py")
    return problems


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    if isinstance(node.func, ast.Name):
        return node.func.id
    return None


def check_domains() -> list[str]:
    problems = []
    for package in sorted(p for p in SRC.iterdir() if (p / "__init__.py").exists()):
        if package.name in NON_DOMAIN_PACKAGES:
            continue
        names = {p.name for p in package.iterdir()}
        if "schemas.py" not in names:
            problems.append(f"{_relative(package)}: missing schemas.py")
        if not names & {"service.py", "service"}:
            problems.append(f"{_relative(package)}: missing service.py (or service/)")
    return problems


def main() -> int:
    problems = check_domains()
    for path in sorted(SRC.rglob("*.py")):
        problems += check_file(path)
    for problem in problems:
        print(problem)
    print(f"architecture: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
