"""A write with consequences in other apps is called through `actions`, never around it.

`cases.services.ruling_record` writes only the ruling; `actions.rulings.ruling_record` also
recomputes its deadlines and queues the subscribers' notices. import-linter cannot tell the two
apart (`cases.services` is a package that names both kinds of write), so this test reads every
module above `cases` for calls of a `cases.services` write that `actions` wraps.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The layers allowed to call the case-record-only writes: `cases` itself, `actions` (which wraps
# them) and the tests (which set records up or test the services themselves).
ALLOWED = {"cases", "actions", "tests", "bench", ".venv", "contract", "node_modules"}


def wrapped_by_actions() -> set[str]:
    names = set()
    for path in (ROOT / "actions").glob("*.py"):
        tree = ast.parse(path.read_text())
        names |= {
            node.name for node in tree.body if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
        }
    return names


def case_service_calls(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, name) of every use of a `cases.services` name: imported from it, or read as an
    attribute of a name bound to the package or one of its modules."""
    aliases, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "cases.services" or node.module.startswith("cases.services."):
                found += [(node.lineno, alias.name) for alias in node.names]
            elif node.module == "cases":
                aliases |= {alias.asname or alias.name for alias in node.names if alias.name == "services"}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("cases.services") and alias.asname:
                    aliases.add(alias.asname)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            found.append((node.lineno, node.attr))
    return found


def test_nothing_above_cases_calls_a_case_write_that_actions_wraps():
    wrapped = wrapped_by_actions()
    assert {"ruling_record", "hearing_reschedule", "appeal_file"} <= wrapped  # the test reads the right place
    offences = []
    tops = [top for top in ROOT.iterdir() if top.is_dir() and top.name not in ALLOWED and not top.name.startswith(".")]
    for path in (path for top in tops for path in top.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts or "node_modules" in relative.parts:
            continue
        for line, name in case_service_calls(ast.parse(path.read_text())):
            if name in wrapped:
                offences.append(f"{relative}:{line} calls cases.services.{name}: call actions' {name}")
    assert offences == []


def test_the_check_finds_a_call_around_actions():
    """The reader above finds both spellings of such a call."""
    module = ast.parse(
        "from cases import services as case_services\n"
        "from cases.services import hearing_cancel\n"
        "case_services.ruling_record(case=case)\n"
    )
    assert case_service_calls(module) == [(2, "hearing_cancel"), (3, "ruling_record")]
