"""Grading a class: each submission normalised against the instructor's source, run in a sandbox, scored from what it cannot forge.

One record per submission (``record.Submission``) flows one way; each stage fills in its own fields:

1. read      ``submissions.read_submission``: the student's files, as bytes; the originals are never written to.
2. plan      ``notebooks.plan``: the instructor's cells with the student's answers, and the repairs made (``cells`` reads the metadata).
3. run       ``runner.run_plan``: a kernel in a ``sandbox`` under ``limits``, the ``guard`` (``kernel_guard`` inside) around every test.
4. score     ``scoring.score``: points, a ``record.Status``, a note and each test's outcome.
5. report    ``reports.write_student_files``: feedback pages, logs and results.json, each written once.
6. gradebook ``gradebook.record``: autograded/ and gradebook.db through nbgrader's own autograder; its export fields.
7. grades    ``reports.write_csv``: grades.csv, once, with those fields when the gradebook was written.
Steps 2 to 4 are ``submissions.grade_submission``, one task per submission (a thread, or a Dask worker).
``python -m coursetools.grade`` (``make grade``) drives the whole flow; ``autograde`` and ``check`` (``make check``) grade one notebook.
Before any of it, ``sandbox.check_bwrap`` starts Python once in a sandbox; where it cannot, ``hosts`` names the cause and its fix.
"""
