"""The book in several languages: a link on every page to the same page in the others (English ⇄ 한국어),
glued values in translated sentences (``languages.glue``) and translated part captions (``languages.toc``).

The book is built once per language (``make book``): the first language of ``book_languages`` at the
site's root, every other one in a folder named by its code (``_build/html/ko/``). Each page's header
shows the languages, the current one unlinked, the others linking to the same page in their build;
the page's head carries the matching ``<link rel="alternate" hreflang=...>``. Nothing is fetched from
elsewhere: the links are relative, so the site works from any folder or server.

    sphinx:
      config:
        book_languages: {en: English, ko: 한국어}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

TEMPLATE = "language-switch.html"
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    href: str  # relative to the page it appears on
    current: bool


def folder(code: str, languages: dict[str, str]) -> str:
    """Where a language's build lives, relative to the site's root: the root for the first language."""
    return "" if code == next(iter(languages)) else f"{code}/"


def current_language(config: Config) -> str:
    """The language this build is in; Sphinx reports ``en`` when the configuration sets none."""
    code = config.language or "en"
    if code not in config.book_languages:
        raise ConfigError(
            f"languages: this build's language is {code!r}, which book_languages does not list "
            f"({', '.join(config.book_languages)}): add it there, or build with one of those"
        )
    return code


def add_switch_to_header(app: Sphinx, config: Config) -> None:
    """Put the switch at the end of the article header (sphinx-book-theme's ``article_header_end``)."""
    if not config.book_languages:
        return
    current_language(config)
    config.templates_path.append(str(TEMPLATES))
    config.html_static_path.append(str(STATIC))
    options = config.html_theme_options
    items = options.get("article_header_end", ["article-header-buttons.html"])
    if isinstance(items, str):
        items = [item.strip() for item in items.split(",") if item.strip()]
    if TEMPLATE not in items:
        options["article_header_end"] = [*items, TEMPLATE]


def add_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Give the page its links to the same page in each language, and their ``hreflang`` alternates."""
    languages = app.config.book_languages
    if not languages:
        return
    here = current_language(app.config)
    to_site_root = "../" * pagename.count("/") + "../" * folder(here, languages).count("/")
    page = app.builder.get_target_uri(pagename)
    links = [
        LanguageLink(code, name, f"{to_site_root}{folder(code, languages)}{page}", code == here)
        for code, name in languages.items()
    ]
    context["language_links"] = links
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<link rel="alternate" hreflang="{link.code}" href="{link.href}" />' for link in links if not link.current
    )


def setup(app: Sphinx) -> dict:
    from .glue import TranslatedPasteTextRole
    from .toc import TranslateInsertedToctrees

    app.add_config_value("book_languages", {}, "html", dict)
    app.add_role_to_domain("glue", "text", TranslatedPasteTextRole(), override=True)
    app.add_transform(TranslateInsertedToctrees)
    app.connect("config-inited", add_switch_to_header)
    app.connect("html-page-context", add_links)
    app.add_css_file("languages.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
