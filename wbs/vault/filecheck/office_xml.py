"""Office XML parts: hardened parsing with lxml and the scrubbing rules of Word/Excel parts.

The parser resolves no entities, uses no network, loads no DTD and builds no huge trees. A part
with a document type declaration (and so with any entity declaration) is refused, and so is
malformed or namespace-malformed XML; the caller turns every exception into "damaged". The rules
match namespace-aware local names: prefixes do not matter, and nothing inside attribute values,
text or comments passes for markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

# Tracked changes (elements in a namespace, whichever): they earn the revisions note.
REVISION_ELEMENTS = frozenset({"ins", "del", "moveFrom", "moveTo"})


@dataclass(frozen=True)
class Rules:
    """The scrubbing of one part by local names (elements: of any namespace or none)."""

    # Attributes looked at: True only namespaced (= prefixed) ones, False only plain, None both.
    namespaced: bool | None = None
    set_attrs: dict[str, str] = field(default_factory=dict)  # local name -> new value
    drop_attrs: re.Pattern | None = None  # must match the whole local name
    drop_elements: frozenset[str] = frozenset()
    anonymise_text: frozenset[str] = frozenset()  # elements whose content becomes "Anonim"


_WORD_DROP_ATTRS = re.compile(r"date|dateUtc|rsid\w*", re.ASCII)


def rules_for(kind: str, name: str) -> Rules | None:
    """The rules for part `name` (lower case) under word/ (DOCX) or xl/ (XLSX); None: none."""
    if kind == "docx":
        # Word attributes count only when namespaced (written with a prefix, as Word does).
        drop = set()
        if name.endswith("people.xml"):
            drop.add("presenceInfo")
        if name == "word/settings.xml":
            drop |= {"rsids", "attachedTemplate"}
        return Rules(
            namespaced=True,
            set_attrs={"author": "Anonim", "initials": ""},
            drop_attrs=_WORD_DROP_ATTRS,
            drop_elements=frozenset(drop),
        )
    if name == "xl/workbook.xml":
        return Rules(
            set_attrs={"userName": ""}, drop_elements=frozenset({"absPath", "revisionPtr"})
        )
    if name.startswith("xl/comments"):
        return Rules(anonymise_text=frozenset({"author"}))
    if name.startswith("xl/persons/"):
        return Rules(set_attrs={"displayName": "Anonim", "userId": "", "providerId": "None"})
    if name.startswith("xl/threadedcomments/"):
        return Rules(namespaced=False, drop_attrs=re.compile("dT"))
    if name.startswith("xl/revisions/"):
        names = {"userName": "Anonim"}
        if name.endswith("usernames.xml"):
            names["name"] = "Anonim"
        return Rules(set_attrs=names)
    return None


# --------------------------------------------------------------------------------------------
# Parsing


def _parser(**options) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, **options
    )


def parse(content: bytes) -> etree._ElementTree:
    """The tree of one part; raises for malformed XML and for any document type declaration."""
    tree = etree.fromstring(content, _parser()).getroottree()
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise ValueError
    return tree


class _RefuseDoctype:
    """Parser target for parts that are only checked: builds nothing, refuses a DTD."""

    def doctype(self, *_args) -> None:
        raise ValueError

    def close(self) -> None:
        return None


def check_well_formed(content: bytes) -> None:
    """Like `parse` without building a tree (big worksheets would take gigabytes as trees)."""
    parser = _parser(target=_RefuseDoctype())
    etree.fromstring(content, parser)
    if parser.error_log.filter_from_errors():
        raise ValueError  # namespace errors, which a parser with a target only records


def serialize(tree: etree._ElementTree) -> bytes:
    standalone = tree.docinfo.standalone
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=standalone)


def local_name(name: str) -> str:
    return name.rpartition("}")[2]


def remove(element: etree._Element) -> None:
    """Remove an element with its content, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:  # the root itself: keep it empty, the part stays well-formed
        element.clear()
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


# --------------------------------------------------------------------------------------------
# Scrubbing


def scrub(root: etree._Element, rules: Rules) -> tuple[bool, bool]:
    """Scrub the tree in place: (anything changed, tracked-change elements seen)."""
    changed = revised = False
    doomed = []
    watched = rules.drop_elements | rules.anonymise_text | REVISION_ELEMENTS
    set_attrs, drop_attrs, namespaced = rules.set_attrs, rules.drop_attrs, rules.namespaced
    for element in root.iter(etree.Element):
        tag = element.tag
        local = tag.rpartition("}")[2]
        if local in watched:
            if local in rules.drop_elements:
                doomed.append(element)
            if local in REVISION_ELEMENTS and tag.startswith("{"):
                revised = True
            if local in rules.anonymise_text and (element.text != "Anonim" or len(element)):
                for child in list(element):
                    element.remove(child)
                element.text = "Anonim"
                changed = True
        for key, value in element.items():
            if namespaced is not None and key.startswith("{") != namespaced:
                continue
            name = key.rpartition("}")[2]
            if name in set_attrs:
                if value != set_attrs[name]:
                    element.set(key, set_attrs[name])
                    changed = True
            elif drop_attrs is not None and drop_attrs.fullmatch(name):
                del element.attrib[key]
                changed = True
    for element in doomed:
        remove(element)
    return changed or bool(doomed), revised
