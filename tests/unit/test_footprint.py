"""environment_footprint: what an environment weighs on disk, as the book reports it."""

from __future__ import annotations

from aecourse.footprint import environment_footprint


def test_counts_every_file_once_and_links_not_at_all(tmp_path):
    """Does the footprint add up the files at any depth, and skip symbolic links to them?"""
    (tmp_path / "lib" / "site-packages").mkdir(parents=True)
    (tmp_path / "bin").mkdir()
    (tmp_path / "lib" / "site-packages" / "module.py").write_bytes(b"x" * 1000)
    (tmp_path / "bin" / "python").write_bytes(b"y" * 234)
    (tmp_path / "bin" / "python3").symlink_to(tmp_path / "bin" / "python")
    footprint = environment_footprint(tmp_path)
    assert footprint.bytes == 1234 and footprint.gigabytes == 1234 / 1e9
