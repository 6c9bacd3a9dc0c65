"""Glued values in translated sentences.

Sphinx translates a page by parsing each translated message as a small document of its own
(``sphinx.transforms.i18n``), which holds none of the page's glued values: myst-nb's ``{glue:text}``
role would find no key there and warn. In a translated message this role refers to the page's own
values instead, through myst-nb's cross-document form (``page.md::key``): the reference is resolved
once the page has been read, from the values myst-nb stored for it, so a Korean sentence shows the
same number, formatted the same way, as the English one.
"""

from __future__ import annotations

from pathlib import Path

from myst_nb.ext.glue.roles import PasteTextRole


def in_translated_message(document) -> bool:
    """Whether the document is one translated message (Sphinx names its source ``<path>:<line>:<translated>``)."""
    return str(document.get("source", "")).endswith("<translated>")


class TranslatedPasteTextRole(PasteTextRole):
    """``{glue:text}`key[:format]```, which in a translated message pastes the page's own value of ``key``."""

    def run(self):
        if in_translated_message(self.document) and "::" not in self.text:
            key, _, format_spec = self.text.partition(":")
            env = self.document.settings.env
            page = Path(env.doc2path(env.docname)).name  # resolved against the page's own folder
            self.text = f"{page}::{key}:{format_spec or 's'}"
        return super().run()
