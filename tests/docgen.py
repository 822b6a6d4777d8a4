"""Test helper: render plan texts to real .docx and .pdf files, and make broken ones.

The plan texts in tests/data/plans/more/ are markdown-ish exports in which a Word table was
flattened: a line that is just "|" separates cells, a cell may span several lines, a "|" line
followed by another "|" line ends a row and starts the next, and a "|" line followed by a
blank line (or the end) ends the table. :func:`split_blocks` recovers those tables and
:func:`render_docx` writes them back as REAL Word tables (a row with fewer cells than the
widest row gets its last cell merged across the rest, as in the originals). Blocks that do
not follow this grammar (the HTML exports with "| |" lines) stay plain paragraphs.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.shared import Pt
from fpdf import FPDF

Cell = list[str]  # the source lines of one cell
Row = list[Cell]


@dataclass(frozen=True)
class Table:
    rows: list[Row]

    @property
    def width(self) -> int:
        return max(len(row) for row in self.rows)

    def row_lines(self) -> list[str]:
        """How the reader should print each row: ``| a | b |``, cell lines joined by spaces."""
        return [
            "| " + " | ".join(" ".join(" ".join(cell).split()) for cell in row) + " |"
            for row in self.rows
            if any(" ".join(cell).strip() for cell in row)
        ]


Block = str | Table


def _is_separator(line: str) -> bool:
    return line.strip() == "|"


def _is_blank(line: str | None) -> bool:
    return line is None or not line.strip()


def split_blocks(text: str) -> list[Block]:
    """Paragraph lines and flattened tables of an exported plan text, in order."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if _is_separator(lines[i]):
            parsed = _parse_table(lines, i)
            if parsed is not None:
                table, i = parsed
                blocks.append(table)
                continue
        blocks.append(lines[i])
        i += 1
    return blocks


def _parse_table(lines: list[str], start: int) -> tuple[Table, int] | None:
    """The table opened by the "|" at ``start`` and the index after it, or None."""
    rows: list[Row] = []
    row: Row = []
    cell: Cell = []
    i = start + 1
    while i < len(lines):
        line = lines[i]
        after = lines[i + 1] if i + 1 < len(lines) else None
        if not _is_separator(line):
            stripped = line.strip()
            if not stripped or stripped.startswith("|") or stripped.endswith("|"):
                return None  # not this grammar (a blank inside a cell, an HTML export)
            cell.append(line)
            i += 1
            continue
        row.append(cell)
        cell = []
        if _is_blank(after):
            rows.append(row)
            return _table_or_none(rows, i + 1)
        if after is not None and _is_separator(after):
            rows.append(row)
            row = []
            if _is_blank(lines[i + 2] if i + 2 < len(lines) else None):
                return _table_or_none(rows, i + 2)
            i += 2
            continue
        i += 1
    return None


def _table_or_none(rows: list[Row], end: int) -> tuple[Table, int] | None:
    if not any(line.strip() for row in rows for cell in row for line in cell):
        return None
    return Table(rows), end


def render_docx(
    text: str, path: Path, *, header: str | None = None, footer: str | None = None
) -> Path:
    """Write ``text`` as a .docx: one paragraph per line, flattened tables as Word tables."""
    document = docx.Document()
    # One paragraph per source line, and a source line is often a wrap of a longer paragraph:
    # no space between paragraphs, so that only blank source lines leave a gap when printed.
    normal = document.styles["Normal"].paragraph_format
    normal.space_after = normal.space_before = Pt(0)
    for block in split_blocks(text):
        if isinstance(block, Table):
            _add_table(document, block)
        else:
            document.add_paragraph(block)
    section = document.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = header
    if footer is not None:
        section.footer.paragraphs[0].text = footer
    document.save(str(path))
    return path


def _add_table(document: docx.document.Document, table: Table) -> None:
    word_table = document.add_table(rows=len(table.rows), cols=table.width)
    word_table.style = "Table Grid"  # ruled, as plans' tables are (and their PDFs show)
    for row, word_row in zip(table.rows, word_table.rows, strict=True):
        cells = word_row.cells  # once per row: table.cell(r, c) rescans the whole table
        for lines, cell in zip(row, cells, strict=False):
            cell.paragraphs[0].text = lines[0] if lines else ""
            for line in lines[1:]:
                cell.add_paragraph(line)
        if len(row) < table.width:
            cells[len(row) - 1].merge(cells[-1])


class FontMissing(RuntimeError):
    """No Unicode TrueType font to render Vietnamese into a PDF."""


_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)


def unicode_font() -> Path:
    """DejaVu Sans, or a DejaVu shipped with fpdf2 or matplotlib; FontMissing otherwise."""
    candidates = list(_FONT_CANDIDATES)
    for module in ("fpdf", "matplotlib"):
        try:
            package = __import__(module)
        except ImportError:
            continue
        candidates.extend(sorted(Path(package.__file__).parent.rglob("DejaVuSans.ttf")))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FontMissing(
        "no Unicode TTF font (DejaVuSans.ttf) found: install fonts-dejavu-core to render "
        "Vietnamese PDFs"
    )


def render_pdf(text: str, path: Path, *, font_size: float = 11) -> Path:
    """Write ``text`` as a text PDF in DejaVu Sans; long lines wrap as in real PDFs."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("Body", fname=str(unicode_font()))
    pdf.set_font("Body", size=font_size)
    pdf.add_page()
    height = font_size * 0.55
    for line in text.expandtabs(4).split("\n"):  # PDF text has no tab character
        if line.strip():
            pdf.multi_cell(0, height, line, align="L", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(height)
    pdf.output(str(path))
    return path


def make_encrypted_pdf(path: Path, *, user_password: str = "matkhau") -> Path:
    """A text PDF locked with ``user_password`` (empty: only an owner password)."""
    pdf = FPDF(format="A4")
    pdf.add_font("Body", fname=str(unicode_font()))
    pdf.set_font("Body", size=11)
    pdf.set_encryption(owner_password="chu-so-huu", user_password=user_password)
    pdf.add_page()
    pdf.multi_cell(0, 6, "Kế hoạch bí mật của Ủy ban nhân dân huyện.")
    pdf.output(str(path))
    return path


def make_scanned_pdf(path: Path, *, pages: int = 2, with_image: bool = True) -> Path:
    """A PDF whose pages hold only a picture (or nothing): no text layer, as a scan."""
    from PIL import Image, ImageDraw

    pdf = FPDF(format="A4")
    rng = random.Random(7)
    for _ in range(pages):
        pdf.add_page()
        if not with_image:
            continue
        image = Image.new("L", (600, 840), color=245)
        draw = ImageDraw.Draw(image)
        for y in range(60, 800, 18):  # lines of "handwriting" strokes
            x = 50
            while x < 540:
                width = rng.randint(8, 40)
                draw.rectangle((x, y, x + width, y + 7), fill=rng.randint(20, 90))
                x += width + rng.randint(5, 12)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        pdf.image(buffer, x=10, y=10, w=190)
    pdf.output(str(path))
    return path


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Kế hoạch</w:t></w:r></w:p></w:body></w:document>"
)


def make_zip_bomb(path: Path, *, inflated_mb: int = 300, entries: int = 1) -> Path:
    """A .docx-named zip whose ``entries`` parts inflate to ``inflated_mb`` MB of zeros.

    Zeros deflate about 1000:1, so 300 MB costs ~0.3 MB on disk; the file is written in
    1 MB chunks so making it needs no memory either.
    """
    chunk = bytes(2**20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", _DOCUMENT)
        share = max(1, inflated_mb // entries)
        for n in range(entries):
            with archive.open(f"word/media/image{n}.bin", "w", force_zip64=True) as part:
                for _ in range(share):
                    part.write(chunk)
    return path


def make_lying_zip_bomb(path: Path, *, inflated_mb: int = 100, claimed: int = 5000) -> Path:
    """A .docx whose document.xml inflates to ``inflated_mb`` MB but whose central directory
    claims ``claimed`` bytes: the directory checks alone would let it through."""
    padding = b"<!--" + b" " * (inflated_mb * 2**20) + b"-->"
    body = _DOCUMENT.encode().replace(b"<w:body>", b"<w:body>" + padding)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", body)
    data = bytearray(out.getvalue())
    name = b"word/document.xml"
    at = data.find(b"PK\x01\x02")  # central directory headers: size claim at offset 24
    while at != -1:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == name:
            data[at + 24 : at + 28] = claimed.to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def make_crowded_zip(path: Path, *, entries: int = 2001) -> Path:
    """A .docx-named zip with very many tiny entries."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", _DOCUMENT)
        for n in range(entries):
            archive.writestr(f"customXml/item{n}.xml", "<a/>")
    return path


def make_zip_without_body(path: Path, *, marker: str = "xl/workbook.xml") -> Path:
    """A valid zip named .docx with no word/document.xml (e.g. a renamed .xlsx)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr(marker, "<workbook/>")
    return path


def make_not_a_zip_docx(path: Path, *, kind: str = "text") -> Path:
    """A file named .docx that is not a zip: plain text, or an old Word (OLE) file header."""
    if kind == "ole":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    else:
        path.write_bytes("Đây là văn bản thường, không phải tệp Word.\n".encode())
    return path


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PKG_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
_WORD_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.styles+xml"/></Types>'
)
_DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="numbering.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/numbering"/>'
    '<Relationship Id="rId2" Target="styles.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/styles"/></Relationships>'
)


def make_word_docx(path: Path, body: str, *, numbering: str = "", styles: str = "") -> Path:
    """A .docx from raw WordprocessingML, as Word writes it: ``body`` is the inside of
    ``w:body``, ``numbering`` the inside of ``w:numbering``, ``styles`` of ``w:styles``."""

    def part(root: str, inner: str) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:{root} xmlns:w="{_W_NS}" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            f"{inner}</w:{root}>"
        )

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _WORD_TYPES)
        archive.writestr("_rels/.rels", _PKG_RELS)
        archive.writestr("word/_rels/document.xml.rels", _DOC_RELS)
        archive.writestr("word/document.xml", part("document", f"<w:body>{body}</w:body>"))
        archive.writestr("word/numbering.xml", part("numbering", numbering))
        archive.writestr("word/styles.xml", part("styles", styles))
    return path


class ToolMissing(RuntimeError):
    """A Debian tool a rendering needs (soffice, pdftoppm, img2pdf) is not installed."""


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(f"{name} is not installed (apt-get install {package})")
    return found


def office_convert(sources: list[Path], to: str, outdir: Path) -> list[Path]:
    """Convert files with LibreOffice in one run (see :func:`workflows.intake.office.convert`):
    ``to`` is "pdf", "docx", "doc", "html"…; outputs are ``outdir / (stem + extension)``."""
    from workflows.intake.office import convert

    _tool("soffice", "libreoffice-writer-nogui")
    return convert(sources, to, outdir)


def render_lo_pdf(text: str, path: Path) -> Path:
    """``text`` as Word would print it: rendered to .docx, then to PDF by LibreOffice."""
    with tempfile.TemporaryDirectory(prefix="kehoach-docx-") as tmp:
        source = render_docx(text, Path(tmp) / (path.name.split(".")[0] + ".docx"))
        (made,) = office_convert([source], "pdf", Path(tmp))
        shutil.move(made, path)
    return path


def rasterise_pdf(source: Path, path: Path, *, dpi: int = 200) -> Path:
    """A scanned copy of ``source``: its pages as images only (pdftoppm, then img2pdf), with
    no text layer left."""
    pdftoppm = _tool("pdftoppm", "poppler-utils")
    img2pdf = _tool("img2pdf", "img2pdf")
    with tempfile.TemporaryDirectory(prefix="kehoach-scan-") as tmp:
        subprocess.run(
            [pdftoppm, "-r", str(dpi), "-gray", "-png", str(source), f"{tmp}/page"],
            capture_output=True,
            timeout=600,
            check=True,
        )
        pages = sorted(Path(tmp).glob("page*.png"))
        subprocess.run(
            [img2pdf, *map(str, pages), "-o", str(path)],
            capture_output=True,
            timeout=600,
            check=True,
        )
    return path


def strip_to_unicode(source: Path, path: Path) -> Path:
    """A copy of ``source`` whose fonts lost their /ToUnicode maps: its text layer then reads
    as glyph codes or mojibake, as with the old fonts of some office PDFs."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    reader = PdfReader(str(source))
    writer = PdfWriter()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            if NameObject("/ToUnicode") in font:
                del font[NameObject("/ToUnicode")]
            for descendant in font.get("/DescendantFonts", []):
                descendant.get_object().pop(NameObject("/ToUnicode"), None)
        writer.add_page(page)
    with path.open("wb") as handle:
        writer.write(handle)
    return path
