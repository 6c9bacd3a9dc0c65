"""The translations' catalogues (locales/<lang>/LC_MESSAGES/book/<page>.po): complete, faithful to the
MyST markup of the English, compilable, and using the glossary's Korean terms. No built book needed.

After an English edit, ``make translations`` updates the catalogues: new sentences come in untranslated
and changed ones fuzzy, and the first two tests name each, by page and first words.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from coursetools.paths import REPO

CATALOGUES = sorted((REPO / "locales").glob("*/LC_MESSAGES/book/*.po"))
KOREAN = sorted(path for path in CATALOGUES if path.parts[-4] == "ko")


def page_of(path: Path) -> str:
    return f"{path.parts[-4]}/{path.stem}"


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def messages(path: Path) -> list[Message]:
    """The catalogue's messages, without its header entry (obsolete ones are not among them)."""
    return [message for message in read(path) if message.id]


def first_words(text: str, count: int = 8) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" ..." if len(words) > count else "")


def listing(path: Path, problems: list[str]) -> str:
    return f"{page_of(path)}.po: {len(problems)} message(s):\n  " + "\n  ".join(problems)


# --- MyST tokens a translation must keep -----------------------------------------------------------------------

# Roles whose whole text is kept as it is: a glued value, a citation, a numbered reference, an equation, a page.
KEPT_ROLE = re.compile(r"\{(?:glue(?::\w+)?|cite(?::\w+)?|numref|doc|eq)\}`[^`]*`")
# Roles whose words are translated but whose target is kept: {ref}`words <label>`, {term}`words <term>`.
TARGET_ROLE = re.compile(r"\{(ref|download|term)\}`(?:([^`<]*)<([^>`]+)>|([^`<]+))`")
ANY_ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
MATH = re.compile(r"\$\$.*?\$\$|(?<!\$)\$[^$\n]+\$", re.DOTALL)
LINK_TARGET = re.compile(r"\]\(([^)]*)\)")
INLINE_CODE = re.compile(r"`[^`\n]+`")
EMPHASIS = re.compile(r"(\*\*?)[^*\n]+\1")


def kept_tokens(text: str) -> Counter:
    """The MyST tokens of a message that its translation must contain unchanged, counted."""
    found = KEPT_ROLE.findall(text)
    found += [f"{{{role}}} target {label or whole}" for role, _, label, whole in TARGET_ROLE.findall(text)]
    found += MATH.findall(text)
    found += [f"link target {target}" for target in LINK_TARGET.findall(text)]
    found += INLINE_CODE.findall(MATH.sub(" ", ANY_ROLE.sub(" ", text)))
    return Counter(found)


def lost_tokens(english: str, translated: str) -> list[str]:
    """The tokens of ``english`` that ``translated`` lacks (or has fewer times)."""
    return sorted((kept_tokens(english) - kept_tokens(translated)).elements())


def test_the_token_check_catches_lost_markup_and_accepts_reordered_translations():
    """Does the token check fail a translation that drops or alters markup, and pass one that reorders it?"""
    english = (
        "The {ref}`primer <training-basics>` trains for {glue:text}`epochs` epochs with `fit`; "
        "the loss is $L(x, \\hat x)$ as in {cite}`goodfellow2016deep` and the {term}`autoencoder`."
    )
    good = (
        "{term}`오토인코더 <autoencoder>`는 {cite}`goodfellow2016deep`에서처럼 손실 $L(x, \\hat x)$를 쓰고, "
        "`fit`으로 {glue:text}`epochs` 에포크 동안 학습한다({ref}`입문 <training-basics>`)."
    )
    assert lost_tokens(english, good) == []
    assert lost_tokens(english, good.replace("{glue:text}`epochs`", "10")) == ["{glue:text}`epochs`"]
    assert lost_tokens(english, good.replace("<training-basics>", "<training>")) == ["{ref} target training-basics"]
    assert lost_tokens(english, good.replace("$L(x, \\hat x)$", "$L(x, x)$")) == ["$L(x, \\hat x)$"]
    assert lost_tokens(english, good.replace("`fit`", "fit")) == ["`fit`"]
    assert lost_tokens(english, good.replace("<autoencoder>", "<오토인코더>")) == ["{term} target autoencoder"]


# --- the glossary's terms ----------------------------------------------------------------------------------------

HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class GlossaryEntry:
    english: tuple[str, ...]  # the entry's English terms (and acronyms)
    korean: tuple[str, ...]  # its Korean terms, the first the one the chapters use, the others its own variants


def glossary_entries(markdown: str) -> list[GlossaryEntry]:
    """The entries of the ```{glossary} blocks of book/glossary.md: terms, one a line, then an indented definition."""
    entries = []
    for block in re.findall(r"^```\{glossary\}\n(.*?)^```", markdown, flags=re.DOTALL | re.MULTILINE):
        terms: list[str] = []
        for line in block.splitlines():
            if line.strip() and not line.startswith((" ", "\t")):
                terms.append(line.strip())
            elif terms:
                entries.append(
                    GlossaryEntry(
                        tuple(t for t in terms if not HANGUL.search(t)), tuple(t for t in terms if HANGUL.search(t))
                    )
                )
                terms = []
    return entries


GLOSSARY = glossary_entries((REPO / "book" / "glossary.md").read_text(encoding="utf-8"))

# Korean forms a translation may use for an English term beside its entry's Korean terms, each with its reason.
VARIANTS = {
    # "code" is also program code (code cells, the grader's code); 코드 is the Korean for both, and the glossary's
    # table of symbols gives "코드, 잠재 벡터" for the code z.
    "code": ("코드",),
    # The English uses "code space" beside "latent space"; the Korean keeps the pair apart the same way (코드 for code).
    "code space": ("코드 공간",),
    # The glossary lists the acronym as a term of its own; Korean texts write it as is.
    "PCA": ("PCA",),
    # A gradient step is a step of gradient descent, whose Korean name is 경사 하강(법).
    "gradient": ("경사",),
}


def glossary_misses(english: str, korean: str, entries: list[GlossaryEntry] = GLOSSARY) -> list[str]:
    """The English glossary terms of a message whose Korean term (or an allowed variant) its translation lacks.

    A term counts as a word (plurals too) or as the target of a {term} role; the words of a {ref} count, its
    label not, and the other roles, math, inline code and link targets are left out, as are bold or italic
    spans the translation keeps as they are (menu items such as **Kernel → Restart & Run All**). Longer terms
    are matched first and masked, so that "gradient descent" asks for 경사 하강법 and not also for the
    Korean of "gradient".
    """

    def words(role: re.Match) -> str:
        kind, text, label, whole = role.groups()
        return f" {text or ''} {label or whole} " if kind == "term" else f" {text or ''} "

    text = TARGET_ROLE.sub(words, KEPT_ROLE.sub(" ", english))
    text = INLINE_CODE.sub(" ", MATH.sub(" ", LINK_TARGET.sub(" ", text)))
    text = EMPHASIS.sub(lambda span: " " if span.group(0) in korean else span.group(0), text)
    by_length = sorted(((term, entry) for entry in entries for term in entry.english), key=lambda pair: -len(pair[0]))
    misses = []
    for term, entry in by_length:
        pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?:s|es)?(?![\w-])", 0 if term.isupper() else re.IGNORECASE)
        if not pattern.search(text):
            continue
        text = pattern.sub(" ", text)
        allowed = entry.korean + VARIANTS.get(term, ())
        if not any(form in korean for form in allowed):
            misses.append(f"{term!r} without {' or '.join(allowed)}")
    return misses


def test_the_glossary_is_read_with_its_korean_terms():
    """Does the parser find the glossary's entries, with their English and Korean terms apart?"""
    by_term = {term: entry for entry in GLOSSARY for term in entry.english}
    assert by_term["autoencoder"].korean == ("오토인코더", "자동부호기")
    assert by_term["latent vector"] is by_term["code"] and by_term["code"].korean == ("잠재 벡터",)
    assert by_term["PCA"].korean == ("주성분 분석",)
    assert len(GLOSSARY) > 30 and all(entry.english and entry.korean for entry in GLOSSARY)


def test_the_glossary_check_asks_for_the_glossary_term_and_accepts_its_variants():
    """Does the term check fail a sentence with another Korean word for a term, and pass the glossary's own forms?"""
    assert glossary_misses("Gradient descent with a learning rate.", "경사 하강법은 학습률을 쓴다.") == []
    assert glossary_misses("An autoencoder's encoder.", "자동부호기의 부호기.") == []
    assert glossary_misses("Two autoencoders.", "두 오토인코더.") == []
    assert glossary_misses("A {term}`code <latent vector>` of size 2.", "크기 2의 잠재 벡터.") == []
    assert glossary_misses("Stochastic gradient descent.", "확률적 경사 하강.") == [
        "'gradient descent' without 경사 하강법"
    ]
    assert glossary_misses("The learning rate.", "러닝 레이트.") == ["'learning rate' without 학습률"]
    assert glossary_misses("See {ref}`the chapter on padding <latent-space>` and `padding=1`.", "장을 보라.") == [
        "'padding' without 패딩"
    ]
    assert glossary_misses("Set `stride=2` with $s$.", "보폭을 2로.") == []
    assert glossary_misses("Run **Kernel → Restart**.", "**Kernel → Restart**를 실행한다.") == []
    assert glossary_misses("The kernel restarts.", "Kernel이 다시 시작한다.") == ["'kernel' without 커널 or 필터"]


# --- the catalogues ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CATALOGUES, ids=page_of)
def test_every_message_is_translated(path):
    """Has every message of the page a translation (a msgstr; one equal to the English is allowed)?"""
    missing = [first_words(message.id) for message in messages(path) if not message.string]
    assert not missing, "untranslated: " + listing(path, missing)


@pytest.mark.parametrize("path", CATALOGUES, ids=page_of)
def test_no_translation_is_fuzzy(path):
    """Is no translation marked fuzzy (its English changed since it was translated, or msgmerge guessed it)?"""
    fuzzy = [first_words(message.id) for message in messages(path) if message.fuzzy]
    assert not fuzzy, "fuzzy (check the translation against the English, then remove the fuzzy flag): " + listing(
        path, fuzzy
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=page_of)
def test_translations_keep_the_markup(path):
    """Does every translation keep its English's glued values, roles' targets, citations, math, code and links?"""
    problems = [
        f"{first_words(message.id)}: lost {lost_tokens(message.id, message.string)}"
        for message in messages(path)
        if message.string and lost_tokens(message.id, message.string)
    ]
    assert not problems, "markup lost or changed: " + listing(path, problems)


@pytest.mark.parametrize("path", KOREAN, ids=page_of)
def test_korean_uses_the_glossary_terms(path):
    """Does every Korean sentence use the glossary's Korean term (or an allowed variant) for each glossary term?"""
    problems = [
        f"{first_words(message.id)}: {'; '.join(misses)}"
        for message in messages(path)
        if HANGUL.search(message.string or "") and (misses := glossary_misses(message.id, message.string))
    ]
    assert not problems, "terms not as the glossary gives them (book/glossary.md; variants in this test): " + listing(
        path, problems
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=page_of)
def test_catalogue_compiles_as_sphinx_compiles_it(path):
    """Does the catalogue compile with Babel, the compiler Sphinx uses when it builds the translation?"""
    write_mo(io.BytesIO(), read(path))


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (Debian package gettext) is not installed")
@pytest.mark.parametrize("path", CATALOGUES, ids=page_of)
def test_catalogue_passes_msgfmt_check(path, tmp_path):
    """Does GNU msgfmt --check accept the catalogue (its format, header and each msgstr's form against its msgid)?

    Babel marks any message with a per cent sign in it python-format ("1% of" reads as a %o directive), and
    marks it again on every update, though no sentence of the book is a %-format; those marks are left out of
    the copy checked, and the brace-format marks, which guard the MyST roles, are kept."""
    text = re.sub(r"^#, python-format\n", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    checked = tmp_path / path.name
    checked.write_text(text.replace(", python-format", ""), encoding="utf-8")
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(checked)], capture_output=True, text=True)
    errors = [line for line in result.stderr.splitlines() if "still has the initial default value" not in line]
    assert result.returncode == 0, f"{page_of(path)}.po: msgfmt --check says:\n" + "\n".join(errors)


# --- Catalogues up to date with the English ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Path:
    """The messages of the English sources as they are now: ``python -m coursetools.messages`` (no chapter runs)."""
    workdir = tmp_path_factory.mktemp("gettext")
    done = subprocess.run(
        [sys.executable, "-m", "coursetools.messages", str(workdir)], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, f"extracting the book's messages failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return workdir / "pot"


@pytest.mark.parametrize("path", CATALOGUES, ids=page_of)
def test_catalogue_holds_the_english_as_it_is_now(path, templates):
    """Does the catalogue hold exactly the page's current English sentences (make translations run since the last
    English edit), so that no sentence reaches the translated build in English, or stale?"""
    template = templates / "book" / f"{path.stem}.pot"
    assert template.exists(), f"{page_of(path)}.po: the book has no page {path.stem} any more; remove the catalogue"
    now = {message.id for message in messages(template)}
    held = {message.id for message in messages(path)}
    new = [first_words(text) for text in sorted(now - held)]
    gone = [first_words(text) for text in sorted(held - now)]
    assert not new and not gone, (
        f"{page_of(path)}.po is out of date with book/{path.stem}.md; run `make translations` and translate what it "
        f"brings in. Sentences not in the catalogue: {new}; sentences the page no longer has: {gone}"
    )
