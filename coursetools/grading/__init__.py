"""Grading a class: each submission normalised against the instructor's source, run in a sandbox, scored from what it cannot forge.

``notebooks`` reads a submission and plans what runs (the student's answers,
the instructor's test cells); ``guard`` is the code the grader runs inside the
kernel to catch submissions that reach into the grading machinery;
``sandbox`` starts the kernel in bubblewrap with limits and runs the plan;
``scoring`` turns what ran into points, a status and a note; ``reports`` writes
grades.csv, feedback pages and logs; ``gradebook`` records the scores in the
course's nbgrader gradebook. ``python -m coursetools.grade`` (``make grade``)
and ``python -m coursetools.check`` (``make check``) drive them.
"""
