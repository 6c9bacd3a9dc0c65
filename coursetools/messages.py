"""Extract the book's translatable messages into gettext templates (.pot), one per page, without running a chapter.

Sphinx's ``gettext`` builder reads every page as the HTML build does. Here it reads them with
execution off, including the pages whose front matter asks myst-nb to execute them every time
(``mystnb: execution_mode: force``): the page-level settings are looked up under a key no page
uses. Everything it writes stays under WORKDIR (default _build/gettext): the templates in
WORKDIR/pot, and its doctrees and myst-nb's notebook copies (written beside the output folder)
in WORKDIR too, so the HTML build's record of executed pages and its executed notebooks in
_build/jupyter_execute are left alone.

    python -m coursetools.messages [WORKDIR]

``make translations`` runs this, then ``sphinx-intl update -p _build/gettext/pot`` to merge the templates into
``locales/<lang>/LC_MESSAGES``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OVERRIDES = {
    "nb_execution_mode": "off",
    # Page front matter under ``mystnb:`` (execution_mode: force) is read from this key; no page uses it.
    "nb_metadata_key": "mystnb-ignored-when-extracting-messages",
    # Without outputs, cells have no language to highlight and glued values are missing, and the wheel offered
    # for download need not be built: all expected here.
    "suppress_warnings": ["myst-nb.lexer", "mystnb.glue", "download.not_readable"],
}


def sphinx(builder: str, outdir: Path, doctreedir: Path, overrides: dict, **options) -> int:
    """Run Sphinx on the book as ``jupyter-book build`` does (its configuration from _config.yml and _toc.yml), with
    ``overrides`` on top; return Sphinx's exit status. ``options`` go to jupyter_book's build_sphinx."""
    import yaml
    from jupyter_book.sphinx import build_sphinx

    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    result = build_sphinx(
        ROOT,
        outdir,
        noconfig=True,
        path_config=ROOT / "_config.yml",
        confoverrides={
            "external_toc_path": (ROOT / "_toc.yml").as_posix(),
            "latex_individualpages": False,
            "project": title,
            **overrides,
        },
        doctreedir=doctreedir,
        builder=builder,
        **options,
    )
    return result if isinstance(result, int) else 1


def extract(workdir: Path) -> int:
    """Build the .pot files into ``workdir/pot``; return Sphinx's exit status."""
    return sphinx("gettext", workdir / "pot", workdir / ".doctrees", OVERRIDES, quiet=True)


if __name__ == "__main__":
    sys.exit(extract(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "gettext"))
