"""Results as a table on the page: a Markdown table that Jupyter Book renders like the prose's own tables."""

from __future__ import annotations

from collections.abc import Sequence


def results_table(headers: Sequence[str], rows: Sequence[Sequence[object]]):
    """An ``IPython.display.Markdown`` table; text columns left-aligned, number columns right-aligned.

    Cells are shown as given (format numbers before passing them); a row with
    fewer cells than ``headers`` raises ``ValueError``.
    """
    from IPython.display import Markdown

    rows = [[str(cell) for cell in row] for row in rows]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"expected {len(headers)} cells per row ({list(headers)}); found {len(row)}: {row}")

    def numeric(column: int) -> bool:
        return all(row[column].replace(".", "", 1).replace(",", "").lstrip("−-").rstrip("%").isdigit() for row in rows)

    alignment = ["---:" if rows and numeric(column) else ":---" for column in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(alignment) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return Markdown("\n".join(lines))
