"""Build the book in one of its translations into _build/html/<LANG>/, reusing the English build's executed chapters.

    python -m coursetools.translated LANG

Sphinx reads the book again with ``language=LANG``: each page's messages are replaced by those of its
catalogue, locales/LANG/LC_MESSAGES/book/<page>.po (Sphinx compiles it to a .mo beside it). myst-nb
takes every chapter's outputs from the execution cache that ``make book`` filled for the English build,
so no chapter runs again; only the pages whose front matter forces execution (``mystnb: execution_mode:
force``) run, as they do in every build. Warnings fail the build as in the English one (``-W -n
--keep-going``), so a translation that loses a cross-reference or a glued value fails it.

The build keeps its own doctrees and working files under _build/LANG/ and writes its pages into
_build/LANG/html, then copies them into _build/html/LANG/: myst-nb writes its copies of the notebooks
beside the output folder, which would put them inside the English site.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from coursetools.messages import ROOT, sphinx

BUILD = ROOT / "_build"

# The words of the page's furniture that come from settings, not from the catalogues: myst-nb's button over a
# hidden cell ("Show code cell content"; the kind of content it names is left out).
INTERFACE = {
    "ko": {"nb_code_prompt_show": "코드 셀 보기", "nb_code_prompt_hide": "코드 셀 숨기기"},
}


def translated_title(catalogues: Path) -> dict:
    """The book's title (_config.yml's, shown in the header and each page's tab) as the catalogues translate it.

    The title is a configuration value, which Sphinx does not translate; it is also the root page's heading,
    so its translation is in that page's catalogue. Empty when no catalogue translates it.
    """
    import yaml
    from babel.messages.pofile import read_po

    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    for path in sorted(catalogues.rglob("*.po")):
        with path.open("rb") as file:
            message = read_po(file).get(title)
        if message is not None and message.string and not message.fuzzy:
            return {"html_title": message.string}
    return {}


def build(language: str) -> int:
    """Build the book in ``language`` and publish it into _build/html/<language>; return Sphinx's exit status."""
    catalogues = ROOT / "locales" / language / "LC_MESSAGES"
    if not catalogues.is_dir():
        print(
            f"no catalogues for {language!r}: expected {catalogues.relative_to(ROOT)}/ (make translations creates them "
            f"for the languages in the Makefile's LANGUAGES)",
            file=sys.stderr,
        )
        return 2
    work = BUILD / language
    status = sphinx(
        "html",
        work / "html",
        work / ".doctrees",
        {
            "language": language,
            "nitpicky": True,
            # the same cache as the English build (by default myst-nb would look beside the output folder)
            "nb_execution_cache_path": str(BUILD / ".jupyter_cache"),
            **INTERFACE.get(language, {}),
            **translated_title(catalogues),
        },
        warningiserror=True,
        keep_going=True,
    )
    if status != 0:
        # As in `make book`: forget what was read, so that the pages that failed are read again next time.
        (work / ".doctrees" / "environment.pickle").unlink(missing_ok=True)
        return status
    published = BUILD / "html" / language
    shutil.rmtree(published, ignore_errors=True)
    shutil.copytree(work / "html", published)
    print(f"the book in {language!r} is in {published.relative_to(ROOT)}/", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursetools.translated", description=__doc__.splitlines()[0])
    parser.add_argument("language", help="the language's code, as in locales/<code>/ (ko)")
    return build(parser.parse_args(argv).language)


if __name__ == "__main__":
    sys.exit(main())
