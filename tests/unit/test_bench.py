"""The benchmark's records: the machine it ran on and the printed table."""

from __future__ import annotations

from coursetools import bench


def test_machine_record_names_the_date_and_the_libraries():
    """Does every run record when and on what it ran?"""
    about = bench.machine()
    assert about["cores"] >= 1 and about["date"].startswith("20") and "torch" in about["versions"]


def test_table_has_one_line_per_figure():
    """Does the printed table show the machine, the matrix rate and each training row with its floor?"""
    results = {
        "machine": {"cpu": "Some CPU", "cores": 2, "gpu": None, "date": "2026-01-01T00:00:00+00:00"},
        "matmul_flop_per_second": 3.3e11,
        "training": [
            {
                "model": "dense",
                "device": "CPU",
                "batch_size": 32,
                "seconds_per_epoch": 5.0,
                "images_per_second": 12000.0,
                "flop_per_epoch": 7.5e10,
                "floor_seconds": 0.23,
                "share_of_floor": 0.046,
            }
        ],
    }
    lines = bench.table(results).splitlines()
    assert len(lines) == 5 and "330 GFLOP/s" in lines[3] and "floor 0.23 s (5% of it reached)" in lines[4]


def test_execution_seconds_are_read_from_the_build_output():
    """Does the clean build's record take the chapters' execution time from execute's last summary line?"""
    output = (
        "   120 s book/a.md\nexecuted the chapters in 3 s (1 at a time)\nexecuted the chapters in 512 s (2 at a time)\n"
    )
    assert bench.execution_seconds(output) == 512
    assert bench.execution_seconds("jupyter-book build . -W -n --keep-going\n") is None


def test_table_says_when_a_build_figure_was_not_reported():
    """Does a book figure the build did not print show as not reported, rather than break the table?"""
    results = {
        "machine": {"cpu": "Some CPU", "cores": 2, "gpu": None, "date": "2026-01-01T00:00:00+00:00"},
        "matmul_flop_per_second": 3.3e11,
        "training": [],
        "book": {"chapter_execution_seconds": None, "clean_book_seconds": 700.4},
    }
    lines = bench.table(results).splitlines()
    assert lines[-2:] == ["| chapter execution seconds | not reported |", "| clean book seconds | 700 s |"]


def test_test_group_times_are_read_largest_first_or_not_at_all(tmp_path, monkeypatch):
    """Does the record of the test suite's groups keep the order tests/conftest.py wrote, and is it empty without a
    run?"""
    times = tmp_path / "test-times.json"
    monkeypatch.setattr(bench, "TEST_TIMES", times)
    assert bench.test_group_times() == []
    times.write_text('{"tests/grading/test_hostile.py": 900.5, "tests/unit/test_data.py": 3.0}')
    assert bench.test_group_times() == [
        {"group": "tests/grading/test_hostile.py", "seconds": 900.5},
        {"group": "tests/unit/test_data.py", "seconds": 3.0},
    ]
