"""The GitHub workflow, checked offline: GitHub's schema, zizmor's audits, every action pinned to a commit."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from coursetools.paths import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
TOOLS = Path(sys.executable).parent  # check-jsonschema and zizmor come with the course's environment


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_matches_githubs_schema(workflow):
    """Is the workflow valid against the GitHub workflow schema that check-jsonschema vendors?"""
    result = subprocess.run(
        [TOOLS / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", workflow],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_zizmor_finds_nothing(workflow):
    """Does zizmor, with every audit that runs offline and its pedantic persona, report no finding at all?"""
    result = subprocess.run(
        [TOOLS / "zizmor", "--offline", "--persona", "pedantic", "--no-progress", workflow],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "No findings" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(workflow):
    """Does every `uses:` name a full commit hash, with the release it is in a comment (`# v1.2.3`)?"""
    uses = re.findall(r"uses: (\S+)(.*)", workflow.read_text())
    assert uses, f"{workflow.name} uses no actions"
    loose = [
        f"{action}{rest}"
        for action, rest in uses
        if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action) or not re.fullmatch(r"\s+# v\d+\.\d+\.\d+", rest)
    ]
    assert not loose, f"not pinned to a commit with its version: {loose}"
