"""Evidence-file fixtures for the file-check tests, all built in memory (no binary files).

Every identifying value planted in a fixture contains the word MARKER, so a test can assert that
the cleaned copy contains none of them.
"""

import io
import struct
import zipfile
import zlib

import mutagen.id3
import mutagen.mp4
import pikepdf
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

# ------------------------------------------------------------------------------------ images

EXIF_MAKE = 0x010F
EXIF_MODEL = 0x0110
EXIF_ORIENTATION = 0x0112
EXIF_ARTIST = 0x013B
EXIF_GPS_IFD = 0x8825


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[EXIF_MAKE] = "MARKER-MAKE"
    exif[EXIF_MODEL] = "MARKER-MODEL"
    exif[EXIF_ARTIST] = "MARKER-ARTIST"
    exif[EXIF_ORIENTATION] = orientation
    gps = exif.get_ifd(EXIF_GPS_IFD)
    gps[1] = "S"
    gps[2] = (6.0, 12.0, 30.5)
    gps[3] = "E"
    gps[4] = (106.0, 49.0, 0.25)
    return exif


def jpeg_with_exif(size=(64, 48), orientation: int = 1) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    for x in range(size[0] // 2):  # left half blue, to check the orientation is applied
        for y in range(size[1]):
            image.putpixel((x, y), (20, 20, 220))
    out = io.BytesIO()
    image.save(
        out,
        format="JPEG",
        quality=95,
        exif=exif_with_gps(orientation).tobytes(),
        comment=b"MARKER-COMMENT",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">MARKER-XMP</x:xmpmeta>',
        icc_profile=srgb_icc(),
    )
    return out.getvalue()


def png_with_text(mode: str = "RGBA") -> bytes:
    image = Image.new(mode, (40, 30))
    info = PngInfo()
    info.add_text("Author", "MARKER-AUTHOR")
    info.add_text("Comment", "MARKER-ZTXT", zip=True)
    info.add_itxt("Description", "MARKER-ITXT", lang="id", tkey="Deskripsi")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, exif=exif_with_gps().tobytes())
    return out.getvalue()


def png_chunk(chunk_type: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(chunk_type + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def png_header_only(width: int, height: int, bit_depth: int = 1, color_type: int = 0) -> bytes:
    """A PNG whose header claims the given size, with a tiny IDAT (a decompression bomb shape)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n"

# --------------------------------------------------------------------------------------- PDF


def pdf_bytes(pdf: pikepdf.Pdf, **save_options) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **save_options)
    return out.getvalue()


def pdf_with_metadata() -> bytes:
    """A one-page PDF with text, Info, XMP, page metadata, PieceInfo, an EXIF-carrying JPEG
    image and a comment annotation with an author."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(300, 300))
    page = pdf.pages[0]
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont="/Helvetica"
        )
    )
    image = pdf.make_stream(jpeg_with_exif(size=(16, 16)))
    image.Type = pikepdf.Name.XObject
    image.Subtype = pikepdf.Name.Image
    image.Width = 16
    image.Height = 16
    image.ColorSpace = pikepdf.Name.DeviceRGB
    image.BitsPerComponent = 8
    image.Filter = pikepdf.Name.DCTDecode
    page.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F1=font), XObject=pikepdf.Dictionary(Im1=image)
    )
    page.Contents = pdf.make_stream(
        b"BT /F1 18 Tf 20 250 Td (Hello evidence) Tj ET\n"
        b"0 0 1 rg 20 20 100 50 re f\n"
        b"q 50 0 0 50 150 100 cm /Im1 Do Q\n"
    )
    page.obj.Metadata = pdf.make_stream(b"<x:xmpmeta>MARKER-PAGE-XMP</x:xmpmeta>")
    page.obj.PieceInfo = pikepdf.Dictionary(
        Illustrator=pikepdf.Dictionary(Private=pikepdf.String("MARKER-PIECEINFO"))
    )
    note = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Text,
            Rect=[10, 10, 30, 30],
            Contents=pikepdf.String("A note"),
            T=pikepdf.String("MARKER-ANNOT-AUTHOR"),
            M=pikepdf.String("D:20240102030405+07'00'"),
        )
    )
    page.Annots = pdf.make_indirect(pikepdf.Array([note]))
    pdf.docinfo["/Author"] = "MARKER-AUTHOR"
    pdf.docinfo["/Creator"] = "MARKER-CREATOR"
    pdf.docinfo["/Producer"] = "MARKER-PRODUCER"
    pdf.docinfo["/Title"] = "MARKER-TITLE"
    pdf.docinfo["/CreationDate"] = "D:20240102030405+07'00'"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = ["MARKER-XMP-CREATOR"]
        meta["xmp:CreatorTool"] = "MARKER-XMP-TOOL"
    return pdf_bytes(pdf, compress_streams=False)


def simple_pdf(pages: int = 1) -> bytes:
    pdf = pikepdf.new()
    for number in range(pages):
        pdf.add_blank_page()
        pdf.pages[number].Contents = pdf.make_stream(b"BT (page %d) Tj ET" % number)
    return pdf_bytes(pdf, compress_streams=False)


def pdf_with_form_xobject_metadata() -> bytes:
    pdf = pikepdf.open(io.BytesIO(simple_pdf()))
    form = pdf.make_stream(b"0 0 m 10 10 l S")
    form.Type = pikepdf.Name.XObject
    form.Subtype = pikepdf.Name.Form
    form.BBox = [0, 0, 10, 10]
    form.Metadata = pdf.make_stream(b"<x:xmpmeta>MARKER-FORM-XMP</x:xmpmeta>")
    form.PieceInfo = pikepdf.Dictionary(App=pikepdf.String("MARKER-FORM-PIECEINFO"))
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm1=form))
    return pdf_bytes(pdf, compress_streams=False)


def encrypted_pdf(user_password: str) -> bytes:
    pdf = pikepdf.open(io.BytesIO(simple_pdf()))
    return pdf_bytes(pdf, encryption=pikepdf.Encryption(owner="owner-secret", user=user_password))


def pdf_with_attachment() -> bytes:
    pdf = pikepdf.open(io.BytesIO(simple_pdf()))
    pdf.attachments["lampiran.txt"] = pikepdf.AttachedFileSpec(pdf, b"attached data")
    return pdf_bytes(pdf)


# ------------------------------------------------------------------------------ DOCX / XLSX

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CORE_XML = (
    XML_HEAD
    + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>MARKER-TITLE</dc:title>"
    "<dc:creator>MARKER-CREATOR</dc:creator>"
    "<cp:lastModifiedBy>MARKER-LASTMODIFIEDBY</cp:lastModifiedBy>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-02T03:04:05Z</dcterms:created>'
    "</cp:coreProperties>"
)
APP_XML = (
    XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties">'
    "<Template>MARKER-TEMPLATE.dotm</Template><TotalTime>42</TotalTime>"
    "<Application>Microsoft Office Word</Application>"
    "<Company>MARKER-COMPANY</Company><Manager>MARKER-MANAGER</Manager></Properties>"
)
CUSTOM_XML = (
    XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
    'name="Owner"><vt:lpwstr>MARKER-CUSTOM</vt:lpwstr></property></Properties>'
)


def _root_rels(main_type: str, main_target: str) -> str:
    return (
        XML_HEAD + f'<Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{OFFICE_RELS}/{main_type}" Target="{main_target}"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{OFFICE_RELS}/extended-properties" '
        'Target="docProps/app.xml"/>'
        f'<Relationship Id="rId4" Type="{OFFICE_RELS}/custom-properties" '
        'Target="docProps/custom.xml"/>'
        "</Relationships>"
    )


def _content_types(overrides: dict[str, str]) -> str:
    parts = "".join(
        f'<Override PartName="{name}" ContentType="{ctype}"/>' for name, ctype in overrides.items()
    )
    return (
        XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="jpeg" ContentType="image/jpeg"/>'
        + parts
        + '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        '<Override PartName="/docProps/custom.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
        "</Types>"
    )


def build_zip(parts: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 6, 7, 8, 10))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content.encode() if isinstance(content, str) else content)
    return out.getvalue()


DOCUMENT_XML = (
    XML_HEAD + f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>'
    '<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3"><w:r><w:t>Bukti pelanggaran</w:t></w:r>'
    '<w:ins w:id="1" w:author="MARKER-INS-AUTHOR" w:date="2024-01-02T03:04:00Z">'
    "<w:r><w:t>tambahan</w:t></w:r></w:ins>"
    "<w:del w:id='2' w:author='MARKER-DEL-AUTHOR' w:date='2024-01-02T03:05:00Z'>"
    "<w:r><w:delText>hapus</w:delText></w:r></w:del>"
    '<w:commentRangeStart w:id="0"/><w:r><w:t>dikomentari</w:t></w:r>'
    '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
    '<w:r><w:drawing><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'r:embed="rId9"/></w:drawing></w:r>'
    "</w:p><w:sectPr/></w:body></w:document>"
)
COMMENTS_XML = (
    XML_HEAD + f'<w:comments xmlns:w="{W_NS}">'
    '<w:comment w:id="0" w:author="MARKER-COMMENT-AUTHOR" w:date="2024-01-02T03:04:05Z" '
    'w:initials="MCA"><w:p><w:r><w:t>Komentar</w:t></w:r></w:p></w:comment></w:comments>'
)
PEOPLE_XML = (
    XML_HEAD + '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
    '<w15:person w15:author="MARKER-PERSON"><w15:presenceInfo w15:providerId="AD" '
    'w15:userId="S::MARKER-USER@example.go.id::1234"/></w15:person></w15:people>'
)
SETTINGS_XML = (
    XML_HEAD + f'<w:settings xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
    '<w:attachedTemplate r:id="rId1"/><w:defaultTabStop w:val="720"/>'
    '<w:rsids><w:rsidRoot w:val="00A1B2C3"/><w:rsid w:val="00A1B2C3"/></w:rsids>'
    "</w:settings>"
)
SETTINGS_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_RELS}">'
    f'<Relationship Id="rId1" Type="{OFFICE_RELS}/attachedTemplate" '
    'Target="file:///C:\\Users\\MARKER-USERNAME\\Templates\\Surat.dotx" TargetMode="External"/>'
    "</Relationships>"
)
DOCUMENT_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_RELS}">'
    f'<Relationship Id="rId8" Type="{OFFICE_RELS}/comments" Target="comments.xml"/>'
    f'<Relationship Id="rId9" Type="{OFFICE_RELS}/image" Target="media/image1.jpeg"/>'
    f'<Relationship Id="rId10" Type="{OFFICE_RELS}/hyperlink" '
    'Target="file:///C:/Users/MARKER-LINKUSER/Desktop/x.pdf" TargetMode="External"/>'
    f'<Relationship Id="rId11" Type="{OFFICE_RELS}/hyperlink" '
    'Target="https://example.go.id/" TargetMode="External"/>'
    "</Relationships>"
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def docx_parts() -> dict[str, bytes | str]:
    return {
        "[Content_Types].xml": _content_types(
            {
                "/word/document.xml": WORD_MAIN,
                "/word/comments.xml": "application/vnd.openxmlformats-officedocument."
                "wordprocessingml.comments+xml",
            }
        ),
        "_rels/.rels": _root_rels("officeDocument", "word/document.xml"),
        "word/document.xml": DOCUMENT_XML,
        "word/_rels/document.xml.rels": DOCUMENT_RELS,
        "word/comments.xml": COMMENTS_XML,
        "word/people.xml": PEOPLE_XML,
        "word/settings.xml": SETTINGS_XML,
        "word/_rels/settings.xml.rels": SETTINGS_RELS,
        "word/media/image1.jpeg": jpeg_with_exif(size=(8, 8)),
        "docProps/core.xml": CORE_XML,
        "docProps/app.xml": APP_XML,
        "docProps/custom.xml": CUSTOM_XML,
    }


def docx_bytes(extra: dict[str, bytes | str] | None = None) -> bytes:
    parts = docx_parts()
    parts.update(extra or {})
    return build_zip(parts)


S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WORKBOOK_XML = (
    XML_HEAD + f'<workbook xmlns="{S_NS}" xmlns:r="{R_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision">'
    '<fileSharing userName="MARKER-SHARING-USER"/>'
    '<mc:AlternateContent><mc:Choice Requires="x15">'
    '<x15ac:absPath xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" '
    'url="C:\\Users\\MARKER-ABSPATH\\Documents\\"/></mc:Choice></mc:AlternateContent>'
    '<xr:revisionPtr revIDLastSave="0" documentId="13_ncr:1_{MARKER-DOCID}"/>'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_RELS}">'
    f'<Relationship Id="rId1" Type="{OFFICE_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_XML = (
    XML_HEAD + f'<worksheet xmlns="{S_NS}"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Anggaran</t></is></c>'
    '<c r="B1"><v>12345</v></c></row></sheetData></worksheet>'
)
XL_COMMENTS_XML = (
    XML_HEAD + f'<comments xmlns="{S_NS}"><authors><author>MARKER-XL-AUTHOR</author>'
    "<author>MARKER-XL-AUTHOR2</author></authors><commentList>"
    '<comment ref="A1" authorId="1"><text><t>Cek</t></text></comment></commentList></comments>'
)
PERSON_XML = (
    XML_HEAD + '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
    'threadedcomments"><person displayName="MARKER-PERSON" id="{1}" '
    'userId="MARKER-USERID@example.go.id" providerId="AD"/></personList>'
)
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def xlsx_parts() -> dict[str, bytes | str]:
    return {
        "[Content_Types].xml": _content_types(
            {
                "/xl/workbook.xml": SHEET_MAIN,
                "/xl/worksheets/sheet1.xml": "application/vnd.openxmlformats-officedocument."
                "spreadsheetml.worksheet+xml",
            }
        ),
        "_rels/.rels": _root_rels("officeDocument", "xl/workbook.xml"),
        "xl/workbook.xml": WORKBOOK_XML,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": SHEET_XML,
        "xl/comments1.xml": XL_COMMENTS_XML,
        "xl/persons/person.xml": PERSON_XML,
        "docProps/core.xml": CORE_XML,
        "docProps/app.xml": APP_XML.replace("Microsoft Office Word", "Microsoft Excel"),
        "docProps/custom.xml": CUSTOM_XML,
    }


def xlsx_bytes(extra: dict[str, bytes | str] | None = None) -> bytes:
    parts = xlsx_parts()
    parts.update(extra or {})
    return build_zip(parts)


def patch_central_directory(data: bytes, *, flag_bits: int = 0, file_size: int | None = None):
    """Rewrite every central-directory record: OR in flag bits and/or claim another size."""
    buffer = bytearray(data)
    pos = buffer.find(b"PK\x01\x02")
    while pos != -1:
        if flag_bits:
            flags = int.from_bytes(buffer[pos + 8 : pos + 10], "little") | flag_bits
            buffer[pos + 8 : pos + 10] = flags.to_bytes(2, "little")
        if file_size is not None:
            buffer[pos + 24 : pos + 28] = file_size.to_bytes(4, "little")
        pos = buffer.find(b"PK\x01\x02", pos + 4)
    return bytes(buffer)


# --------------------------------------------------------------------------------------- MP3

# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding, no CRC: 144 * 128000 / 44100 = 417 bytes.
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * (417 - 4)


def mp3_audio(frames: int = 20) -> bytes:
    return MP3_FRAME * frames


def ape_tag(key: bytes, value: bytes) -> bytes:
    item = struct.pack("<II", len(value), 0) + key + b"\x00" + value
    size = len(item) + 32
    footer = b"APETAGEX" + struct.pack("<IIII", 2000, size, 1, 0) + b"\x00" * 8
    return item + footer


def mp3_with_tags() -> bytes:
    buffer = io.BytesIO(mp3_audio())
    tags = mutagen.id3.ID3()
    tags.add(mutagen.id3.TIT2(encoding=3, text="MARKER-TITLE"))
    tags.add(mutagen.id3.TPE1(encoding=3, text="MARKER-ARTIST"))
    tags.add(mutagen.id3.COMM(encoding=3, lang="ind", desc="", text="MARKER-COMMENT"))
    tags.save(buffer, v1=mutagen.id3.ID3v1SaveOptions.CREATE)
    data = buffer.getvalue()
    # An APEv2 tag sits before the ID3v1 tag at the end.
    return data[:-128] + ape_tag(b"Artist", b"MARKER-APE") + data[-128:]


# --------------------------------------------------------------------------------- MP4 / M4A

MARKER_TIME = 0x12345678


def box(box_type: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + box_type + payload


def _matrix() -> bytes:
    return struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)


def _mvhd() -> bytes:
    return box(
        b"mvhd",
        struct.pack(">I4I", 0, MARKER_TIME, MARKER_TIME, 1000, 5000)
        + struct.pack(">IH", 0x00010000, 0x0100)
        + b"\x00" * 10
        + _matrix()
        + b"\x00" * 24
        + struct.pack(">I", 2),
    )


def _trak(handler: bytes) -> bytes:
    tkhd = box(
        b"tkhd",
        struct.pack(">I5I", 3, MARKER_TIME, MARKER_TIME, 1, 0, 5000)
        + b"\x00" * 8
        + struct.pack(">hhHH", 0, 0, 0x0100 if handler == b"soun" else 0, 0)
        + _matrix()
        + struct.pack(">II", (320 << 16) if handler == b"vide" else 0, 0),
    )
    mdhd = box(b"mdhd", struct.pack(">I4IHH", 0, MARKER_TIME, MARKER_TIME, 1000, 5000, 0, 0))
    hdlr = box(b"hdlr", struct.pack(">II4s12x", 0, 0, handler) + b"Handler\x00")
    user = box(b"udta", box(b"name", b"MARKER-TRACK-NAME"))
    return box(b"trak", tkhd + box(b"mdia", mdhd + hdlr) + user)


def iso_media(brand: bytes, handlers: tuple[bytes, ...]) -> bytes:
    """A small ISO BMFF file (ftyp, moov with tracks, udta/©xyz, XMP uuid, mdat) that mutagen
    parses, with tags added by mutagen itself (moov/udta/meta/ilst)."""
    ftyp = box(b"ftyp", brand + struct.pack(">I", 0) + brand + b"isom")
    location = box(b"\xa9xyz", struct.pack(">HH", 18, 0x15C7) + b"-06.2000+106.8166/")
    moov = box(b"moov", _mvhd() + b"".join(_trak(h) for h in handlers) + box(b"udta", location))
    xmp = box(
        b"uuid", bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC") + b"<x>MARKER-UUID-XMP</x>"
    )
    data = ftyp + moov + xmp + box(b"mdat", b"\x00" * 256)
    buffer = io.BytesIO(data)
    media = mutagen.mp4.MP4(buffer)
    media.add_tags()
    media["\xa9nam"] = ["MARKER-TAG-TITLE"]
    media["\xa9ART"] = ["MARKER-TAG-ARTIST"]
    media.save(buffer)
    return buffer.getvalue()


def pdf_with_active_content() -> bytes:
    """A two-page PDF with every kind of active content the cleaned copy must lose: JavaScript
    on open and in the name tree, a /Launch link, a URI link, page and field additional actions,
    a JavaScript chained after a GoTo, an embedded file, a file-attachment and a media
    annotation, an XFA form. It keeps an internal GoTo link and a highlight (to be kept)."""
    pdf = pikepdf.open(io.BytesIO(simple_pdf(pages=2)))
    D = pikepdf.Dictionary
    N = pikepdf.Name

    def js(code: str):
        return D(Type=N.Action, S=N.JavaScript, JS=pikepdf.String(code))

    first, second = pdf.pages[0], pdf.pages[1]
    pdf.Root.OpenAction = js("app.alert('MARKER-OPEN')")
    pdf.Root.AA = D(WC=js("app.alert('MARKER-CLOSE')"))
    script_tree = D(Names=pikepdf.Array([pikepdf.String("init"), pdf.make_indirect(js("MARKER"))]))
    pdf.Root.Names = D(JavaScript=script_tree)
    pdf.attachments["lampiran.txt"] = pikepdf.AttachedFileSpec(pdf, b"MARKER-ATTACHED")
    first.obj.AA = D(O=js("MARKER-PAGE-OPEN"))
    goto = D(S=N.GoTo, D=pikepdf.Array([second.obj, N.Fit]), Next=js("MARKER-NEXT"))
    rect = pikepdf.Array([10, 10, 50, 50])
    annots = [
        D(Type=N.Annot, Subtype=N.Link, Rect=rect, A=goto),
        D(
            Type=N.Annot,
            Subtype=N.Link,
            Rect=rect,
            A=D(S=N.Launch, F=pikepdf.String("cmd.exe"), Win=D(F=pikepdf.String("cmd.exe"))),
        ),
        D(Type=N.Annot, Subtype=N.Link, Rect=rect, A=D(S=N.URI, URI=pikepdf.String("http://x"))),
        D(Type=N.Annot, Subtype=N.Highlight, Rect=rect, QuadPoints=pikepdf.Array([0] * 8)),
        D(Type=N.Annot, Subtype=N.Screen, Rect=rect, A=D(S=N.Rendition, JS=pikepdf.String("M"))),
        D(
            Type=N.Annot,
            Subtype=N.FileAttachment,
            Rect=rect,
            FS=pikepdf.AttachedFileSpec(pdf, b"MARKER-ANNOT-FILE").obj,
        ),
    ]
    field = D(
        Type=N.Annot,
        Subtype=N.Widget,
        FT=N.Tx,
        T=pikepdf.String("nama"),
        Rect=rect,
        AA=D(K=js("MARKER-KEYSTROKE")),
    )
    field = pdf.make_indirect(field)
    first.obj.Annots = pdf.make_indirect(pikepdf.Array([*annots, field]))
    pdf.Root.AcroForm = D(
        Fields=pikepdf.Array([field]), XFA=pdf.make_stream(b"<xdp:xdp>MARKER-XFA</xdp:xdp>")
    )
    return pdf_bytes(pdf, compress_streams=False)
