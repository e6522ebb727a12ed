"""Read a plan document (.txt, .docx, text-layer .pdf) into plain text.

Each format has one well-kept reader: the standard library for text (UTF-8, UTF-16 with a
byte-order mark, GB18030/GBK), python-docx for Word files (paragraphs and tables in document
order) and pypdf for PDFs (pure Python; it decodes the ToUnicode maps and the predefined
Chinese CMaps such as UniGB-UCS2-H and GBK-EUC-H that government PDFs use). A scanned PDF
has no text layer: we say so, in Chinese and English, rather than return an empty plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from geo_app.fileio import FileProblem, decode_text

SUFFIXES = (".txt", ".docx", ".pdf")
#: A page with fewer letters or CJK characters than this is counted as having no text.
MIN_CHARS_PER_PAGE = 20
_CONTENT = re.compile(r"[\w\u3400-\u9fff]")


class DocumentError(ValueError):
    """A plan document that cannot be read. ``str()`` names the file in Chinese and English on one
    line (the CLI); ``text(lang)`` gives one language (the app)."""

    def __init__(self, path: Path, zh: str, en: str):
        self.path, self.zh, self.en = path, zh, en
        super().__init__(f"{path}: {zh} / {en}")

    def text(self, lang: str = "en") -> str:
        return f"{self.path}: {self.zh if lang == 'zh' else self.en}"


@dataclass(frozen=True)
class ImportedText:
    """The text of a plan document and where it came from."""

    text: str
    path: Path
    kind: str  # txt | docx | pdf
    encoding: str | None = None  # for txt
    pages: int | None = None  # for pdf


def _error(path: Path, zh: str, en: str) -> DocumentError:
    return DocumentError(path, zh, en)


def read_txt(path: Path) -> ImportedText:
    """A plain-text plan in any encoding Chinese offices use: the project's one decoding rule
    (``fileio.decode_text``: a byte-order mark, else UTF-8, else GBK)."""
    data = path.read_bytes()
    try:
        text = decode_text(data, str(path))
    except FileProblem as exc:
        raise _error(
            path,
            "无法识别文本编码（支持 UTF-8、UTF-16、GBK），请另存为 UTF-8 文本",
            "cannot decode the text (UTF-8, UTF-16 or GBK expected); save it as UTF-8",
        ) from exc
    utf8 = not data.startswith((b"\xff\xfe", b"\xfe\xff")) and _is_utf8(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ImportedText(text=text, path=path, kind="txt", encoding="utf-8" if utf8 else "other")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _docx_blocks(doc) -> list[str]:
    """Paragraphs and table rows of a Word document, in the order they appear."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[str] = []
    for item in doc.iter_inner_content():
        if isinstance(item, Paragraph):
            blocks.append(item.text)
        elif isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:  # merged cells repeat: keep each once
                    if not cells or cell.text != cells[-1]:
                        cells.append(cell.text)
                blocks.append("\t".join(cells))
    return blocks


def read_docx(path: Path) -> ImportedText:
    """A Word (.docx) plan: paragraph per line, table rows tab-separated."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise _error(path, "不是有效的 .docx 文件（旧版 .doc 请先另存为 .docx）",
                     "not a valid .docx file (save an old .doc as .docx first)") from exc  # fmt: skip
    return ImportedText(text="\n".join(_docx_blocks(doc)), path=path, kind="docx")


def read_pdf(path: Path) -> ImportedText:
    """A PDF with a text layer; pages are separated by form feeds (\\f)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _error(path, "PDF 已加密，无法读取文字", "the PDF is encrypted; its text cannot be read")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as exc:
        raise _error(path, "不是有效的 PDF 文件", f"not a valid PDF file ({exc})") from exc
    with_text = sum(len(_CONTENT.findall(p)) >= MIN_CHARS_PER_PAGE for p in pages)
    if not pages or with_text == 0:
        raise _error(
            path,
            "PDF 没有文字层（可能是扫描件），请先做文字识别（OCR）或提供 .docx / .txt 版本",
            "the PDF has no text layer (probably a scan); run OCR first or supply a .docx or .txt",
        )
    return ImportedText(text="\f".join(pages), path=path, kind="pdf", pages=len(pages))


def read_document(path: str | Path) -> ImportedText:
    """The text of a plan document, chosen by suffix (.txt, .docx, .pdf)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: 文件不存在 / file not found")
    suffix = path.suffix.lower()
    readers = {".txt": read_txt, ".docx": read_docx, ".pdf": read_pdf}
    if suffix not in readers:
        raise _error(path, f"不支持的文件类型 {suffix or '（无后缀）'}（支持 .txt、.docx、.pdf）",
                     f"unsupported file type {suffix or '(none)'} (.txt, .docx or .pdf)")  # fmt: skip
    return readers[suffix](path)
