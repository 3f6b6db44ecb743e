"""One module owns plaintext (confidentiality.md): outside wbs/vault nothing imports the crypto
library or touches ciphertext columns and raw keys; templates never name a ciphertext field."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
APP_MODULES = [
    p
    for p in (ROOT / "wbs").rglob("*.py")
    if "vault" not in p.parts and "tests" not in p.parts and "migrations" not in p.parts
]
VIEW_LAYER = [
    p
    for p in APP_MODULES
    if p.name in ("views.py", "forms.py", "api.py", "account_views.py", "urls.py")
]
TEMPLATES = list((ROOT / "templates").rglob("*.html"))


def _rel(path):
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", APP_MODULES, ids=_rel)
def test_no_crypto_library_outside_the_vault(path):
    text = path.read_text()
    assert not re.search(r"^\s*(from|import)\s+nacl\b", text, re.M)
    assert not re.search(r"from wbs\.vault import crypto|wbs\.vault\.crypto", text)


@pytest.mark.parametrize("path", VIEW_LAYER, ids=_rel)
def test_view_layer_never_touches_ciphertext_or_keys(path):
    text = path.read_text()
    assert not re.search(r"\w+_ct\b", text), "ciphertext column used in the view layer"
    assert "._key(" not in text and "private_key()" not in text


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_templates_never_name_ciphertext(path):
    assert not re.search(r"_ct\b|sealed_key|wrapped_", path.read_text())


def test_the_walk_sees_the_code():
    assert len(APP_MODULES) > 20 and len(TEMPLATES) > 20
