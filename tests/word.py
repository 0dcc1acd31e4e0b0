"""Reading generated .docx files back in tests (python-docx), as Word would show them."""

from __future__ import annotations

from docx.table import Table

from qpdo.documents.word import DOCX_CONTENT_TYPE, read_docx


def docx_of(response):
    """Return the python-docx Document of a Word download, after checking its headers."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    return read_docx(response.content)


def row_texts(table: Table) -> list[list[str]]:
    """Return each row's cell texts, a merged cell once (as it shows on the page)."""
    rows = []
    for row in table.rows:
        seen, texts = set(), []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            texts.append(cell.text)
        rows.append(texts)
    return rows


def spans(table: Table) -> list[list[int]]:
    """Return the grid span of each row's cells (a merged cell once)."""
    return [[tc.grid_span for tc in row._tr.tc_lst] for row in table.rows]


def body_text(doc) -> str:
    """Return the paragraphs' text and the tables' cells' text, in document order."""
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += ["\n".join(texts) for texts in row_texts(table)]
    return "\n".join(parts)
