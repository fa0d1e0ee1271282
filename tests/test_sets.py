"""The technology sets held in memory for learn_next (radar/sets.py) and their C loop
(etl/transforms/_passes.c: set_counts) count what learn_next's overlap_sets and known_sets
count.

The C loop against the Python reference on generated sets (every technology its own bit, and
bits shared by many, where one bit may stand for two known technologies; in some cells or
all); the arrays against the warehouse's technology_sets; learn_next with the counts made in
memory against learn_next counting in SQL (the raw answer is tests/test_preaggregated.py's), and
co_mentions' pairs the same way on a generated sample."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import numpy as np
import pyarrow as pa
import pytest

from etl.transforms import C_PASSES
from radar import queries, sets
from radar.filters import LIST_FIELDS

pytestmark = pytest.mark.skipif(
    C_PASSES is None, reason="the C passes are not built here (python -m etl.compile says why)")


# The views the counts made in memory are checked under: two not narrowed (UNNARROWED), four
# narrowing one dimension or several, one of them to nothing
UNNARROWED = ("default", "a year")


def views_of(choices) -> dict:
    """The filters of each view over a warehouse's choices."""
    base = choices.defaults()
    return {"default": base,
            "a year": dataclasses.replace(base, date_from=dt.date(2024, 1, 1),
                                          date_to=dt.date(2024, 12, 1)),
            "a country": dataclasses.replace(base, countries=(choices.countries[0],)),
            "two years, two countries, senior": dataclasses.replace(
                base, date_from=dt.date(2023, 3, 1), date_to=dt.date(2024, 8, 1),
                countries=choices.countries[:2], seniority=("senior",)),
            "remote, a source": dataclasses.replace(base, remote=("remote",),
                                                    sources=choices.sources[:1]),
            "no such country": dataclasses.replace(base, countries=("ZZ",))}


def generated_index(seed: int, own_bits: int, width: int = 64, rows: int = 3000,
                    technologies: int = 150) -> sets.SetIndex:
    """Sets of up to 12 technologies (the first few named most), weights 1-5, as a SetIndex."""
    rng = np.random.default_rng(seed)
    lists = []
    for _ in range(rows):  # a set names a technology once (technology_sets' lists)
        size = 0 if rng.random() < 0.05 else int(rng.integers(1, 13))
        popular = rng.zipf(1.6, size) - 1
        lists.append(np.unique(np.where(popular < technologies, popular,
                                        rng.integers(0, technologies, size))))
    values = np.concatenate(lists).astype(np.uint16)
    offsets = np.concatenate([[0], np.cumsum([len(x) for x in lists])]).astype(np.int32)
    bits = sets.signature_bits(values, technologies, own_bits, width)
    dimensions = (("a", "b"), ("x", "y", "z"), (), (), ())  # 3 x 4 cells
    return sets.SetIndex(
        technology_ids=tuple(f"t{n:03d}" for n in range(technologies)),
        months=np.array(["2024-01-01"], "datetime64[D]"), month_rows=np.array([0, rows]),
        offsets=offsets, values=values, weights=rng.integers(1, 6, rows).astype(np.uint32),
        signatures=sets.signatures_of(offsets, values, bits), bits=bits,
        dimensions=dimensions, cells=rng.integers(0, 12, rows).astype(np.uint32))


@pytest.mark.parametrize("own_bits, width", [(48, 64), (8, 16), (0, 4)])
def test_the_c_loop_counts_what_the_python_reference_counts(own_bits, width):
    index = generated_index(own_bits, own_bits, width)
    ids = index.technology_ids
    rng = np.random.default_rng(100 + own_bits)
    shared_twice = 0
    for trial in range(160):
        # the commonest technologies (the sets holding two are many) and any others
        known = [ids[int(n) if n < len(ids) and rng.random() < 0.5
                     else int(rng.integers(0, len(ids)))]
                 for n in rng.zipf(1.3, rng.integers(0, 7)) - 1]
        if trial % 10 == 0:
            known += ["not_a_technology"]
        lo, hi = sorted(int(x) for x in rng.integers(0, len(index.weights) + 1, 2))
        least = 1 + trial % 2
        allowed = None if trial % 4 < 2 else rng.integers(0, 2, 12).astype(np.uint8)
        got = sets.counts(index, known, lo, hi, least, allowed)
        assert got == sets.counts_in_python(index, known, lo, hi, least, allowed), (
            trial, known, lo, hi, least, allowed)
        by_known = sets.counts_by_known(index, known, lo, hi, allowed)
        assert by_known == {k: sets.counts_in_python(index, [k], lo, hi, 1, allowed)[0]
                            for k in sorted(set(known) & set(ids))}, (trial, known, lo, hi)
        numbers = [ids.index(k) for k in set(known) if k in ids]
        shared_twice += len({int(index.bits[n]) for n in numbers}) < len(numbers)
    rows = len(index.weights)
    twice = sets.counts(index, list(ids[:4]), 0, rows, 2)
    assert twice[1] > 100 and len(twice[0]) > 20  # the sets naming two or more are many
    once = sets.counts(index, list(ids[:4]), 0, rows, 1)
    # a set naming m of them counted once, m times in the four counts, m - 1 times twice
    row_of = np.repeat(np.arange(rows), np.diff(index.offsets))
    four = sum(int(index.weights[row_of[index.values == n]].sum()) for n in range(4))
    assert once[1] == four - twice[1] > 0
    none = sets.counts(index, list(ids[:4]), 0, rows, 1, np.zeros(12, np.uint8))
    assert none == ({}, 0)
    # by known: each of the four its own postings and partners, however many of them a set names
    by_known = sets.counts_by_known(index, list(ids[:4]), 0, rows)
    assert sum(by_known[k][k] for k in ids[:4]) == four
    assert all(by_known[a].get(b) == by_known[b].get(a) for a in ids[:4] for b in ids[:4])
    if width < 64:  # 150 technologies on a few bits: two known on one bit came up
        assert shared_twice > 20


def test_the_months_naming_a_technology_and_a_partner_are_those_python_finds():
    """months_naming (set_counts, least 3) against the set-by-set reference: sets naming the
    technology and one of the partners (any set naming it without partners, or when it is
    among them), per month, in some cells or all."""
    base = generated_index(7, 8, 16)
    rows = len(base.weights)
    index = dataclasses.replace(
        base, months=np.array(["2024-01-01", "2024-02-01", "2024-04-01"], "datetime64[D]"),
        month_rows=np.array([0, rows // 3, 2 * rows // 3, rows]))
    ids = index.technology_ids
    rng = np.random.default_rng(17)
    found = 0
    for trial in range(120):
        technology = ids[int(min(rng.zipf(1.3) - 1, len(ids) - 1))]
        partners = [ids[int(min(n, len(ids) - 1))] for n in rng.zipf(1.4, rng.integers(0, 5)) - 1]
        if trial % 7 == 0:
            partners += [technology]
        if trial % 11 == 0:
            partners = ["not_a_technology"]
        lo, hi = sorted(int(x) for x in rng.integers(0, rows + 1, 2))
        allowed = None if trial % 3 == 0 else rng.integers(0, 2, 12).astype(np.uint8)
        got = sets.months_naming(index, technology, partners, lo, hi, allowed)
        assert got == sets.months_naming_in_python(index, technology, partners, lo, hi,
                                                   allowed), (trial, technology, partners)
        found += sum(got[1])
    assert found > 1000
    assert sets.months_naming(index, "not_a_technology", [], 0, rows) == ([], [])


def test_the_cells_kept_are_those_the_filters_keep():
    assert sorted(name for _, name in sets.DIMENSIONS) == sorted(LIST_FIELDS)
    index = generated_index(3, 48, rows=10)
    assert sets.allowed_cells(index, {"sources": [], "countries": []}) is None
    # cell = (1 + place in the first dimension, 0 for none) * 4 + (1 + place in the second)
    assert sets.allowed_cells(index, {"sources": ["b"]}).tolist() == [0] * 8 + [1] * 4
    assert sets.allowed_cells(index, {"sources": ["a", "c"], "countries": ["z", "y"]}) \
        .tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0]
    assert sets.cell_count(index.dimensions) == 12


def test_signature_bits_give_the_commonest_their_own():
    values = np.array([5, 5, 5, 2, 2, 7, 1, 0, 3, 4, 6], np.uint16)
    bits = sets.signature_bits(values, 9, own_bits=2)
    assert bits[5] == 1 and bits[2] == 2  # named 3 and 2 times: bits 0 and 1
    # the rest in turn on the other 62 bits, by how often named, then by number
    assert [int(bits[n]).bit_length() - 1 for n in (0, 1, 3, 4, 6, 7, 8)] == [2, 3, 4, 5, 6, 7, 8]
    assert sets.signatures_of(np.array([0, 2, 2, 3], np.int32), np.array([5, 2, 1], np.uint16),
                              bits).tolist() == [1 | 2, 0, 8]


def test_the_c_loop_refuses_buffers_that_do_not_fit():
    index = generated_index(1, 48, rows=50)
    no = np.zeros(0, np.uint8)
    args = [index.offsets, index.values, index.weights, index.signatures, no, no,
            np.array([0, 1], np.uint16), 3, 0, 2, 0, 50, len(index.technology_ids)]
    assert C_PASSES.set_counts(*args)[1] >= 0
    for place, bad in [(0, index.offsets[:-1]), (2, index.weights[:-1]), (4, index.cells),
                       (5, np.ones(12, np.uint8)), (6, np.array([500], np.uint16)),
                       (6, np.array([1, 1], np.uint16)), (9, 4), (9, -1),
                       (10, 51), (11, 51), (12, 0)]:
        with pytest.raises(ValueError, match="set_counts"):
            C_PASSES.set_counts(*args[:place], bad, *args[place + 1:])
    with pytest.raises(ValueError, match="set_counts"):  # least 3 wants a first known
        C_PASSES.set_counts(*args[:6], np.zeros(0, np.uint16), 1, 0, 3, *args[10:])
    past = index.values.copy()
    past[index.offsets[1]] = len(index.technology_ids)  # in a set holding two known
    signatures = np.full_like(index.signatures, 3)
    with pytest.raises(ValueError, match="past technologies"):
        C_PASSES.set_counts(index.offsets, past, index.weights, signatures, *args[4:])
    with pytest.raises(ValueError, match="past allowed"):  # cells up to 11, 4 allowed
        C_PASSES.set_counts(index.offsets, index.values, index.weights, signatures,
                            index.cells, np.ones(4, np.uint8), *args[6:])


def test_the_index_holds_every_set_in_month_order(fixture_warehouse):
    con = queries.connection(fixture_warehouse)
    index = sets.read_index(con)
    columns = [column for column, _ in sets.DIMENSIONS]
    want = con.sql(f"select month, technologies, postings, {', '.join(columns)} "
                   "from technology_sets").fetchall()

    def cell_values(cell: int) -> tuple:
        out = []
        for values in reversed(index.dimensions):
            cell, place = divmod(cell, len(values) + 1)
            out.append(values[place - 1] if place else None)
        return tuple(reversed(out))

    got = [(index.months[np.searchsorted(index.month_rows, r, side="right") - 1].item(),
            [index.technology_ids[n] for n in index.values[index.offsets[r]:index.offsets[r + 1]]],
            int(index.weights[r]), *cell_values(int(index.cells[r])))
           for r in range(len(index.weights))]
    assert len(got) == len(want) > 100
    assert sorted(got, key=repr) == sorted(want, key=repr)
    assert len({g[3:] for g in got}) > 5  # cells of several sources, countries, ...
    assert [g[0] for g in got] == sorted(g[0] for g in got)
    assert index.rows_between(dt.date(2024, 1, 1), dt.date(2024, 12, 1)) == (
        sum(1 for g in got if g[0] < dt.date(2024, 1, 1)),
        sum(1 for g in got if g[0] <= dt.date(2024, 12, 1)))
    assert index.rows_between(dt.date(2030, 1, 1), dt.date(2031, 1, 1)) == (len(got),) * 2


def test_batches_whose_months_go_down_are_refused():
    def batch(months, lists):
        return pa.record_batch(
            [pa.array(months, pa.date32()),
             pa.array(lists, pa.list_(pa.dictionary(pa.uint16(), pa.string()))),
             pa.array([1] * len(months), pa.int64()), pa.array([7] * len(months), pa.uint32())],
            names=["month", "technologies", "n", "cell"])
    a = batch([dt.date(2024, 1, 1), dt.date(2024, 2, 1)], [["a"], ["a", "b"]])
    b = batch([dt.date(2024, 1, 1)], [["b"]])
    ids = ("a", "b")
    assert sets._filled([a, b], ids, 3, 4) is None
    filled = sets._filled([b, a], ids, 3, 4)
    assert [list(x) for x in filled[:2]] == [
        list(np.array(["2024-01-01", "2024-02-01"], "datetime64[D]")), [0, 2, 3]]
    assert filled[3].tolist() == [1, 0, 0, 1] and filled[2].tolist() == [0, 1, 2, 4]
    assert filled[5].tolist() == [7, 7, 7]
    assert sets._filled([b, a], ids, 4, 4) is None  # fewer rows than counted


@pytest.mark.parametrize("own_bits, width", [(sets.OWN_BITS, sets.SIGNATURE_BITS), (1, 4)],
                         ids=["as built", "four bits for all"])
def test_learn_next_counts_in_memory_as_it_would_in_sql(fixture_warehouse, monkeypatch,
                                                         own_bits, width):
    monkeypatch.setattr(sets, "OWN_BITS", own_bits)
    monkeypatch.setattr(sets, "SIGNATURE_BITS", width)
    monkeypatch.setattr(sets, "_indexes", {})
    views = views_of(queries.choices(fixture_warehouse))
    key = queries.build_key(fixture_warehouse)
    con = queries.connection(fixture_warehouse)
    counted = {"overlap_total": 0, "known_total": 0}
    for known in (["python", "go"], ["python", "java", "postgresql", "docker"],
                  ["python", "python"], ["python"], ["go", "rust", "kotlin", "aws"]):
        for label, filters in views.items():
            params = sets.learn_next_counts(key, con, {**filters.params(),
                                                       "technologies": known})
            in_memory = queries.run("learn_next", filters, fixture_warehouse,
                                    technologies=known)
            with monkeypatch.context() as m:
                m.setattr(sets, "C_PASSES", None)
                assert sets.learn_next_counts(key, con, {**filters.params(),
                                                         "technologies": known}) \
                    == sets.NOT_COUNTED
                in_sql = queries.run("learn_next", filters, fixture_warehouse,
                                     technologies=known)
            assert in_memory.equals(in_sql), (known, label)
            narrowed = label not in UNNARROWED
            kind = "known_total" if narrowed else "overlap_total"
            assert (params[kind] is not None) == (narrowed or len(set(known)) > 1), \
                (known, label)
            counted[kind] += bool(params[kind])
    assert counted["overlap_total"] >= 3  # sets naming two known technologies were there
    assert counted["known_total"] >= 5  # and sets naming one, under narrowed filters
    assert len({int(b) for b in sets._indexes[key].bits}) == min(
        width, len(sets._indexes[key].technology_ids))


def test_pairs_count_in_memory_as_they_would_in_sql(sample_warehouse, monkeypatch):
    """co_mentions and tech_pairs with a dimension narrowed take their pairs per year from the
    sets in memory (sets.pair_counts): the same frames as the queries counting them from
    technology_sets."""
    monkeypatch.setattr(sets, "_indexes", {})
    views = views_of(queries.choices(sample_warehouse))
    key = queries.build_key(sample_warehouse)
    con = queries.connection(sample_warehouse)
    sets.index_for(key, con)  # read (the first call's thread: below)
    counted = 0
    for chosen in (["python"], ["python", "go", "postgresql"], ["docker", "docker"],
                   ["no-such-technology"]):
        for label, filters in views.items():
            bound = {**filters.params(), "technologies": chosen}
            params = sets.pair_counts(key, con, bound)
            for name in ("co_mentions", "tech_pairs"):
                in_memory = queries.run(name, filters, sample_warehouse, technologies=chosen)
                with monkeypatch.context() as m:
                    m.setattr(sets, "C_PASSES", None)
                    assert sets.pair_counts(key, con, bound) == sets.NOT_PAIRED
                    in_sql = queries.run(name, filters, sample_warehouse, technologies=chosen)
                assert in_memory.equals(in_sql), (name, chosen, label)
                assert in_memory.height or name == "tech_pairs" and len(set(chosen)) < 2 \
                    or "no" in label or "no-such-technology" in chosen, (name, chosen, label)
                if name == "co_mentions" and chosen[0] == "python" and label == "a country":
                    assert in_memory["both_postings"].sum() > 100
            narrowed = label not in UNNARROWED
            assert (params["pair_postings"] is not None) == narrowed, (chosen, label)
            assert all(a != b for a, b in zip(params["pair_chosen"] or [],
                                              params["pair_ids"] or [], strict=True))
            counted += len(params["pair_postings"] or [])
    assert counted > 1000


def test_postings_together_counts_in_memory_as_it_would_in_sql(sample_warehouse, monkeypatch):
    """postings_together with a dimension narrowed, or two or more partners, takes the months'
    counts from the sets in memory (sets.together_counts): the same postings shown and counted
    as the query counting them from technology_sets."""
    monkeypatch.setattr(sets, "_indexes", {})
    views = views_of(queries.choices(sample_warehouse))
    key = queries.build_key(sample_warehouse)
    con = queries.connection(sample_warehouse)
    sets.index_for(key, con)
    counted = 0
    for technology, partners in (("python", []), ("python", ["postgresql"]),
                                 ("python", ["postgresql", "docker", "aws"]),
                                 ("python", ["python", "go"]), ("go", ["no-such-technology"]),
                                 ("no-such-technology", [])):
        for label, filters in views.items():
            extra = {"technology_id": technology, "partners": partners, "limit": 20}
            bound = {**filters.params(), **extra}
            params = sets.together_counts(key, con, bound)
            in_memory = queries.run("postings_together", filters, sample_warehouse, **extra)
            with monkeypatch.context() as m:
                m.setattr(sets, "C_PASSES", None)
                assert sets.together_counts(key, con, bound) == sets.NOT_TOGETHER
                in_sql = queries.run("postings_together", filters, sample_warehouse, **extra)
            assert in_memory.equals(in_sql), (technology, partners, label)
            counting = label not in UNNARROWED or len(partners) > 1
            assert (params["together_postings"] is not None) == counting, (partners, label)
            counted += sum(params["together_postings"] or [])
    assert counted > 1000


def test_the_first_pair_count_has_the_sets_read_meanwhile(sample_warehouse, monkeypatch):
    """Before the sets are read, co_mentions and postings_together count in SQL and have them
    read in a thread (about 4 s at 10M, where a narrowed view in SQL takes 0.05-1 s); once read,
    they count from them, with the same frames."""
    monkeypatch.setattr(sets, "_indexes", {})
    monkeypatch.setattr(sets, "_reading", set())
    key = queries.build_key(sample_warehouse)
    con = queries.connection(sample_warehouse)
    choices = queries.choices(sample_warehouse)
    filters = dataclasses.replace(choices.defaults(), countries=(choices.countries[0],))
    pairs = {**filters.params(), "technologies": ["python", "go"]}
    together = {**filters.params(), "technology_id": "python", "partners": [], "limit": 20}
    assert sets.pair_counts(key, con, pairs) == sets.NOT_PAIRED
    first = queries.run("co_mentions", filters, sample_warehouse, technologies=["python", "go"])
    for thread in threading.enumerate():
        if thread.name == "radar.sets":
            thread.join(60)
    assert sets._indexes[key] is not None
    assert sets.pair_counts(key, con, pairs)["pair_postings"]
    assert sets.together_counts(key, con, together)["together_postings"]
    assert queries.run("co_mentions", filters, sample_warehouse,
                       technologies=["python", "go"]).equals(first)


def test_a_query_does_not_wait_for_a_read_under_way(fixture_warehouse, monkeypatch):
    """While the sets are being read (in the thread read_soon starts), pair_counts and
    learn_next with one known technology answer at once, counting in SQL."""
    monkeypatch.setattr(sets, "_indexes", {})
    monkeypatch.setattr(sets, "_reading", set())
    release, started = threading.Event(), threading.Event()
    real = sets.read_index

    def slow_read(con, *args):
        started.set()
        release.wait(60)
        return real(con, *args)

    monkeypatch.setattr(sets, "read_index", slow_read)
    key = queries.build_key(fixture_warehouse)
    con = queries.connection(fixture_warehouse)
    choices = queries.choices(fixture_warehouse)
    narrowed = {**dataclasses.replace(choices.defaults(), countries=choices.countries[:1])
                .params(), "technologies": ["python"]}
    assert sets.pair_counts(key, con, narrowed) == sets.NOT_PAIRED  # starts the read
    assert started.wait(30)
    answers = []
    asking = threading.Thread(target=lambda: answers.extend(
        [sets.pair_counts(key, con, narrowed),
         sets.learn_next_counts(key, con, {**choices.defaults().params(),
                                           "technologies": ["python"]})]))
    asking.start()
    asking.join(20)
    done = not asking.is_alive()
    release.set()
    for thread in threading.enumerate():
        if thread.name == "radar.sets":
            thread.join(60)
    assert done and answers == [sets.NOT_PAIRED, sets.NOT_COUNTED]
    assert sets.pair_counts(key, con, narrowed)["pair_postings"] is not None


def test_one_known_technology_has_the_sets_read_meanwhile(fixture_warehouse, monkeypatch):
    monkeypatch.setattr(sets, "_indexes", {})
    monkeypatch.setattr(sets, "_reading", set())
    key = queries.build_key(fixture_warehouse)
    frame = queries.run("learn_next", queries.choices(fixture_warehouse).defaults(),
                        fixture_warehouse, technologies=["python"])
    assert frame.height > 0
    for thread in threading.enumerate():
        if thread.name == "radar.sets":
            thread.join(60)
    assert sets._indexes[key] is not None and len(sets._indexes[key].weights) > 100
