"""Issue 11 §1: active content does not survive PDF cleaning. The cleaned copy (what staff open
by default) has no JavaScript, no automatic action, no launch, URI, submit or media action, no
embedded file and no XFA; its pages, text and in-document links stay. The original is kept as
evidence (tests in wbs/cases/tests for the deliberate download with its warning)."""

import io

import pikepdf
import pytest

from wbs.vault import filecheck
from wbs.vault.tests import fixtures_files as F

DANGEROUS = {
    "/JavaScript",
    "/Launch",
    "/URI",
    "/SubmitForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
    "/Rendition",
    "/RichMediaExecute",
}


def _every_dictionary(pdf):
    """Every dictionary reachable in the file (indirect objects and what nests in them)."""
    stack = [obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj for obj in pdf.objects]
    stack.append(pdf.trailer)
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Dictionary):
            yield item
            stack.extend(v for v in item.values() if _direct_container(v))
        elif isinstance(item, pikepdf.Array):
            stack.extend(v for v in item if _direct_container(v))


def _direct_container(value) -> bool:
    return isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect


@pytest.fixture
def cleaned():
    original = F.pdf_with_active_content()
    result = filecheck.check_and_clean(original, "bukti.pdf")
    return original, result


def test_the_fixture_really_carries_active_content():
    with pikepdf.open(io.BytesIO(F.pdf_with_active_content())) as pdf:
        kinds = {str(d.get("/S")) for d in _every_dictionary(pdf) if "/S" in d}
        assert {"/JavaScript", "/Launch", "/URI", "/Rendition"} <= kinds
        assert "/OpenAction" in pdf.Root and "/XFA" in pdf.Root.AcroForm
        assert len(pdf.attachments) == 1


def test_cleaned_copy_has_no_active_content(cleaned):
    _original, result = cleaned
    with pikepdf.open(io.BytesIO(result.cleaned)) as pdf:
        for key in ("/OpenAction", "/AA", "/NeedsRendering", "/Collection"):
            assert key not in pdf.Root
        names = pdf.Root.get("/Names", pikepdf.Dictionary())
        assert "/JavaScript" not in names and "/EmbeddedFiles" not in names
        assert "/XFA" not in pdf.Root.AcroForm
        assert len(pdf.attachments) == 0
        for dictionary in _every_dictionary(pdf):
            assert "/AA" not in dictionary and "/JS" not in dictionary
            assert "/AF" not in dictionary and "/EF" not in dictionary
            assert str(dictionary.get("/S")) not in DANGEROUS
            assert str(dictionary.get("/Subtype")) not in {"/FileAttachment", "/Screen"}
            assert dictionary.get("/Type") != pikepdf.Name.EmbeddedFile
    assert b"MARKER" not in result.cleaned  # streams are written uncompressed here


def test_cleaned_copy_keeps_pages_text_and_internal_links(cleaned):
    _original, result = cleaned
    with pikepdf.open(io.BytesIO(result.cleaned)) as pdf:
        assert len(pdf.pages) == 2
        assert pdf.pages[1].Contents.read_bytes() == b"BT (page 1) Tj ET"
        subtypes = [str(a.Subtype) for a in pdf.pages[0].Annots]
        assert subtypes.count("/Link") == 3 and "/Highlight" in subtypes and "/Widget" in subtypes
        actions = [a.get("/A") for a in pdf.pages[0].Annots if a.Subtype == pikepdf.Name.Link]
        kept = [a for a in actions if a is not None]
        assert len(kept) == 1 and str(kept[0].S) == "/GoTo" and "/Next" not in kept[0]


def test_the_note_tells_staff_what_was_removed(cleaned, settings):
    _original, result = cleaned
    note = str(result.cleaning_note)
    assert str(filecheck.common.NOTE_PDF_ACTIVE) in note
    assert str(filecheck.common.NOTE_PDF_ATTACHMENTS) in note


def test_a_plain_pdf_gets_no_active_content_note():
    result = filecheck.check_and_clean(F.simple_pdf(), "a.pdf")
    assert str(filecheck.common.NOTE_PDF_ACTIVE) not in str(result.cleaning_note)


def test_transparency_groups_and_border_styles_are_not_taken_for_actions():
    """Other dictionaries with an /S entry (a transparency group, a border style) are kept."""
    pdf = pikepdf.open(io.BytesIO(F.simple_pdf()))
    page = pdf.pages[0].obj
    page.Group = pikepdf.Dictionary(S=pikepdf.Name.Transparency, CS=pikepdf.Name.DeviceRGB)
    page.Annots = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Square,
                Rect=pikepdf.Array([0, 0, 9, 9]),
                BS=pikepdf.Dictionary(S=pikepdf.Name.D, W=2),
            )
        ]
    )
    result = filecheck.check_and_clean(F.pdf_bytes(pdf), "a.pdf")
    with pikepdf.open(io.BytesIO(result.cleaned)) as cleaned_pdf:
        cleaned_page = cleaned_pdf.pages[0].obj
        assert str(cleaned_page.Group.S) == "/Transparency"
        assert str(cleaned_page.Annots[0].BS.S) == "/D"
    assert str(filecheck.common.NOTE_PDF_ACTIVE) not in str(result.cleaning_note)


def _with_link(action) -> bytes:
    pdf = pikepdf.open(io.BytesIO(F.simple_pdf()))
    annot = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=pikepdf.Array([0, 0, 9, 9]),
        A=action,
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(annot)])
    return F.pdf_bytes(pdf)


N, D, S = pikepdf.Name, pikepdf.Dictionary, pikepdf.String
DISGUISED = {
    # Viewers read /S and ignore what else the dictionary claims to be (attack review).
    "an /O key": D(S=N.JavaScript, JS=S("app.alert(1)"), O=N.Layout),
    "another /Type": D(Type=N.Foo, S=N.JavaScript, JS=S("app.alert(1)")),
    "a string /Type": D(Type=S("Action"), S=N.Launch, F=S("calc.exe")),
    "a URI with /O": D(S=N.URI, URI=S("https://contoh.invalid/suar"), O=N.X),
    "a Launch in a /Next chain": D(
        S=N.GoTo,
        D=pikepdf.Array([0, N.Fit]),
        Next=pikepdf.Array([D(S=N.Launch, F=S("cmd.exe"), O=N.X)]),
    ),
}


@pytest.mark.parametrize("disguise", sorted(DISGUISED))
def test_a_disguised_action_is_removed_too(disguise):
    cleaned = filecheck.check_and_clean(_with_link(DISGUISED[disguise]), "a.pdf").cleaned
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        for dictionary in _every_dictionary(pdf):
            assert str(dictionary.get("/S")) not in DANGEROUS, disguise
            assert not {"/JS", "/URI"} & set(dictionary.keys()), disguise
    assert b"calc.exe" not in cleaned and b"cmd.exe" not in cleaned and b"suar" not in cleaned


def test_an_action_in_an_outline_and_an_embedded_file_reached_elsewhere_are_removed():
    pdf = pikepdf.open(io.BytesIO(F.simple_pdf()))
    item = pdf.make_indirect(D(Title=S("x"), A=D(S=N.JavaScript, JS=S("app.alert(2)"), O=N.X)))
    outlines = pdf.make_indirect(D(Type=N.Outlines, First=item, Last=item, Count=1))
    item.Parent = outlines
    pdf.Root.Outlines = outlines
    hidden = pdf.make_stream(b"ISI-TERSEMBUNYI")
    hidden.Type = N.EmbeddedFile
    pdf.Root.Lain = hidden
    cleaned = filecheck.check_and_clean(F.pdf_bytes(pdf), "a.pdf").cleaned
    with pikepdf.open(io.BytesIO(cleaned)) as out:
        kinds = {str(d.get("/S")) for d in _every_dictionary(out) if "/S" in d}
        assert not kinds & DANGEROUS
        assert all(d.get("/Type") != N.EmbeddedFile for d in _every_dictionary(out))
    assert b"ISI-TERSEMBUNYI" not in cleaned
