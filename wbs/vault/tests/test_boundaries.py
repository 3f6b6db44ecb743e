"""One module owns plaintext (docs/design/confidentiality.md): outside wbs/vault nothing imports
the crypto library, builds an associated-data label, reads or writes a ciphertext column, or
reaches for a raw key; templates never name a ciphertext field. (import-linter checks the
imports as well, in `make lint`; this test also catches names used without an import.)"""

import re
from pathlib import Path

import pytest

from wbs.vault.fields import SealedField

ROOT = Path(__file__).resolve().parents[3]
APP_MODULES = [
    p
    for p in (ROOT / "wbs").rglob("*.py")
    if "vault" not in p.parts and "tests" not in p.parts and "migrations" not in p.parts
]
TEMPLATES = list((ROOT / "templates").rglob("*.html"))
# A ciphertext column is declared once, on its model, as a SealedField: the only place the
# name appears.
DECLARATION = re.compile(r"^\s*\w+_ct = SealedField\(", re.M)


def _rel(path):
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", APP_MODULES, ids=_rel)
def test_no_crypto_library_outside_the_vault(path):
    text = path.read_text()
    assert not re.search(r"^\s*(from|import)\s+nacl\b", text, re.M)
    assert not re.search(r"from wbs\.vault import crypto|wbs\.vault\.crypto", text)


@pytest.mark.parametrize("path", APP_MODULES, ids=_rel)
def test_no_module_outside_the_vault_touches_ciphertext_or_keys(path):
    code = DECLARATION.sub("", path.read_text())
    # Code, not prose: docstrings and comments may name a column to explain it.
    code = re.sub(r'"""[\s\S]*?"""|#[^\n]*', "", code)
    assert not re.search(r"\w+_ct\b", code), "ciphertext column used outside its declaration"
    assert "._key(" not in code and "private_key()" not in code
    assert "aad(" not in code and "wbs:v1:" not in code, "associated data built outside"


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_templates_never_name_ciphertext(path):
    assert not re.search(r"_ct\b|sealed_key|wrapped_", path.read_text())


def test_every_ciphertext_column_is_a_sealed_field():
    """Every `*_ct` column of every model is a SealedField (so it owns its label)."""
    from django.apps import apps

    columns = [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if getattr(field, "attname", "").endswith("_ct")
    ]
    assert len(columns) >= 13
    assert all(isinstance(field, SealedField) for _model, field in columns)


def test_the_walk_sees_the_code():
    assert len(APP_MODULES) > 20 and len(TEMPLATES) > 20
