"""Plan workbench: importing documents and normalising their text (small files made here)."""

from __future__ import annotations

import re

import pytest

from geo_app.workbench.importer import DocumentError, read_document
from geo_app.workbench.normalize import normalize, tidy_whitespace

SAMPLE = "推进临夏经济开发区、广河经济开发区建设。"


def _ws(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- plain text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_txt_encodings(tmp_path, encoding):
    path = tmp_path / "plan.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    doc = read_document(path)
    assert doc.text == SAMPLE
    assert doc.kind == "txt"


def test_txt_not_decodable_names_the_file_in_both_languages(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(b"\xff\x00\xfe\x81" * 20)
    with pytest.raises(DocumentError) as err:
        read_document(path)
    message = str(err.value)
    assert "broken.txt" in message
    assert "编码" in message and "UTF-8" in message and "cannot decode" in message


def test_unsupported_suffix_and_missing_file(tmp_path):
    odd = tmp_path / "plan.rtf"
    odd.write_text(SAMPLE, encoding="utf-8")
    with pytest.raises(DocumentError, match="unsupported file type"):
        read_document(odd)
    with pytest.raises(FileNotFoundError, match="file not found"):
        read_document(tmp_path / "nothing.txt")


# ---------------------------------------------------------------- Word


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("一、总体要求")
    document.add_paragraph(SAMPLE)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "指标"
    table.rows[0].cells[1].text = "2025年"
    document.add_paragraph("建设食用菌菌种研发中心。")
    path = tmp_path / "plan.docx"
    document.save(str(path))
    doc = read_document(path)
    assert doc.kind == "docx"
    lines = doc.text.splitlines()
    assert lines == ["一、总体要求", SAMPLE, "指标\t2025年", "建设食用菌菌种研发中心。"]


def test_docx_that_is_not_a_word_file(tmp_path):
    pytest.importorskip("docx")
    path = tmp_path / "fake.docx"
    path.write_bytes(b"not a zip")
    with pytest.raises(DocumentError, match=r"fake\.docx"):
        read_document(path)


# ---------------------------------------------------------------- PDF


def _cjk_font():
    from matplotlib import font_manager

    for name in ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei"):
        try:
            font_manager.findfont(name, fallback_to_default=False)
            return name
        except ValueError:
            continue
    return None


def _pdf(path, lines: list[str] | None):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    with matplotlib.rc_context({"pdf.fonttype": 42}):
        fig = plt.figure(figsize=(8.27, 11.69))
        if lines is None:  # a "scan": an image, no text
            ax = fig.add_axes((0, 0, 1, 1))
            ax.imshow(np.random.default_rng(0).random((40, 30)), cmap="gray")
            ax.axis("off")
        else:
            for i, line in enumerate(lines):
                fig.text(0.08, 0.92 - 0.04 * i, line, family=_cjk_font(), fontsize=12)
        fig.savefig(path)
        plt.close(fig)


def test_pdf_with_text_layer(tmp_path):
    pytest.importorskip("pypdf")
    if _cjk_font() is None:
        pytest.skip("no CJK font for matplotlib (apt-get install fonts-noto-cjk)")
    path = tmp_path / "plan.pdf"
    _pdf(path, [SAMPLE, "建设食用菌菌种研发中心。"])
    doc = read_document(path)
    assert doc.kind == "pdf" and doc.pages == 1
    assert SAMPLE in _ws(doc.text)


def test_pdf_without_text_layer_says_so(tmp_path):
    pytest.importorskip("pypdf")
    path = tmp_path / "scan.pdf"
    _pdf(path, None)
    with pytest.raises(DocumentError) as err:
        read_document(path)
    message = str(err.value)
    assert "scan.pdf" in message and "没有文字层" in message and "no text layer" in message


# ---------------------------------------------------------------- normalising


def test_width_folding_and_punctuation():
    norm = normalize("到２０２５年，建成ＡＢＣ基地(一期);")
    assert norm.text == "到2025年，建成ABC基地（一期）；"


def test_line_break_inside_a_sentence_is_joined_and_quote_is_verbatim():
    original = "四、重点任务\n推进临夏经济开发区、广河经\n\n济开发区建设。\n下一段。"
    norm = normalize(original)
    assert "广河经济开发区" in norm.text
    assert "四、重点任务\n推进" in norm.text  # the heading keeps its break
    start = norm.text.index("广河")
    end = norm.text.index("建设") + 2
    quote = norm.quote(start, end)
    assert quote == "广河经济开发区建设"
    assert _ws(quote) in _ws(original)


def test_full_width_text_quotes_the_original_characters():
    original = "建设ＡＢＣ（临夏）\n示范基地。"
    norm = normalize(original)
    assert norm.text == "建设ABC（临夏）示范基地。"
    quote = norm.quote(2, len(norm.text) - 1)
    assert quote == "ＡＢＣ（临夏）示范基地"  # original full-width letters, verbatim
    assert _ws(quote) in _ws(original)


def test_page_numbers_and_running_headers_are_dropped():
    bodies = ["推进临夏经济开发区建设，", "加快广河经济开发区建设，", "提升东乡经济开发区水平，", "建设永靖工业园区。"]
    pages = [f"临夏州人民政府公报\n{body}\n- {n} -" for n, body in enumerate(bodies, 1)]
    original = "\f".join(pages)
    norm = normalize(original)
    assert norm.text == "".join(bodies)
    assert norm.quote(0, len(norm.text)).startswith("推进临夏经济开发区建设，")


def test_markdown_markers_are_not_text():
    norm = normalize("## 三、任务\n**1. 加强园区建设。**推进临夏经济开发区建设。")
    assert norm.text == "三、任务\n1.加强园区建设。推进临夏经济开发区建设。"


def test_tidy_whitespace_keeps_spaces_between_latin_words():
    assert tidy_whitespace("到 2025 年 R&D 经费\n 达到") == "到2025年R&D经费达到"
    assert tidy_whitespace("5G 短视频 Big Data") == "5G短视频Big Data"
