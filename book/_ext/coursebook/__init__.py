"""The book's own Sphinx extension: what readers see beyond the theme, and what the browser tests check it against.

- the ``convolution-explorer`` directive, which puts the interactive explorer of
  ``static/convolution-explorer.js`` on a page (``:mode: transposed`` starts it as
  a transposed convolution) and adds that script to that page only;
- ``static/coursebook.css`` and ``static/coursebook.js`` on every page: colours
  that keep WCAG AA contrast in both themes, a pause button on every animation,
  and the print stylesheet (folded answers opened for print);
- the bibliography's entries marked up as ARIA list items (docutils writes the
  deprecated ``doc-biblioentry`` role inside a ``role="list"``);
- ``_static/convolution-sizes.json``, written when the HTML is built: settings of
  both layers with the output size that the course package's formulas
  (:mod:`aecourse.convolution.sizes`) give, or the reason they refuse them. The
  browser tests set each one in the explorer and compare what the page shows.

Loaded from ``_config.yml`` (``sphinx: local_extensions``).
"""

from __future__ import annotations

import html
import json
import random
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive, directives

from aecourse.convolution import sizes

STATIC = Path(__file__).parent / "static"
EXPLORER_SCRIPT = "convolution-explorer.js"
ORACLE = "convolution-sizes.json"
MODES = ("convolution", "transposed")


class convolution_explorer(nodes.General, nodes.Element):
    """Where the explorer goes; the script builds it in the browser."""


class ConvolutionExplorer(Directive):
    """``:::{convolution-explorer}`` with ``:mode: convolution`` (the default) or ``:mode: transposed``."""

    option_spec: ClassVar[dict] = {"mode": lambda argument: directives.choice(argument, MODES)}

    def run(self):
        return [convolution_explorer(mode=self.options.get("mode", "convolution"))]


def visit_explorer_html(translator, node) -> None:
    """The explorer's container: its first layer and the package's words for each refusal, and a line for readers
    without JavaScript."""
    refusals = json.dumps({refusal.name: refusal.value for refusal in sizes.Refusal})
    translator.body.append(
        f'<div class="conv-explorer" data-mode="{node["mode"]}" data-refusals="{html.escape(refusals)}">'
        '<p class="conv-explorer-fallback">The interactive convolution explorer needs JavaScript; '
        "the formulas on this page give the same sizes.</p></div>\n"
    )
    raise nodes.SkipNode


def skip_node(translator, node) -> None:
    raise nodes.SkipNode


def visit_citation(translator, node) -> None:
    """A bibliography entry as an ARIA list item (DPUB-ARIA 1.1 deprecates ``doc-biblioentry`` in favour of it)."""
    if not isinstance(node.previous_sibling(), type(node)):
        translator.body.append('<div role="list" class="citation-list">\n')
    translator.body.append(translator.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(translator, node) -> None:
    translator.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        translator.body.append("</div>\n")


def add_static_path(app, config) -> None:
    config.html_static_path.append(str(STATIC))


def drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    """Each script once: Jupyter Book sets sphinx-thebe and sphinx-togglebutton up twice, and the second copy of
    thebe's inline ``const THEBE_JS_URL = ...`` is a script error in every page's console."""
    seen, scripts = set(), []
    for script in context.get("script_files", []):
        key = (
            str(getattr(script, "filename", script) or ""),
            tuple(sorted((name, str(value)) for name, value in getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            scripts.append(script)
    context["script_files"] = scripts


def add_explorer_script(app, pagename, templatename, context, doctree) -> None:
    """The explorer's script, only on pages that show the explorer."""
    if doctree is not None and doctree.next_node(convolution_explorer) is not None:
        app.add_js_file(EXPLORER_SCRIPT, loading_method="defer")


def oracle_settings(seed: int = 28) -> list[dict]:
    """Settings of both layers for the browser tests: random ones over the explorer's usual range, which include
    impossible ones of every kind, and a few that no control should accept (zero sizes, negative padding)."""
    generator = random.Random(seed)
    settings = []
    for _ in range(60):
        settings.append(
            {
                "mode": "convolution",
                "i": generator.randint(1, 12),
                "k": generator.randint(1, 6),
                "p": generator.randint(0, 3),
                "s": generator.randint(1, 4),
                "d": generator.randint(1, 3),
            }
        )
    for _ in range(50):
        settings.append(
            {
                "mode": "transposed",
                "i": generator.randint(1, 8),
                "k": generator.randint(1, 5),
                "p": generator.randint(0, 4),
                "s": generator.randint(1, 4),
                "d": generator.randint(1, 3),
                "output_padding": generator.randint(0, 3),
            }
        )
    settings += [
        {"mode": "convolution", "i": 0, "k": 3, "p": 0, "s": 1, "d": 1},
        {"mode": "convolution", "i": 5, "k": 3, "p": -1, "s": 1, "d": 1},
        {"mode": "convolution", "i": 5, "k": 3, "p": 1, "s": 0, "d": 1},
        {"mode": "transposed", "i": 3, "k": 0, "p": 0, "s": 2, "d": 1, "output_padding": 0},
        {"mode": "transposed", "i": 3, "k": 3, "p": 0, "s": 2, "d": 1, "output_padding": -1},
    ]
    return settings


def oracle_entry(setting: dict) -> dict:
    """A setting with the output size that the course's formula gives, or its refusal: name, the book's words,
    message."""
    arguments = {name: value for name, value in setting.items() if name != "mode"}
    formula = sizes.conv_output_size if setting["mode"] == "convolution" else sizes.conv_transpose_output_size
    try:
        return {**setting, "output": formula(**arguments), "refusal": None, "reason": None, "message": None}
    except sizes.ImpossibleSetting as error:
        return {
            **setting,
            "output": None,
            "refusal": error.refusal.name,
            "reason": error.refusal.value,
            "message": str(error),
        }


def write_oracle(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        entries = [oracle_entry(setting) for setting in oracle_settings()]
        Path(app.outdir, "_static", ORACLE).write_text(json.dumps(entries, indent=1) + "\n")


def setup(app):
    app.add_node(
        convolution_explorer,
        html=(visit_explorer_html, None),
        latex=(skip_node, None),
        text=(skip_node, None),
        man=(skip_node, None),
        texinfo=(skip_node, None),
    )
    app.add_directive("convolution-explorer", ConvolutionExplorer)
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.connect("config-inited", add_static_path)
    app.add_css_file("coursebook.css")
    app.add_js_file("coursebook.js", loading_method="defer")
    app.connect("html-page-context", add_explorer_script)
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    app.connect("build-finished", write_oracle)
    return {"version": "1", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
