"""docs/security.md maps every item of docs/design/security-checklist.md to the tests that prove
it (issue 11 §2). This test keeps the map honest: one row per item, every proof a test that
exists (a renamed or deleted test fails here) or a stated reason, and no new `Not yet:` gap
without an explicit change to NOT_YET below. Standard library only; no database."""

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CHECKLIST = ROOT / "docs/design/security-checklist.md"
SECURITY_DOC = ROOT / "docs/security.md"

# The rows whose proof has a `Not yet:` part: a gap is added or closed here, on purpose.
NOT_YET = {"39", "42", "R10"}
# The rows proved by reasons alone, without any test (none today).
REASON_ONLY: set[str] = set()

REASONS = ("N/A:", "Deployment:", "Not yet:")
MIN_REASON_WORDS = 4
REFERENCE = re.compile(r"`(wbs/[\w/]+/test_\w+\.py)::(test\w*)`")
ROW = re.compile(r"^\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|\s*(.*?)\s*\|\s*$")


def checklist_items(text: str) -> list[str]:
    """The numbered items of Part A (`1. **…**`) and the R rows of Part B's risk table."""
    part_a = re.search(r"^## Part A\b([\s\S]*?)^## Part B\b", text, re.M).group(1)
    part_b = text[text.index("## Part B") :]
    numbers = re.findall(r"^(\d+)\. \*\*", part_a, re.M)
    risks = re.findall(r"^\|\s*(R\d+)\s*\|", part_b, re.M)
    return numbers + risks


def doc_rows(text: str) -> list[tuple[str, str, str]]:
    """(id, requirement, proof) of every table row, header and separator rows left out."""
    rows = []
    for line in text.splitlines():
        match = ROW.match(line)
        if match and match.group(1) != "#" and not set(match.group(1)) <= set("-: "):
            rows.append(match.groups())
    return rows


@cache
def _defined_tests(path: Path) -> frozenset[str]:
    """Test functions pytest collects: module level, or methods of a module-level Test class."""
    tree = ast.parse(path.read_text(), filename=str(path))
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    names = set()
    for node in tree.body:
        if isinstance(node, functions):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names.update(n.name for n in node.body if isinstance(n, functions))
    return frozenset(names)


def proof_problems(item: str, proof: str, root: Path = ROOT) -> list[str]:
    """What is wrong with one proof cell: each `<br>`-separated part is either one test
    reference or a reason (`N/A:`, `Deployment:`, `Not yet:`) of a few words."""
    problems = []
    parts = [part.strip() for part in proof.split("<br>")]
    if not any(parts):
        return [f"{item}: empty proof"]
    for part in parts:
        reference = REFERENCE.fullmatch(part)
        if reference:
            path, name = reference.groups()
            if not (root / path).is_file():
                problems.append(f"{item}: no file {path}")
            elif name not in _defined_tests(root / path):
                problems.append(f"{item}: {path} defines no test {name}")
        elif part.startswith(REASONS):
            reason = part.split(":", 1)[1]
            if len(reason.split()) < MIN_REASON_WORDS:
                problems.append(f"{item}: reason too short: {part!r}")
        else:
            problems.append(f"{item}: neither a test reference nor a reason: {part!r}")
    return problems


def not_yet_items(rows) -> set[str]:
    return {
        item
        for item, _requirement, proof in rows
        if any(part.strip().startswith("Not yet:") for part in proof.split("<br>"))
    }


ITEMS = checklist_items(CHECKLIST.read_text())
ROWS = doc_rows(SECURITY_DOC.read_text())
PROOF = {item: proof for item, _requirement, proof in ROWS}


def test_the_checklist_is_read_whole():
    expected = [str(n) for n in range(1, 43)] + [f"R{n}" for n in range(1, 18)]
    assert checklist_items(CHECKLIST.read_text()) == expected


def test_every_checklist_item_has_exactly_one_row():
    ids = [item for item, _requirement, _proof in ROWS]
    duplicates = sorted({item for item in ids if ids.count(item) > 1})
    assert duplicates == [], f"items with more than one row: {duplicates}"
    assert sorted(set(ITEMS) - set(ids)) == [], "checklist items without a row"
    assert sorted(set(ids) - set(ITEMS)) == [], "rows that name no checklist item"


def test_every_row_names_its_requirement():
    assert [item for item, requirement, _proof in ROWS if len(requirement.split()) < 2] == []


@pytest.mark.parametrize("item", ITEMS)
def test_every_proof_is_an_existing_test_or_a_reason(item):
    assert item in PROOF, f"{item} has no row in docs/security.md"
    assert proof_problems(item, PROOF[item]) == []


def test_the_not_yet_rows_are_the_pinned_gaps():
    assert not_yet_items(ROWS) == NOT_YET


def test_the_rows_without_a_test_are_pinned():
    """A reason alone is the exception: every other row cites at least one test."""
    assert {item for item, proof in PROOF.items() if not REFERENCE.search(proof)} == REASON_ONLY


# --- the checker itself fails where it should ------------------------------------------------


def test_the_checker_catches_a_missing_file_a_missing_test_and_a_bare_word(tmp_path):
    tests = tmp_path / "wbs/app/tests"
    tests.mkdir(parents=True)
    (tests / "test_x.py").write_text(
        "def test_present():\n    pass\n\n\n"
        "class TestGroup:\n    def test_in_class(self):\n        pass\n\n\n"
        "def helper():\n    def test_nested():\n        pass\n"
    )
    good = "`wbs/app/tests/test_x.py::test_present`<br>`wbs/app/tests/test_x.py::test_in_class`"
    assert proof_problems("1", good, tmp_path) == []
    assert proof_problems("1", "Deployment: done by the administrator manual", tmp_path) == []
    bad = {
        "`wbs/app/tests/test_gone.py::test_present`": "no file",
        "`wbs/app/tests/test_x.py::test_renamed`": "defines no test",
        "`wbs/app/tests/test_x.py::test_nested`": "defines no test",
        "see the tests": "neither",
        "N/A: later": "too short",
        "": "empty proof",
    }
    for proof, problem in bad.items():
        found = proof_problems("1", proof, tmp_path)
        assert found and problem in found[0], (proof, found)


def test_the_parsers_read_rows_and_items():
    doc = (
        "| # | requirement (ASVS id) | proof |\n|---|---|---|\n"
        "| 7 | uniform failures (6.3.8) | Not yet: nothing written so far |\n"
    )
    rows = doc_rows(doc)
    assert rows == [("7", "uniform failures (6.3.8)", "Not yet: nothing written so far")]
    assert not_yet_items(rows) == {"7"}
    checklist = "## Part A\n\n1. **One.** x\n2. **Two.**\n\n## Part B\n\n| R1 | a | b |\n"
    assert checklist_items(checklist) == ["1", "2", "R1"]
