"""Read a PDF's pages as text in tests, with PDFium (a wheel; no system PDF tools needed)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium


def pdf_pages(pdf: bytes | Path) -> list[str]:
    """The text of every page, in order (one string per page)."""
    document = pdfium.PdfDocument(pdf.read_bytes() if isinstance(pdf, Path) else pdf)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()
