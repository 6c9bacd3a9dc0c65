"""The part captions of _toc.yml in a translated build.

sphinx-external-toc inserts the book's toctrees (and so the part captions, "Foundations", ...) after
Sphinx has translated the page, so the captions, which ``make translations`` extracts into the root
page's catalogue, would stay in English in the sidebar. This transform runs after the insertion and
translates them from the same catalogue.
"""

from __future__ import annotations

from os import path

from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain
from sphinx_external_toc.events import InsertToctrees


class TranslateInsertedToctrees(SphinxTransform):
    default_priority = InsertToctrees.default_priority + 1

    def apply(self, **kwargs) -> None:
        if not self.config.language or self.config.language == "en":
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        folders = [path.join(self.env.srcdir, folder) for folder in self.config.locale_dirs]
        catalogue, found = init_locale(folders, self.config.language, domain)
        if not found:
            return
        for toctree in self.document.findall(addnodes.toctree):
            for message in toctree.extract_original_messages():
                translated = catalogue.gettext(message)
                if message and translated != message:
                    toctree.apply_translated_message(message, translated)
