"""Readers and writers of queries, TREC runs and qrels."""

import io

import pytest

from search.errors import FormatError
from search.eval.trec import Judgment, Query, RunLine, read_qrels, read_queries, read_run, safe_docid, write_run


@pytest.mark.parametrize(
    "name, text",
    [
        ("queries.tsv", '1\twhat similarity laws must be obeyed?\n\n2\tAND ( "unbalanced\n'),
        (
            "queries.jsonl",
            '{"_id": "1", "text": "what similarity laws must be obeyed?", "metadata": {}}\n'
            '{"_id": 2, "text": "AND ( \\"unbalanced"}\n',
        ),
    ],
)
def test_read_queries(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    assert read_queries(path) == [Query("1", "what similarity laws must be obeyed?"), Query("2", 'AND ( "unbalanced')]


@pytest.mark.parametrize(
    "text, where",
    [
        ("1 no tab here\n", "line 1"),
        ('{"_id": "1"}\n', "line 1"),
        ("1\tok\n{broken\n", "line 2"),
        ("\n\n", "no queries"),
    ],
)
def test_bad_queries_name_file_and_line(tmp_path, text, where):
    path = tmp_path / "q.tsv"
    path.write_text(text, "utf-8")
    with pytest.raises(FormatError, match=rf"q\.tsv.*{where}"):
        read_queries(path)


def test_run_round_trip(tmp_path):
    lines = [
        RunLine("1", "doc 7.txt", 1, 12.5, "dl"),
        RunLine("1", "b", 2, 3.25, "dl"),
        RunLine("2", "c", 1, 0.0, "dl"),
    ]
    out = io.StringIO()
    assert (
        write_run([RunLine(line.qid, safe_docid(line.docid), line.rank, line.score, line.tag) for line in lines], out)
        == 3
    )
    assert out.getvalue().split("\n")[0] == "1 Q0 doc_7.txt 1 12.500000 dl"
    path = tmp_path / "run.txt"
    path.write_text(out.getvalue(), "utf-8")
    assert read_run(path) == [RunLine("1", "doc_7.txt", 1, 12.5, "dl"), lines[1], lines[2]]


def test_bad_run_line(tmp_path):
    path = tmp_path / "run.txt"
    path.write_text("1 Q0 a 1 2.0 tag\n1 Q0 b two 1.0 tag\n", "utf-8")
    with pytest.raises(FormatError, match=r"run\.txt, line 2"):
        read_run(path)


@pytest.mark.parametrize(
    "text",
    [
        "1 0 d1 2\n1 0 d2 0\n2 0 d3 1\n",  # TREC
        "query-id\tcorpus-id\tscore\n1\td1\t2\n1\td2\t0\n2\td3\t1\n",  # BEIR
    ],
)
def test_read_qrels(tmp_path, text):
    path = tmp_path / "qrels"
    path.write_text(text, "utf-8")
    assert read_qrels(path) == [Judgment("1", "d1", 2), Judgment("1", "d2", 0), Judgment("2", "d3", 1)]


def test_bad_qrels(tmp_path):
    path = tmp_path / "qrels"
    path.write_text("1 0 d1 2\n1 0 d2\tx y\n", "utf-8")
    with pytest.raises(FormatError, match="line 2"):
        read_qrels(path)
