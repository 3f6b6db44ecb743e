"""Every document a comment, docstring or test cites lives in this repository: a path to a
Markdown file resolves, a § of the product design exists, a checklist item is one of the
numbered items of docs/design/security-checklist.md, a style habit one of docs/design/style.md."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CODE = (
    p
    for folder in ("wbs", "config", "bench", "templates", "tools")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".py", ".html") and "migrations" not in p.parts and p != Path(__file__)
)
SOURCES = [*sorted(CODE), ROOT / "conftest.py", ROOT / "Makefile", ROOT / ".ci" / "run"]
MD_PATH = re.compile(r"(?<![\w/.-])((?:\.\./)*[\w./-]+\.md)\b")
BARE_DESIGN = re.compile(
    r"(?<![/\w])(product|confidentiality|security-checklist|style|context-id)\.md"
)
PRODUCT_SECTION = re.compile(r"docs/design/product\.md §(\d+)")
CHECKLIST_ITEM = re.compile(r"checklist items? (\d+)(?:[–-](\d+))?")
HABIT = re.compile(r"style\.md habit (\d+)")


def _rel(path):
    return str(path.relative_to(ROOT))


def _numbered(path: Path, pattern: str) -> set[int]:
    return {int(n) for n in re.findall(pattern, path.read_text(), re.M)}


PRODUCT_SECTIONS = _numbered(ROOT / "docs/design/product.md", r"^## (\d+)\. ")
CHECKLIST_ITEMS = _numbered(ROOT / "docs/design/security-checklist.md", r"^(\d+)\. \*\*")
HABITS = _numbered(ROOT / "docs/design/style.md", r"^(\d+)\. \*\*")


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_every_cited_document_is_in_the_repository(path):
    text = path.read_text()
    assert not BARE_DESIGN.search(text), "cite the design as docs/design/<file>.md"
    assert "shared/brief" not in text
    for cited in MD_PATH.findall(text):
        assert (ROOT / cited).exists() or (path.parent / cited).exists(), cited


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_every_cited_section_item_and_habit_exists(path):
    text = path.read_text()
    assert {int(n) for n in PRODUCT_SECTION.findall(text)} <= PRODUCT_SECTIONS
    for first, last in CHECKLIST_ITEM.findall(text):
        numbers = range(int(first), int(last or first) + 1)
        assert set(numbers) <= CHECKLIST_ITEMS, (first, last)
    assert {int(n) for n in HABIT.findall(text)} <= HABITS


def test_the_design_is_numbered_as_cited():
    assert set(range(1, 8)) == PRODUCT_SECTIONS
    assert set(range(1, 43)) == CHECKLIST_ITEMS
    assert set(range(1, 11)) == HABITS
