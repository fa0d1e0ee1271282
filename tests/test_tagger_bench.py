"""`make bench`'s tagger figures (etl/evaluate.py): what `bench` and `bench_command` run, not
how fast (tests do not time things; `make bench` prints the speed)."""

from __future__ import annotations

from etl.evaluate import bench, bench_command


class CountingTagger:
    """A tagger that notes the texts it is given (bench's behaviour, not its speed: `make
    bench` prints the speed; tests do not time things)."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def technologies_in(self, text: str) -> list:
        self.texts.append(text)
        return []


def test_bench_tags_the_texts_repeated_to_n():
    tagger = CountingTagger()
    rate = bench(tagger, ["a", "b", "c"], n=7)
    assert tagger.texts == ["a", "b", "c", "a", "b", "c", "a"]
    assert rate > 0


def test_bench_command_answers_every_line_through_the_cli():
    """`make bench`'s figure through `python -m etl tag` on a file: every line of the file
    comes back with its list of technologies (none with an error), and the command's time is
    its own (a child process's wall and CPU time)."""
    texts = ["Python and PostgreSQL on AWS", "Senior Go engineer (Kubernetes)"]
    answered, wall, cpu = bench_command(texts, n=9)
    assert answered == 9
    assert wall > 0 and cpu > 0
