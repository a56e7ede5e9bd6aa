"""A corpus of hostile uploads, made in memory in a fraction of a second (nothing on disk): zip bombs dressed as
.docx and .xlsx, spreadsheets of millions of rows that are small compressed, billion laughs and external entities
inside Office XML parts and in a feed, a package of thousands of entries. Used by ``test_upload_bombs.py`` and by
``bench/upload_bombs.py``."""

from __future__ import annotations

import io
import struct
import zlib

GIB = 1 << 30
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
DOCX_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def _zeros_deflated(size: int) -> bytes:
    """A raw deflate stream of ``size`` zero bytes (a multiple of 1 MiB), built from one compressed MiB: after a
    full flush a block does not depend on what came before, so the block repeats."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * (1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    return block * (size >> 20) + zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP written by hand: (name, deflated data, declared size, CRC) per entry, so a size can be declared
    falsely and a stream need not be made by compressing its gigabytes."""
    out, central = io.BytesIO(), []
    for name, data, size, crc in entries:
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0))
        out.write(encoded + data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def _deflated(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def package(parts: dict[str, bytes]) -> bytes:
    """An ordinary ZIP of the given parts."""
    return raw_zip([(n, _deflated(d), len(d), zlib.crc32(d)) for n, d in parts.items()])


def docx(document: bytes) -> bytes:
    return package({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document})


def xlsx(sheet: bytes, strings: bytes | None = None) -> bytes:
    """A minimal workbook openpyxl opens, with ``sheet`` as the XML of its one worksheet."""
    parts = {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'
            b'"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings
    return package(parts)


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    b'main">'
)


def sheet_xml(rows: bytes, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    return SHEET_HEAD + dim + b"<sheetData>" + rows + b"</sheetData></worksheet>"


def zeros_member(name: str, size: int, declared: int | None = None) -> tuple[str, bytes, int, int]:
    """An entry of ``size`` zero bytes declaring ``declared`` (its CRC is left 0: every check refuses before
    a CRC is compared, and computing it would take seconds per GiB)."""
    return (name, _zeros_deflated(size), size if declared is None else declared, 0)


_LAUGHS_STRINGS = (
    b'<?xml version="1.0" encoding="UTF-8"?>' + LAUGHS.encode() + b'<sst xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)
_UTF16_LAUGHS = ('<?xml version="1.0" encoding="UTF-16"?>' + LAUGHS + "<w:document>&lol9;</w:document>").encode(
    "utf-16"
)
_CT = ("[Content_Types].xml", _deflated(CONTENT_TYPES), len(CONTENT_TYPES), zlib.crc32(CONTENT_TYPES))

# name → (what reads it: "docx" | "xlsx" | "feed", a function making its bytes)
BOMBS = {
    "docx_zip_bomb_2gib": ("docx", lambda: raw_zip([_CT, zeros_member("word/document.xml", 2 * GIB)])),
    "docx_zip_bomb_lying_size": ("docx", lambda: raw_zip([_CT, zeros_member("word/document.xml", GIB, 4096)])),
    "docx_billion_laughs": ("docx", lambda: docx(DOCX_HEAD + LAUGHS.encode() + b"<w:document>&lol9;</w:document>")),
    "docx_billion_laughs_utf16": ("docx", lambda: docx(_UTF16_LAUGHS)),
    "docx_xxe": ("docx", lambda: docx(DOCX_HEAD + XXE.encode() + b"<w:document>&x;</w:document>")),
    "docx_5000_entries": ("docx", lambda: package({f"word/media/p{i}.xml": b"" for i in range(5000)})),
    "xlsx_zip_bomb_2gib": ("xlsx", lambda: raw_zip([zeros_member("xl/worksheets/sheet1.xml", 2 * GIB)])),
    "xlsx_2m_rows": ("xlsx", lambda: xlsx(sheet_xml(b"<row><c><v>1</v></c></row>" * 2_000_000))),
    "xlsx_2m_empty_rows": ("xlsx", lambda: xlsx(sheet_xml(b"<row/>" * 2_000_000))),
    "xlsx_only_row_2000000": ("xlsx", lambda: xlsx(sheet_xml(b'<row r="2000000"><c r="A2000000"><v>1</v></c></row>'))),
    "xlsx_declared_2m_rows": ("xlsx", lambda: xlsx(sheet_xml(b"<row><c><v>1</v></c></row>", "A1:A2000000"))),
    "xlsx_16384_columns": ("xlsx", lambda: xlsx(sheet_xml(b'<row r="1"><c r="XFD1"><v>1</v></c></row>'))),
    "xlsx_billion_laughs": (
        "xlsx",
        lambda: xlsx(sheet_xml(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), _LAUGHS_STRINGS),
    ),
    "xlsx_xxe": (
        "xlsx",
        lambda: xlsx(
            SHEET_HEAD.replace(b"<worksheet", XXE.encode() + b"<worksheet")
            + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>'
        ),
    ),
    "feed_billion_laughs": (
        "feed",
        lambda: (
            '<?xml version="1.0"?>' + LAUGHS + '<rss version="2.0"><channel><title>t</title><item><title>&lol9;'
            "</title></item></channel></rss>"
        ).encode(),
    ),
}
