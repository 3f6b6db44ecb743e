"""Tests for wbs.vault.filecheck: type detection by content, the allow-list, bomb defences and
metadata cleaning. All fixtures are built in memory (see fixtures_files)."""

import io
import os
import re
import struct
import xml.etree.ElementTree as ET
import zipfile

import mutagen.apev2
import mutagen.id3
import mutagen.mp3
import mutagen.mp4
import pikepdf
import pytest
from django.utils.functional import Promise
from PIL import Image

from wbs.vault import filecheck
from wbs.vault.filecheck import (
    CheckedFile,
    FileRejected,
    check_and_clean,
    images,
    safe_display_name,
)
from wbs.vault.tests import fixtures_files as F

MARKER = re.compile(rb"MARKER")


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English source messages; the Indonesian ones are in locale/id."""
    from django.utils import translation

    with translation.override("en"):
        yield


def rejected(data: bytes, filename: str) -> FileRejected:
    with pytest.raises(FileRejected) as info:
        check_and_clean(data, filename)
    return info.value


def zip_entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


# --------------------------------------------------------------------------- safe_display_name


def test_display_name_drops_unix_path():
    assert safe_display_name("../../etc/passwd") == "passwd"


def test_display_name_drops_windows_path():
    assert safe_display_name("C:\\x\\y.pdf") == "y.pdf"


def test_display_name_removes_nul_and_control_characters():
    assert safe_display_name("lap\x00or\x07an\x1b[31m.pdf") == "laporan[31m.pdf"


def test_display_name_removes_bidi_override():
    assert safe_display_name("bukti\u202efdp.exe") == "buktifdp.exe"


def test_display_name_strips_leading_dots_and_collapses_whitespace():
    assert safe_display_name("  ..hidden   file \t name.txt ") == "hidden file name.txt"


def test_display_name_caps_length_keeping_extension():
    name = safe_display_name("a" * 400 + ".docx")
    assert len(name) == 150
    assert name.endswith("a.docx")


def test_display_name_caps_length_without_extension():
    assert safe_display_name("b" * 400) == "b" * 150


@pytest.mark.parametrize("raw", ["", "...", "   ", "\x00\x01", "dir/", "C:\\dir\\"])
def test_display_name_falls_back_to_berkas(raw):
    assert safe_display_name(raw) == "berkas"


def test_display_name_keeps_unicode_letters():
    assert safe_display_name("Laporan Dinas Pekerjaan Umum – 2024.pdf") == (
        "Laporan Dinas Pekerjaan Umum – 2024.pdf"
    )


# ------------------------------------------------------------------------------ general rules


def test_empty_file_is_rejected():
    assert rejected(b"", "a.txt").code == "empty"


def test_too_large_input_is_rejected():
    assert rejected(b"a" * (filecheck.MAX_INPUT_BYTES + 1), "a.txt").code == "too_big"


def test_unknown_extension_is_rejected_with_allowed_list():
    error = rejected(F.simple_pdf(), "bukti.exe")
    assert error.code == "not_allowed"
    assert "PDF, JPG, PNG, DOCX, XLSX, TXT, MP3, M4A, MP4" in str(error.message)


def test_extension_check_is_case_insensitive():
    assert check_and_clean(F.simple_pdf(), "BUKTI.PDF").kind == "pdf"


def test_jpeg_extension_variant_is_accepted_with_canonical_extension():
    result = check_and_clean(F.jpeg_with_exif(), "foto.JPEG")
    assert (result.kind, result.extension, result.content_type) == ("jpeg", "jpg", "image/jpeg")


def test_real_pdf_named_jpg_is_a_mismatch():
    error = rejected(F.simple_pdf(), "x.jpg")
    assert error.code == "mismatch"
    assert "does not match" in str(error.message)


def test_message_never_contains_file_name():
    error = rejected(F.HTML, "rahasia-nama-pelapor.pdf")
    assert "rahasia" not in str(error.message)
    assert "rahasia" not in str(error)


def test_parser_errors_are_not_chained_into_the_rejection():
    error = rejected(F.simple_pdf()[:200], "a.pdf")
    assert error.code == "damaged"
    assert error.__cause__ is None
    assert error.__suppress_context__


def test_messages_are_lazy_translations():
    error = rejected(F.GIF, "a.gif")
    assert isinstance(error.message, Promise)
    assert isinstance(filecheck.NOTE_VIDEO, Promise)


def test_checked_file_is_frozen():
    result = check_and_clean(b"halo", "a.txt")
    assert isinstance(result, CheckedFile)
    with pytest.raises(AttributeError):
        result.kind = "pdf"


# ------------------------------------------------------------------------ disallowed content


def test_html_named_pdf_is_rejected():
    assert rejected(F.HTML, "evil.pdf").code == "not_allowed"


def test_svg_named_png_is_rejected():
    assert rejected(F.SVG, "gambar.png").code == "not_allowed"


def test_svg_named_pdf_is_rejected():
    assert rejected(F.SVG, "evil.pdf").code == "not_allowed"


def test_gif_is_rejected():
    assert rejected(F.GIF, "animasi.gif").code == "not_allowed"


def test_gif_named_png_is_rejected():
    assert rejected(F.GIF, "gambar.png").code == "not_allowed"


def test_executable_named_pdf_is_rejected():
    assert rejected(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "a.pdf").code == "not_allowed"


def test_plain_zip_named_docx_is_rejected():
    data = F.build_zip({"notes.txt": "halo", "word/readme.txt": "x"})
    assert rejected(data, "dokumen.docx").code == "not_allowed"


def test_legacy_office_file_is_rejected():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    assert rejected(data, "lama.docx").code == "not_allowed"


def test_password_protected_office_file_reports_encryption():
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 100
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 100
    )
    assert rejected(data, "rahasia.docx").code == "encrypted"


def test_pdf_with_leading_junk_is_not_accepted():
    assert rejected(b"\x00junk" + F.simple_pdf(), "a.pdf").code == "not_allowed"


def test_heic_image_in_iso_container_is_rejected():
    data = F.box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + F.box(b"meta", b"\x00" * 16)
    assert rejected(data, "foto.mp4").code == "not_allowed"


# -------------------------------------------------------------------------------------- text


def test_utf8_text_is_accepted_unchanged():
    data = "Laporan: dana desa dipotong 10%.\nTerima kasih — pelapor\n".encode()
    result = check_and_clean(data, "laporan.txt")
    assert (result.kind, result.content_type, result.extension) == (
        "text",
        "text/plain; charset=utf-8",
        "txt",
    )
    assert result.cleaned == data
    assert result.cleaning_note == ""


def test_utf8_text_with_bom_is_accepted():
    assert check_and_clean(b"\xef\xbb\xbfHalo\r\n", "a.txt").kind == "text"


def test_text_with_nul_is_rejected():
    assert rejected(b"halo\x00dunia", "a.txt").code == "text_encoding"


def test_text_in_legacy_encoding_is_rejected():
    assert rejected("caf\u00e9".encode("latin-1"), "a.txt").code == "text_encoding"


def test_text_with_terminal_escape_is_rejected():
    assert rejected(b"halo \x1b[2J dunia", "a.txt").code == "text_encoding"


def test_html_script_in_txt_is_rejected():
    assert rejected(b"<html><script>alert(1)</script>", "a.txt").code == "markup"


def test_markup_after_whitespace_and_bom_is_rejected():
    assert rejected(b"\xef\xbb\xbf \n\t<div>hai</div>", "a.txt").code == "markup"


def test_script_tag_inside_text_is_rejected():
    data = b"Halo,\nini laporan saya.\n<ScRiPt src=//x></script>\n"
    assert rejected(data, "a.txt").code == "markup"


def test_text_mentioning_less_than_is_accepted():
    assert check_and_clean(b"nilai 3 < 5 dan 7 > 2\n", "a.txt").kind == "text"


def test_text_named_pdf_is_a_mismatch():
    assert rejected(b"just some text", "a.pdf").code == "mismatch"


# ------------------------------------------------------------------------------------ images


def test_jpeg_cleaned_copy_has_no_exif_or_gps():
    original = F.jpeg_with_exif()
    assert b"MARKER-ARTIST" in original and b"Exif\x00\x00" in original
    result = check_and_clean(original, "foto.jpg")
    with Image.open(io.BytesIO(result.cleaned)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "icc_profile" not in image.info
        assert "comment" not in image.info
    assert b"Exif\x00\x00" not in result.cleaned
    assert b"http://ns.adobe.com/xap" not in result.cleaned
    assert not MARKER.search(result.cleaned)
    assert result.cleaning_note == ""


def test_jpeg_orientation_is_applied_before_exif_is_dropped():
    result = check_and_clean(F.jpeg_with_exif(size=(64, 48), orientation=6), "foto.jpg")
    with Image.open(io.BytesIO(result.cleaned)) as image:
        assert image.size == (48, 64)
        # Rotated 90° clockwise: the blue left half of the original is now the top half.
        red, _green, blue = image.convert("RGB").getpixel((24, 5))
        assert blue > 150 and red < 100


def test_png_cleaned_copy_has_no_text_chunks_or_exif():
    original = F.png_with_text()
    assert b"MARKER-AUTHOR" in original
    result = check_and_clean(original, "gambar.png")
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
        assert chunk not in result.cleaned
    assert not MARKER.search(result.cleaned)
    with Image.open(io.BytesIO(result.cleaned)) as image:
        assert image.format == "PNG"
        assert image.mode == "RGBA"
        assert image.size == (40, 30)
        assert image.text == {}


def test_palette_png_keeps_transparency():
    image = Image.new("P", (4, 4), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=1)
    result = check_and_clean(out.getvalue(), "ikon.png")
    with Image.open(io.BytesIO(result.cleaned)) as cleaned:
        assert cleaned.mode == "P"
        assert cleaned.info.get("transparency") == 1


def test_png_named_jpg_is_a_mismatch():
    assert rejected(F.png_with_text(), "foto.jpg").code == "mismatch"


def test_png_decompression_bomb_header_is_rejected():
    # 100,000 x 100,000 pixels declared, a few bytes of data: refused before any decoding.
    assert rejected(F.png_header_only(100_000, 100_000), "bom.png").code == "image_too_large"


def test_png_above_pixel_limit_is_rejected():
    # 8,000 x 8,000 = 64 megapixels: under Pillow's own limit, over the 50 megapixel limit.
    assert rejected(F.png_header_only(8_000, 8_000), "besar.png").code == "image_too_large"


def test_truncated_jpeg_is_rejected():
    data = F.jpeg_with_exif(size=(200, 200))
    assert rejected(data[: len(data) // 2], "foto.jpg").code == "damaged"


def test_multi_picture_jpeg_keeps_only_the_first_picture():
    first = Image.new("RGB", (32, 32), (255, 0, 0))
    second = Image.new("RGB", (32, 32), (0, 255, 0))
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second], exif=F.exif_with_gps().tobytes())
    result = check_and_clean(out.getvalue(), "kamera.jpg")
    assert result.kind == "jpeg"
    assert b"MPF\x00" not in result.cleaned
    assert not MARKER.search(result.cleaned)
    with Image.open(io.BytesIO(result.cleaned)) as image:
        assert image.format == "JPEG"
        red, green, _blue = image.getpixel((16, 16))
        assert red > 200 and green < 50


def test_cmyk_jpeg_is_converted_to_rgb():
    out = io.BytesIO()
    Image.new("CMYK", (8, 8), (0, 255, 255, 0)).save(out, format="JPEG")
    result = check_and_clean(out.getvalue(), "cetak.jpg")
    with Image.open(io.BytesIO(result.cleaned)) as image:
        assert image.mode == "RGB"


def test_lossless_jpeg_strip_keeps_pixels_and_drops_trailer():
    out = io.BytesIO()
    picture = Image.effect_mandelbrot((120, 90), (-2, -1.5, 1, 1.5), 50).convert("RGB")
    picture.save(
        out, "JPEG", progressive=True, exif=F.exif_with_gps().tobytes(), comment=b"MARKER-C"
    )
    original = out.getvalue()
    stripped = images.strip_jpeg_segments(original + b"MARKER-TRAILER")
    assert stripped is not None
    assert not MARKER.search(stripped)
    assert stripped.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(stripped)) as after:
        assert before.tobytes() == after.tobytes()


def test_lossless_jpeg_strip_refuses_garbage():
    assert images.strip_jpeg_segments(b"\xff\xd8\xff\xe1\xff\xff") is None


def test_lossless_png_strip_drops_text_and_exif_chunks():
    stripped = images.strip_png_chunks(F.png_with_text() + b"MARKER-TRAILER")
    assert stripped is not None
    assert not MARKER.search(stripped)
    assert b"eXIf" not in stripped
    with Image.open(io.BytesIO(stripped)) as image:
        image.load()
        assert image.size == (40, 30)


# --------------------------------------------------------------------------------------- PDF


def test_pdf_cleaned_copy_has_no_metadata_markers():
    original = F.pdf_with_metadata()
    assert original.count(b"MARKER") >= 8
    result = check_and_clean(original, "bukti.pdf")
    assert (result.kind, result.content_type, result.extension) == (
        "pdf",
        "application/pdf",
        "pdf",
    )
    assert not MARKER.search(result.cleaned)
    assert b"/Producer" not in result.cleaned
    assert b"/Author" not in result.cleaned
    assert b"pikepdf" not in result.cleaned


def test_pdf_cleaned_copy_has_no_info_xmp_or_pieceinfo():
    result = check_and_clean(F.pdf_with_metadata(), "bukti.pdf")
    with pikepdf.open(io.BytesIO(result.cleaned)) as pdf:
        assert "/Info" not in pdf.trailer
        assert "/Metadata" not in pdf.Root
        page = pdf.pages[0].obj
        assert "/Metadata" not in page
        assert "/PieceInfo" not in page
        annotation = page.Annots[0]
        assert "/T" not in annotation
        assert "/M" not in annotation
        assert str(annotation.Contents) == "A note"


def test_pdf_keeps_text_and_vector_content():
    result = check_and_clean(F.pdf_with_metadata(), "bukti.pdf")
    with pikepdf.open(io.BytesIO(result.cleaned)) as pdf:
        assert len(pdf.pages) == 1
        content = pdf.pages[0].Contents.read_bytes()
        assert b"(Hello evidence) Tj" in content
        assert b"re f" in content
        assert "/F1" in pdf.pages[0].Resources.Font


def test_pdf_metadata_on_form_xobject_stream_is_removed():
    original = F.pdf_with_form_xobject_metadata()
    assert original.count(b"MARKER") == 2
    result = check_and_clean(original, "a.pdf")
    assert not MARKER.search(result.cleaned)
    with pikepdf.open(io.BytesIO(result.cleaned)) as pdf:
        form = pdf.pages[0].Resources.XObject.Fm1
        assert "/Metadata" not in form
        assert form.read_bytes() == b"0 0 m 10 10 l S"


def test_pdf_embedded_jpeg_loses_exif_but_still_decodes():
    result = check_and_clean(F.pdf_with_metadata(), "bukti.pdf")
    with pikepdf.open(io.BytesIO(result.cleaned)) as pdf:
        raw = pdf.pages[0].Resources.XObject.Im1.read_raw_bytes()
    assert b"Exif\x00\x00" not in raw
    with Image.open(io.BytesIO(raw)) as image:
        image.load()
        assert image.size == (16, 16)


def test_pdf_document_id_is_replaced():
    original = F.simple_pdf()
    with pikepdf.open(io.BytesIO(original)) as pdf:
        original_id = bytes(pdf.trailer.ID[0])
    result = check_and_clean(original, "a.pdf")
    with pikepdf.open(io.BytesIO(result.cleaned)) as pdf:
        assert bytes(pdf.trailer.ID[0]) != original_id


def test_pdf_with_user_password_is_rejected():
    error = rejected(F.encrypted_pdf(user_password="rahasia"), "a.pdf")
    assert error.code == "encrypted"
    assert "password" in str(error.message)


def test_pdf_with_owner_password_only_is_accepted_and_decrypted():
    result = check_and_clean(F.encrypted_pdf(user_password=""), "a.pdf")
    with pikepdf.open(io.BytesIO(result.cleaned)) as pdf:
        assert not pdf.is_encrypted
        assert b"page 0" in pdf.pages[0].Contents.read_bytes()


@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.95])
def test_truncated_pdf_is_rejected(fraction):
    data = F.simple_pdf(pages=3)
    assert rejected(data[: int(len(data) * fraction)], "a.pdf").code == "damaged"


def test_pdf_header_without_body_is_rejected():
    assert rejected(b"%PDF-1.7\n<html>nope</html>\n", "a.pdf").code == "damaged"


def test_pdf_attachment_is_mentioned_in_cleaning_note():
    result = check_and_clean(F.pdf_with_attachment(), "a.pdf")
    assert "attached" in str(result.cleaning_note)


# ----------------------------------------------------------------------------------- DOCX


def test_docx_cleaned_copy_has_no_markers():
    result = check_and_clean(F.docx_bytes(), "dokumen.docx")
    assert result.kind == "docx"
    assert result.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    for name, content in zip_entries(result.cleaned).items():
        assert not MARKER.search(content), name


def test_docx_keeps_entries_and_document_text():
    original = zip_entries(F.docx_bytes())
    cleaned = zip_entries(check_and_clean(F.docx_bytes(), "dokumen.docx").cleaned)
    assert list(cleaned) == list(original)
    document = cleaned["word/document.xml"]
    for text in (b"Bukti pelanggaran", b"tambahan", b"hapus", b"dikomentari", b'r:embed="rId9"'):
        assert text in document


def test_docx_parts_remain_well_formed_xml():
    cleaned = zip_entries(check_and_clean(F.docx_bytes(), "dokumen.docx").cleaned)
    for name, content in cleaned.items():
        if name.endswith((".xml", ".rels")):
            ET.fromstring(content)  # noqa: S314 - the test's own output


def test_docx_revision_and_comment_authors_are_anonymised():
    cleaned = zip_entries(check_and_clean(F.docx_bytes(), "dokumen.docx").cleaned)
    assert b'w:author="Anonim"' in cleaned["word/comments.xml"]
    assert b'w:initials=""' in cleaned["word/comments.xml"]
    # The fixture writes w:ins with double and w:del with single quotes: both are anonymised.
    w = f"{{{F.W_NS}}}"
    document = ET.fromstring(cleaned["word/document.xml"])  # noqa: S314
    revisions = [el for el in document.iter() if el.tag in (f"{w}ins", f"{w}del")]
    assert [el.get(f"{w}author") for el in revisions] == ["Anonim", "Anonim"]
    assert b"w:date" not in cleaned["word/document.xml"]
    assert b"rsid" not in cleaned["word/document.xml"]
    assert b"presenceInfo" not in cleaned["word/people.xml"]


def test_docx_properties_are_emptied():
    cleaned = zip_entries(check_and_clean(F.docx_bytes(), "dokumen.docx").cleaned)
    core = ET.fromstring(cleaned["docProps/core.xml"])  # noqa: S314
    app = ET.fromstring(cleaned["docProps/app.xml"])  # noqa: S314
    custom = ET.fromstring(cleaned["docProps/custom.xml"])  # noqa: S314
    assert (len(core), len(app), len(custom)) == (0, 0, 0)


def test_docx_template_path_and_local_links_are_removed():
    cleaned = zip_entries(check_and_clean(F.docx_bytes(), "dokumen.docx").cleaned)
    assert b"attachedTemplate" not in cleaned["word/settings.xml"]
    assert b"Relationship " not in cleaned["word/_rels/settings.xml.rels"]
    rels = cleaned["word/_rels/document.xml.rels"]
    assert b'Target="file:///removed"' in rels
    assert b'Target="https://example.go.id/"' in rels


def test_docx_embedded_photo_loses_exif():
    cleaned = zip_entries(check_and_clean(F.docx_bytes(), "dokumen.docx").cleaned)
    photo = cleaned["word/media/image1.jpeg"]
    assert b"Exif\x00\x00" not in photo
    with Image.open(io.BytesIO(photo)) as image:
        image.load()
        assert dict(image.getexif()) == {}


def test_docx_entry_dates_are_normalised():
    result = check_and_clean(F.docx_bytes(), "dokumen.docx")
    with zipfile.ZipFile(io.BytesIO(result.cleaned)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_docx_with_tracked_changes_gets_a_note():
    result = check_and_clean(F.docx_bytes(), "dokumen.docx")
    assert "Tracked changes" in str(result.cleaning_note)


def test_docx_with_embedded_file_gets_a_note():
    data = F.docx_bytes({"word/embeddings/oleObject1.bin": b"\x01" * 32})
    assert "embedded" in str(check_and_clean(data, "dokumen.docx").cleaning_note)


def test_docx_embedded_png_loses_text_chunks():
    data = F.docx_bytes({"word/media/image2.png": F.png_with_text()})
    cleaned = zip_entries(check_and_clean(data, "dokumen.docx").cleaned)
    assert not MARKER.search(cleaned["word/media/image2.png"])
    assert cleaned["word/media/image2.png"].startswith(b"\x89PNG")


def test_docx_with_malformed_xml_part_is_rejected():
    data = F.docx_bytes({"word/comments.xml": "<w:comments><w:comment w:author='x'>"})
    assert rejected(data, "dokumen.docx").code == "damaged"


def test_docx_with_dtd_is_rejected():
    billion_laughs = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>'
    )
    data = F.docx_bytes({"word/document.xml": billion_laughs})
    assert rejected(data, "dokumen.docx").code == "damaged"


def test_small_highly_compressible_entry_is_not_a_bomb():
    data = F.docx_bytes({"word/media/blank.bin": bytes(512 * 1024)})
    assert check_and_clean(data, "dokumen.docx").kind == "docx"


def test_docx_named_xlsx_is_a_mismatch():
    assert rejected(F.docx_bytes(), "tabel.xlsx").code == "mismatch"


def test_docx_with_vba_project_is_rejected():
    data = F.docx_bytes({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 64})
    assert rejected(data, "dokumen.docx").code == "macros"


def test_docx_declaring_macro_content_type_is_rejected():
    parts = F.docx_parts()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "document.main+xml", "document.macroEnabled.main+xml"
    )
    assert rejected(F.build_zip(parts), "dokumen.docx").code == "macros"


def test_docx_zip_bomb_by_ratio_is_rejected():
    data = F.docx_bytes({"word/media/bomb.bin": bytes(40 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    assert rejected(data, "dokumen.docx").code == "zip_ratio"


def test_docx_total_unpacked_size_limit():
    extra = {f"word/media/part{i}.bin": bytes(100) for i in range(250)}
    # Every entry claims 900,000 bytes: 225 MB in total, no single entry large enough for the
    # ratio rule.
    data = F.patch_central_directory(F.docx_bytes(extra), file_size=900_000)
    assert rejected(data, "dokumen.docx").code == "zip_too_large"


def test_docx_unpacking_past_the_per_file_limit_is_refused_before_decompression():
    # 70 entries claiming 900,000 bytes each: 63 MB, well below the old 200 MB limit and
    # above today's 50 MB. Refused from the directory alone (the entries hold 100 bytes).
    extra = {f"word/media/part{i}.bin": bytes(100) for i in range(70)}
    data = F.patch_central_directory(F.docx_bytes(extra), file_size=900_000)
    assert rejected(data, "dokumen.docx").code == "zip_too_large"
    assert filecheck.common.MAX_ZIP_TOTAL_UNCOMPRESSED == 50 * 1024 * 1024


def test_office_files_of_one_request_share_one_unpack_budget():
    # Three DOCX of ~8 MB unpacked each (random bytes: zeros would trip the ratio rule):
    # within a 20 MB budget the third is refused.
    media = os.urandom(8 * 1024 * 1024)
    data = F.docx_bytes({"word/media/photo.bin": media})
    with filecheck.unpack_budget(20 * 1024 * 1024):
        filecheck.check_and_clean(data, "satu.docx")
        filecheck.check_and_clean(data, "dua.docx")
        third = rejected(data, "tiga.docx")
    assert third.code == "request_unpacked"
    assert "20 MB" in str(third.message)
    # Outside the block (another request) the same file passes again.
    assert filecheck.check_and_clean(data, "tiga.docx").kind == "docx"


def test_docx_with_too_many_entries_is_rejected():
    extra = {f"customXml/item{i}.xml": b"<a/>" for i in range(filecheck.MAX_ZIP_ENTRIES)}
    assert rejected(F.docx_bytes(extra), "dokumen.docx").code == "zip_entries"


def test_encrypted_zip_entries_are_rejected():
    data = F.patch_central_directory(F.docx_bytes(), flag_bits=0x1)
    assert rejected(data, "dokumen.docx").code == "encrypted"


def test_corrupted_docx_entry_is_rejected():
    data = bytearray(F.docx_bytes())
    position = data.find(b"word/document.xml") + len(b"word/document.xml") + 20
    data[position : position + 40] = b"\x00" * 40
    assert rejected(bytes(data), "dokumen.docx").code == "damaged"


def test_truncated_docx_is_rejected():
    data = F.docx_bytes()
    assert rejected(data[: len(data) // 2], "dokumen.docx").code == "damaged"


# Real XML parsing (lxml): what text patterns could not get right.

W = f"{{{F.W_NS}}}"


def docx_without_comments(parts: dict[str, str]) -> bytes:
    """The DOCX fixture without word/comments.xml (which alone earns the revisions note)."""
    contents = F.docx_parts()
    del contents["word/comments.xml"]
    contents.update(parts)
    return F.build_zip(contents)


@pytest.mark.parametrize(
    "document",
    [
        # Another prefix than w: for the WordprocessingML namespace.
        f'<ns0:document xmlns:ns0="{F.W_NS}"><ns0:body><ns0:p ns0:rsidR="00A1">'
        '<ns0:ins ns0:id="1" ns0:author="MARKER-INS" ns0:date="2024-01-02T03:04:00Z">'
        "<ns0:r><ns0:t>tambahan</ns0:t></ns0:r></ns0:ins></ns0:p></ns0:body></ns0:document>",
        # The namespace as default namespace for the elements, a prefix for the attributes.
        f'<document xmlns="{F.W_NS}" xmlns:ns0="{F.W_NS}"><body><p ns0:rsidR="00A1">'
        '<ins ns0:id="1" ns0:author="MARKER-INS" ns0:date="2024-01-02T03:04:00Z">'
        "<r><t>tambahan</t></r></ins></p></body></document>",
    ],
)
def test_docx_scrubbing_does_not_depend_on_the_namespace_prefix(document):
    data = docx_without_comments({"word/document.xml": F.XML_HEAD + document})
    result = check_and_clean(data, "a.docx")
    cleaned = zip_entries(result.cleaned)["word/document.xml"]
    assert not MARKER.search(cleaned)
    root = ET.fromstring(cleaned)  # noqa: S314 - the test's own output
    revision = root.find(f".//{W}ins")
    assert revision.attrib == {f"{W}id": "1", f"{W}author": "Anonim"}
    assert root.find(f".//{W}p").attrib == {}
    assert root.find(f".//{W}t").text == "tambahan"
    assert "Tracked changes" in str(result.cleaning_note)


def test_docx_markup_lookalikes_in_values_and_text_are_left_alone():
    lookalike = ' w:author="kept" w:date="2024" w:rsidR="00"'
    document = (
        F.XML_HEAD + f'<w:document xmlns:w="{F.W_NS}"><w:body><w:p w:rsidR="00A1">'
        f"<w:bookmarkStart w:id=\"5\" w:name='{lookalike}'/>"
        '<w:ins w:id="1" w:author="MARKER-INS" w:date="2024-01-02T03:04:00Z">'
        f"<w:r><w:t xml:space=\"preserve\">{lookalike} &gt; w:initials='x'</w:t></w:r>"
        "</w:ins></w:p></w:body></w:document>"
    )
    data = F.docx_bytes({"word/document.xml": document})
    cleaned = zip_entries(check_and_clean(data, "a.docx").cleaned)["word/document.xml"]
    root = ET.fromstring(cleaned)  # noqa: S314
    assert root.find(f".//{W}bookmarkStart").get(f"{W}name") == lookalike
    assert root.find(f".//{W}t").text == f"{lookalike} > w:initials='x'"
    assert root.find(f".//{W}ins").attrib == {f"{W}id": "1", f"{W}author": "Anonim"}
    assert root.find(f".//{W}p").attrib == {}


def test_docx_relationship_target_containing_greater_than_is_removed():
    rels = (
        F.XML_HEAD + f'<Relationships xmlns="{F.PKG_RELS}">'
        f'<Relationship Id="rId10" Type="{F.OFFICE_RELS}/hyperlink" '
        'Target="file:///C:/Users/MARKER-LINKUSER/a>b.pdf" TargetMode="External"/>'
        f'<Relationship Id="rId11" Type="{F.OFFICE_RELS}/hyperlink" '
        'Target="https://example.go.id/?a>b" TargetMode="External"/>'
        "</Relationships>"
    )
    data = F.docx_bytes({"word/_rels/document.xml.rels": rels})
    cleaned = zip_entries(check_and_clean(data, "a.docx").cleaned)["word/_rels/document.xml.rels"]
    assert not MARKER.search(cleaned)
    targets = [rel.get("Target") for rel in ET.fromstring(cleaned)]  # noqa: S314
    assert targets == ["file:///removed", "https://example.go.id/?a>b"]


def test_docx_part_in_utf16_is_scrubbed_and_written_as_utf8():
    utf16 = F.DOCUMENT_XML.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    data = F.docx_bytes({"word/document.xml": utf16})
    cleaned = zip_entries(check_and_clean(data, "a.docx").cleaned)["word/document.xml"]
    assert cleaned.startswith(b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>")
    assert not MARKER.search(cleaned)
    assert b"rsid" not in cleaned
    assert b"Bukti pelanggaran" in cleaned


def test_docx_part_with_nothing_to_remove_keeps_its_bytes():
    styles = (
        "<?xml version='1.0' encoding='UTF-8'?>\r\n<!-- as written -->"
        f"<w:styles xmlns:w='{F.W_NS}'  ><w:style w:styleId='a' /></w:styles>"
    )
    data = F.docx_bytes({"word/styles.xml": styles})
    assert zip_entries(check_and_clean(data, "a.docx").cleaned)["word/styles.xml"] == (
        styles.encode()
    )


XXE = '<!DOCTYPE r [<!ENTITY leak SYSTEM "file:///etc/hostname">]>'


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("word/document.xml", f'{XXE}<w:document xmlns:w="{F.W_NS}">&leak;</w:document>'),
        ("word/_rels/document.xml.rels", f'{XXE}<Relationships xmlns="{F.PKG_RELS}">&leak;'),
        ("[Content_Types].xml", f"{XXE}<Types>&leak;</Types>"),
        ("word/styles.xml", '<!DOCTYPE s SYSTEM "http://example.com/s.dtd"><s/>'),
    ],
)
def test_docx_part_with_entity_or_doctype_declaration_is_rejected(name, content):
    assert rejected(F.docx_bytes({name: content}), "a.docx").code == "damaged"


# ----------------------------------------------------------------------------------- XLSX


def test_xlsx_cleaned_copy_has_no_markers():
    result = check_and_clean(F.xlsx_bytes(), "tabel.xlsx")
    assert result.kind == "xlsx"
    assert result.extension == "xlsx"
    assert result.content_type == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    for name, content in zip_entries(result.cleaned).items():
        assert not MARKER.search(content), name


def test_xlsx_keeps_sheet_data_and_comment_author_count():
    cleaned = zip_entries(check_and_clean(F.xlsx_bytes(), "tabel.xlsx").cleaned)
    assert cleaned["xl/worksheets/sheet1.xml"] == F.SHEET_XML.encode()
    comments = ET.fromstring(cleaned["xl/comments1.xml"])  # noqa: S314
    authors = comments.find(f"{{{F.S_NS}}}authors")
    assert [author.text for author in authors] == ["Anonim", "Anonim"]
    for name, content in cleaned.items():
        if name.endswith((".xml", ".rels")):
            ET.fromstring(content)  # noqa: S314


def test_xlsx_with_comments_gets_a_note():
    result = check_and_clean(F.xlsx_bytes(), "tabel.xlsx")
    assert "comments" in str(result.cleaning_note)


def test_xlsx_without_comments_has_no_note():
    parts = F.xlsx_parts()
    del parts["xl/comments1.xml"]
    assert check_and_clean(F.build_zip(parts), "tabel.xlsx").cleaning_note == ""


def test_xlsx_with_vba_project_is_rejected():
    data = F.xlsx_bytes({"xl/vbaProject.bin": b"\x00" * 16})
    assert rejected(data, "tabel.xlsx").code == "macros"


def test_xlsx_with_macro_sheet_is_rejected():
    data = F.xlsx_bytes({"xl/macrosheets/sheet1.xml": "<xm:macrosheet/>"})
    assert rejected(data, "tabel.xlsx").code == "macros"


def test_xlsx_comment_authors_in_cdata_or_with_attributes_are_anonymised():
    comments = (
        F.XML_HEAD + f'<comments xmlns="{F.S_NS}"><authors>'
        "<author><![CDATA[MARKER-CDATA]]></author>"
        '<author xml:space="preserve">MARKER-SPACE</author></authors></comments>'
    )
    data = F.xlsx_bytes({"xl/comments1.xml": comments})
    cleaned = zip_entries(check_and_clean(data, "tabel.xlsx").cleaned)["xl/comments1.xml"]
    assert not MARKER.search(cleaned)
    authors = ET.fromstring(cleaned).find(f"{{{F.S_NS}}}authors")  # noqa: S314
    assert [author.text for author in authors] == ["Anonim", "Anonim"]


@pytest.mark.parametrize(
    "sheet",
    [
        f'{XXE}<worksheet xmlns="{F.S_NS}">&leak;</worksheet>',
        "<x:worksheet><x:sheetData/></x:worksheet>",  # unbound prefix
    ],
)
def test_xlsx_sheet_that_is_only_checked_still_refuses_entities_and_bad_namespaces(sheet):
    data = F.xlsx_bytes({"xl/worksheets/sheet1.xml": sheet})
    assert rejected(data, "tabel.xlsx").code == "damaged"


# ------------------------------------------------------------------------------------ MP3


def test_mp3_cleaned_copy_has_no_tags():
    original = F.mp3_with_tags()
    assert original.startswith(b"ID3")
    assert original.count(b"MARKER") >= 4
    result = check_and_clean(original, "rekaman.mp3")
    assert (result.kind, result.content_type, result.extension) == ("mp3", "audio/mpeg", "mp3")
    assert not MARKER.search(result.cleaned)
    assert result.cleaned == F.mp3_audio()
    audio = mutagen.mp3.MP3(io.BytesIO(result.cleaned))
    assert audio.tags is None
    assert audio.info.sample_rate == 44100


def test_mp3_without_tags_is_accepted():
    result = check_and_clean(F.mp3_audio(), "rekaman.mp3")
    assert result.cleaned == F.mp3_audio()


def test_id3_header_followed_by_html_is_rejected():
    header = b"ID3\x04\x00\x00\x00\x00\x00\x10" + b"\x00" * 16
    assert rejected(header + F.HTML * 50, "lagu.mp3").code == "damaged"


def test_mp3_named_m4a_is_a_mismatch():
    assert rejected(F.mp3_audio(), "rekaman.m4a").code == "mismatch"


def id3v2_tag(text: str, version: int = 3, footer: bool = False) -> bytes:
    """An ID3v2 tag alone, written by mutagen; `footer` adds the ID3v2.4 footer ("3DI")."""
    buffer = io.BytesIO()
    tags = mutagen.id3.ID3()
    tags.add(mutagen.id3.TIT2(encoding=3, text=text))
    tags.save(buffer, v2_version=version, padding=lambda info: 0)
    tag = buffer.getvalue()
    if footer:
        flags = bytes([tag[5] | 0x10])
        tag = tag[:5] + flags + tag[6:] + b"3DI" + tag[3:5] + flags + tag[6:10]
    return tag


def id3v1_tag(text: str) -> bytes:
    tags = mutagen.id3.ID3()
    tags.add(mutagen.id3.TIT2(encoding=3, text=text))
    return mutagen.id3.MakeID3v1(tags)


def apev2_tag(text: str) -> bytes:
    """An APEv2 tag with header and footer, written by mutagen."""
    buffer = io.BytesIO(F.mp3_audio())
    tag = mutagen.apev2.APEv2()
    tag["Artist"] = text
    tag.save(buffer)
    return buffer.getvalue()[len(F.mp3_audio()) :]


def lyrics3v2(text: bytes) -> bytes:
    body = b"LYRICSBEGIN" + b"IND00002" + b"10" + b"LYR%05d" % len(text) + text
    return body + b"%06d" % len(body) + b"LYRICS200"


def assert_no_tags(cleaned: bytes) -> None:
    assert cleaned == F.mp3_audio()  # the audio frames, byte for byte, and nothing else
    assert mutagen.mp3.MP3(io.BytesIO(cleaned)).tags is None
    with pytest.raises(mutagen.apev2.APENoHeaderError):
        mutagen.apev2.APEv2(io.BytesIO(cleaned))


@pytest.mark.parametrize("ape_last", [False, True])
def test_mp3_id3v2_apev2_and_id3v1_are_all_removed(ape_last):
    ape, v1 = apev2_tag("MARKER-APE"), id3v1_tag("MARKER-V1")
    trailer = v1 + ape if ape_last else ape + v1
    original = id3v2_tag("MARKER-V2") + F.mp3_audio() + trailer
    assert mutagen.apev2.APEv2(io.BytesIO(original))["Artist"] == "MARKER-APE"
    assert str(mutagen.id3.ID3(io.BytesIO(original))["TIT2"]) == "MARKER-V2"
    cleaned = check_and_clean(original, "rekaman.mp3").cleaned
    assert not MARKER.search(cleaned)
    assert_no_tags(cleaned)


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        (id3v2_tag("MARKER-A", 4, footer=True), b""),
        (id3v2_tag("MARKER-A", 3) + id3v2_tag("MARKER-B", 4) + id3v2_tag("MARKER-C", 3), b""),
        (b"", lyrics3v2(b"MARKER-LYRICS") + id3v1_tag("MARKER-V1")),
        (b"", apev2_tag("MARKER-APE") + lyrics3v2(b"MARKER-LYRICS") + id3v1_tag("MARKER-V1")),
        (b"", b"TAG+" + b"MARKER-TAGPLUS".ljust(223, b"\x00") + id3v1_tag("MARKER-V1")),
        (b"", id3v2_tag("MARKER-APPENDED", 4, footer=True)),
        (b"", b"APETAGEX" + struct.pack("<IIII", 2000, 32, 0, 0) + bytes(8)),  # item-less APEv2
    ],
    ids=["v24-footer", "stacked", "lyrics3", "ape-lyrics3", "tag-plus", "appended", "empty-ape"],
)
def test_mp3_tags_outside_mutagens_reach_are_removed_too(head, tail):
    cleaned = check_and_clean(head + F.mp3_audio() + tail, "rekaman.mp3").cleaned
    assert not MARKER.search(cleaned)
    assert b"LYRICS" not in cleaned and b"3DI" not in cleaned
    assert_no_tags(cleaned)


def test_mp3_with_an_endless_stack_of_tags_is_rejected():
    data = id3v2_tag("x") * 17 + F.mp3_audio()
    assert rejected(data, "rekaman.mp3").code == "damaged"


# ------------------------------------------------------------------------------ M4A / MP4


def test_m4a_cleaned_copy_has_no_tags():
    original = F.iso_media(b"M4A ", (b"soun",))
    assert mutagen.mp4.MP4(io.BytesIO(original)).tags["\xa9nam"] == ["MARKER-TAG-TITLE"]
    result = check_and_clean(original, "rekaman.m4a")
    assert (result.kind, result.content_type, result.extension) == ("m4a", "audio/mp4", "m4a")
    assert not MARKER.search(result.cleaned)
    assert b"\xa9xyz" not in result.cleaned
    assert mutagen.mp4.MP4(io.BytesIO(result.cleaned)).tags is None
    assert result.cleaning_note == ""


def test_mp4_location_and_tags_are_removed_and_note_is_set():
    original = F.iso_media(b"isom", (b"vide", b"soun"))
    assert b"\xa9xyz" in original
    result = check_and_clean(original, "video.mp4")
    assert (result.kind, result.content_type, result.extension) == ("mp4", "video/mp4", "mp4")
    assert not MARKER.search(result.cleaned)
    assert b"\xa9xyz" not in result.cleaned
    assert len(result.cleaned) == len(original)  # boxes are blanked in place: offsets hold
    assert "container metadata" in str(result.cleaning_note)
    parsed = mutagen.mp4.MP4(io.BytesIO(result.cleaned))
    assert parsed.tags is None
    assert parsed.info.length == pytest.approx(5.0)


def test_mp4_creation_times_are_zeroed():
    original = F.iso_media(b"mp42", (b"vide",))
    marker_time = struct.pack(">I", F.MARKER_TIME)
    assert original.count(marker_time) == 6
    result = check_and_clean(original, "video.mp4")
    assert marker_time not in result.cleaned


def test_generic_brand_audio_named_m4a_is_accepted():
    result = check_and_clean(F.iso_media(b"mp42", (b"soun",)), "suara.m4a")
    assert result.kind == "m4a"


def test_video_named_m4a_is_a_mismatch():
    assert rejected(F.iso_media(b"isom", (b"vide",)), "suara.m4a").code == "mismatch"


def test_m4a_brand_named_mp4_is_a_mismatch():
    assert rejected(F.iso_media(b"M4A ", (b"soun",)), "suara.mp4").code == "mismatch"


def test_iso_file_without_movie_box_is_rejected():
    data = F.box(b"ftyp", b"isom\x00\x00\x00\x00isom") + F.box(b"mdat", b"\x00" * 64)
    assert rejected(data, "video.mp4").code == "damaged"


def test_iso_file_with_broken_box_sizes_is_rejected():
    data = bytearray(F.iso_media(b"isom", (b"vide",)))
    moov = data.find(b"moov") - 4
    data[moov : moov + 4] = struct.pack(">I", len(data) * 2)
    assert rejected(bytes(data), "video.mp4").code == "damaged"


def test_the_installation_file_limit_is_the_check_limit(settings):
    """Issue 11 §1: WBS_MAX_FILE_MB raises (or lowers) the file checks' own limit."""
    from django.utils import translation

    data = b"catatan\n" * (3 * 1024 * 1024 // 8 + 1)  # just over 3 MB of plain text
    settings.WBS_MAX_FILE_BYTES = 4 * 1024 * 1024
    assert check_and_clean(data, "catatan.txt").kind == "text"
    settings.WBS_MAX_FILE_BYTES = 2 * 1024 * 1024
    error = rejected(data, "catatan.txt")
    with translation.override("id"):
        assert error.code == "too_big" and "2 MB" in str(error.message)
