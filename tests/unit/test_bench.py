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
        "training": [{"model": "dense", "device": "CPU", "batch_size": 32, "seconds_per_epoch": 5.0,
                      "images_per_second": 12000.0, "flop_per_epoch": 7.5e10, "floor_seconds": 0.23,
                      "share_of_floor": 0.046}],
    }
    lines = bench.table(results).splitlines()
    assert len(lines) == 5 and "330 GFLOP/s" in lines[3] and "floor 0.23 s (5% of it reached)" in lines[4]

