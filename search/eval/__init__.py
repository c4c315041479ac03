"""Evaluation: test-collection files (queries, runs, qrels), batch search and scoring with ir-measures."""
