"""The cells' technology sets held in memory for the counts DuckDB makes slowly: learn_next's
postings naming any of several known technologies, and each other technology among them
("with what you know"); and, with a dimension narrowed, co_mentions' and tech_pairs' postings
naming a chosen technology and each other one per year (pair_counts), and postings_together's
postings per month naming a technology and one of its partners (together_counts), which DuckDB
counts from every set of the cells kept: 0.3-1.1 s at 10M postings over every month of one
country or of remote postings.

With no dimension narrowed, learn_next counts them from the month tables, which count a
posting once per known technology it names; the sets naming two or more take the extra counts
back (radar/sql/learn_next.sql, overlap_sets). Finding those sets means reading every set of
the range: about 0.9 s of the query's 1 s at 10M postings with four known technologies, in
every form DuckDB was given (docs/scale.md). With a dimension narrowed, it reads the sets of
the cells kept that name a known technology (known_sets). Here the sets are arrays (the list
column's offsets and technology numbers, each set's postings, its cell of the five dimensions,
and a 64-bit signature of its technologies) and C (etl/transforms/_passes.c: set_counts)
reads only the sets whose signature can hold enough known technologies: about 22 ms for the
overlap of four common languages over 9.2M sets. The query takes the results as parameters
($overlap_* or $known_*) and counts as before; without the C passes it counts in SQL (the same
numbers: tests/test_sets.py).

The arrays are read once per build (about 4 s and 310 MB at 10M postings: docs/scale.md): by
the first learn_next that needs them, or beforehand in a thread of their own when learn_next
runs with one known technology and no dimension narrowed (its page's first view), or at the
first call of co_mentions, tech_pairs or postings_together, which count in SQL meanwhile.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import cached_property

import duckdb
import numpy as np

from etl.transforms import C_PASSES
from etl.warehouse.rollups import DIMENSIONS as CELL_COLUMNS

# The commonest technologies get a signature bit each; the others share the remaining bits of
# the signature's, in turn by how often they are named
OWN_BITS = 48
SIGNATURE_BITS = 64
# The type that numbers the technologies (their ids in order) on the app's connection
NUMBER_TYPE = "radar_technology_number"
# Rows of sets whose signatures are made at a time (bounds the temporary arrays)
SIGNATURE_ROWS = 1 << 20
# The dimensions of the cells as (technology_sets' column, the filter parameter): the build's
# cell columns, each filtered by the parameter of its name but these (_macros.sql: kept)
_PLURAL = {"source": "sources", "country": "countries"}
DIMENSIONS = tuple((column, _PLURAL.get(column, column)) for column in CELL_COLUMNS)
# The most cells a SetIndex numbers (each dimension's values and a null, multiplied)
MAX_CELLS = 1 << 24
# The parameters learn_next takes from here, None when it is to count in SQL itself
NOT_COUNTED = {"overlap_ids": None, "overlap_extra": None, "overlap_total": None,
               "known_ids": None, "known_with": None, "known_total": None}
# The parameters co_mentions and tech_pairs take from here, None when they count in SQL
NOT_PAIRED = {"pair_years": None, "pair_chosen": None, "pair_ids": None, "pair_postings": None}
# The parameters postings_together takes from here, None when it counts in SQL
NOT_TOGETHER = {"together_months": None, "together_postings": None}


@dataclass(frozen=True)
class SetIndex:
    """The rows of technology_sets in month order as arrays."""

    technology_ids: tuple[str, ...]  # a technology's number is its place here
    months: np.ndarray  # datetime64[D]: each month holding sets, ascending
    month_rows: np.ndarray  # int64: the first row of each month, then the number of rows
    offsets: np.ndarray  # int32 (rows + 1): a set's technologies are values[offsets[r]:...]
    values: np.ndarray  # uint16: technology numbers
    weights: np.ndarray  # uint32: postings naming exactly the set
    signatures: np.ndarray  # uint64: the bits of a set's technologies (bits)
    bits: np.ndarray  # uint64 by technology number: its signature bit
    # each dimension's values (DIMENSIONS' order), a cell numbering a set's values in turn:
    # 1 + a value's place in its dimension (0 for none), times the product of the later
    # dimensions' value counts plus one; None when there would be over MAX_CELLS cells
    dimensions: tuple[tuple[str, ...], ...]
    cells: np.ndarray | None  # uint32: each set's cell

    @cached_property
    def places(self) -> dict[str, int]:
        """Each technology's number, by id."""
        return {t: n for n, t in enumerate(self.technology_ids)}

    def rows_between(self, date_from: dt.date, date_to: dt.date) -> tuple[int, int]:
        """The rows (lo, hi) of the months from date_from through date_to (kept's months)."""
        first = np.searchsorted(self.months, np.datetime64(date_from, "D"), side="left")
        last = np.searchsorted(self.months, np.datetime64(date_to, "D"), side="right")
        return int(self.month_rows[first]), int(self.month_rows[max(first, last)])


def signature_bits(values: np.ndarray, technologies: int, own_bits: int = OWN_BITS,
                   width: int = SIGNATURE_BITS) -> np.ndarray:
    """Each technology's signature bit (uint64, by number): the own_bits most named a bit each,
    in order, the rest the other bits of width (at most 64) in turn."""
    named = np.zeros(technologies, np.int64)
    for at in range(0, len(values), SIGNATURE_ROWS * 8):  # bincount widens to 64 bits
        named += np.bincount(values[at:at + SIGNATURE_ROWS * 8], minlength=technologies)
    order = np.argsort(-named, kind="stable")
    rank = np.empty(technologies, np.int64)
    rank[order] = np.arange(technologies)
    bit = np.where(rank < own_bits, rank, own_bits + (rank - own_bits) % (width - own_bits))
    return np.left_shift(np.uint64(1), bit.astype(np.uint64))


def signatures_of(offsets: np.ndarray, values: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """Each set's signature: the bits of its technologies or-ed (0 for a set naming none)."""
    rows = len(offsets) - 1
    out = np.zeros(rows, np.uint64)
    for lo in range(0, rows, SIGNATURE_ROWS):
        hi = min(rows, lo + SIGNATURE_ROWS)
        starts, ends = offsets[lo:hi], offsets[lo + 1:hi + 1]
        a, b = int(offsets[lo]), int(offsets[hi])
        if b == a:
            continue
        filled = ends > starts
        out[lo:hi][filled] = np.bitwise_or.reduceat(bits[values[a:b]],
                                                    starts[filled] - a)
    return out


def read_index(con: duckdb.DuckDBPyConnection, own_bits: int = OWN_BITS,
               width: int = SIGNATURE_BITS) -> SetIndex | None:
    """The warehouse's technology_sets as a SetIndex, read a batch at a time into arrays of
    the final size (None when a set names a technology the technologies table lacks, or the
    sets are too many for the arrays' types)."""
    cursor = con.cursor()
    try:
        ids = tuple(i for (i,) in cursor.sql(
            "select technology_id from technologies order by technology_id").fetchall())
        years = cursor.sql("select year(month), count(*), coalesce(sum(len(technologies)), 0) "
                           "from technology_sets group by all order by all").fetchall()
        rows, values = sum(y[1] for y in years), sum(y[2] for y in years)
        if not ids or len(ids) > 65535 or values >= 2**31:
            return None
        dimensions = tuple(tuple(v for (v,) in cursor.sql(
            f"select distinct {column} from technology_sets where {column} is not null "
            "order by all").fetchall()) for column, _ in DIMENSIONS)
        cursor.sql(f"create or replace type {NUMBER_TYPE} as enum "
                   "(select technology_id from technologies order by technology_id)")
        numbers = [y[0] for y in years]
        try:
            arrays = _filled(_year_batches(cursor, numbers, dimensions), ids, rows, values)
            if arrays is None:  # not in month order (the files' order is)
                arrays = _filled(_year_batches(cursor, numbers, dimensions, "order by month"),
                                 ids, rows, values)
        except duckdb.ConversionException:
            return None
    finally:
        cursor.close()
    if arrays is None:
        return None
    months, month_rows, offsets, numbers, weights, cells = arrays
    bits = signature_bits(numbers, len(ids), own_bits, width)
    return SetIndex(technology_ids=ids, months=months, month_rows=month_rows, offsets=offsets,
                    values=numbers, weights=weights,
                    signatures=signatures_of(offsets, numbers, bits), bits=bits,
                    dimensions=dimensions,
                    cells=cells if cell_count(dimensions) <= MAX_CELLS else None)


def cell_count(dimensions: tuple[tuple[str, ...], ...]) -> int:
    """How many cells the dimensions' values make (each dimension's values and a null)."""
    return int(np.prod([len(values) + 1 for values in dimensions], dtype=np.float64))


def _year_batches(cursor: duckdb.DuckDBPyConnection, years: list[int],
                  dimensions: tuple[tuple[str, ...], ...], order: str = ""):
    """The record batches of (month, technologies numbered, postings, cell) of
    technology_sets, a year at a time (DuckDB holds a query's whole result: one year's, not
    every year's); the cell 0 when there are too many to number."""
    params: dict = {}
    cell = "0"
    if cell_count(dimensions) <= MAX_CELLS:
        terms, stride = [], 1
        for k in reversed(range(len(DIMENSIONS))):
            params[f"values{k}"] = list(dimensions[k])
            params[f"stride{k}"] = stride
            terms.append(f"coalesce(list_position($values{k}::varchar[], {DIMENSIONS[k][0]}), "
                         f"0) * $stride{k}")
            stride *= len(dimensions[k]) + 1
        cell = " + ".join(terms)
    for year in years:
        yield from cursor.sql(
            f"select month, technologies::{NUMBER_TYPE}[] as technologies, postings, "
            f"({cell})::uinteger as cell from technology_sets "
            f"where month between $first and $last {order}",
            params={**params, "first": dt.date(year, 1, 1),
                    "last": dt.date(year, 12, 31)}).arrow()


def _filled(batches, ids: tuple[str, ...], rows: int, values: int) -> tuple | None:
    """(months, month_rows, offsets, values, weights, cells) of SetIndex from record batches
    of (month, technologies numbered by ids, postings, cell); None when the months go down or
    the batches hold other numbers of rows or values than given, or a weight past 32 bits."""
    offsets = np.zeros(rows + 1, np.int32)
    numbers = np.zeros(values, np.uint16)
    weights = np.zeros(rows, np.uint32)
    cells = np.zeros(rows, np.uint32)
    months: list[np.datetime64] = []
    starts: list[int] = []
    row = at = 0
    for batch in batches:
        n = batch.num_rows
        lists = batch.column(1)
        got = lists.offsets.to_numpy()
        first, last = int(got[0]), int(got[-1])
        if row + n > rows or at + last - first > values:
            return None
        indices = lists.values.indices.to_numpy(zero_copy_only=False)[first:last]
        if tuple(lists.values.dictionary.to_pylist()) != ids[:len(lists.values.dictionary)]:
            place = {t: k for k, t in enumerate(ids)}
            indices = np.array([place[t] for t in lists.values.dictionary.to_pylist()],
                               np.uint16)[indices]
        numbers[at:at + last - first] = indices
        offsets[row + 1:row + n + 1] = got[1:] - first + at
        postings = batch.column(2).to_numpy()
        if n and postings.max() >= 2**32:
            return None
        weights[row:row + n] = postings
        cells[row:row + n] = batch.column(3).to_numpy()
        month = batch.column(0).to_numpy(zero_copy_only=False).astype("datetime64[D]")
        if n and ((np.diff(month) < np.timedelta64(0, "D")).any()
                  or (months and month[0] < months[-1])):
            return None
        for k in np.flatnonzero(np.concatenate(
                [[not months or month[0] != months[-1]], month[1:] != month[:-1]]) if n
                else []):
            months.append(month[k])
            starts.append(row + int(k))
        row, at = row + n, at + last - first
    if row != rows or at != values:
        return None
    return (np.array(months, "datetime64[D]"), np.array([*starts, rows], np.int64), offsets,
            numbers, weights, cells)


def narrowed(bound: dict) -> bool:
    """Whether the filters narrow any dimension of the cells."""
    return any(bound.get(name) for _, name in DIMENSIONS)


def allowed_cells(index: SetIndex, bound: dict) -> np.ndarray | None:
    """uint8 by cell: 1 for the cells the filters keep (radar/sql/_macros.sql: kept; a
    dimension narrowed keeps its listed values, so never a null), None when no dimension is
    narrowed."""
    if not narrowed(bound):
        return None
    table = np.ones(1, np.uint8)
    for (_, name), values in zip(DIMENSIONS, index.dimensions, strict=True):
        chosen = set(bound.get(name) or ())
        keeps = np.array([0, *(v in chosen for v in values)] if chosen
                         else [1] * (len(values) + 1), np.uint8)
        table = np.multiply.outer(table, keeps).ravel()
    return table


def counts(index: SetIndex, known: list[str], lo: int, hi: int, least: int,
           allowed: np.ndarray | None = None) -> tuple[dict[str, int], int]:
    """Over the sets of rows lo..hi-1 in the allowed cells (all when None) that name m >= least
    (1 or 2) of the known technologies: each set's postings (least 1) or (m - 1) times them
    (least 2, what a count of sets naming any known counted twice), summed for each
    technology the sets name (only those with a sum), and in total. In C (set_counts)."""
    place = index.places
    numbers = np.array(sorted({place[k] for k in known if k in place}), np.uint16)
    bits, times = np.unique(index.bits[numbers], return_counts=True)
    mask = int(np.bitwise_or.reduce(bits)) if len(bits) else 0
    multi = int(np.bitwise_or.reduce(bits[times > 1])) if (times > 1).any() else 0
    empty = np.zeros(0, np.uint8)
    sums, total = C_PASSES.set_counts(
        index.offsets, index.values, index.weights, index.signatures,
        empty if allowed is None else index.cells, empty if allowed is None else allowed,
        numbers, mask, multi, least, lo, hi, len(index.technology_ids))
    added = np.frombuffer(sums, np.int64)
    return {index.technology_ids[n]: int(added[n]) for n in np.flatnonzero(added)}, total


def counts_by_known(index: SetIndex, known: list[str], lo: int, hi: int,
                    allowed: np.ndarray | None = None) -> dict[str, dict[str, int]]:
    """For each known technology the index has: over the sets of rows lo..hi-1 in the allowed
    cells (all when None) naming it, their postings summed for each technology they name (itself
    included; only those with a sum). One pass for them all, in C (set_counts, least 0)."""
    place = index.places
    chosen = sorted({k for k in known if k in place})
    numbers = np.array([place[k] for k in chosen], np.uint16)
    mask = int(np.bitwise_or.reduce(index.bits[numbers])) if len(numbers) else 0
    empty = np.zeros(0, np.uint8)
    technologies = len(index.technology_ids)
    sums, _ = C_PASSES.set_counts(
        index.offsets, index.values, index.weights, index.signatures,
        empty if allowed is None else index.cells, empty if allowed is None else allowed,
        numbers, mask, 0, 0, lo, hi, technologies)
    table = np.frombuffer(sums, np.int64).reshape(len(chosen), technologies)
    return {k: {index.technology_ids[n]: int(row[n]) for n in np.flatnonzero(row)}
            for k, row in zip(chosen, table, strict=True)}


def months_naming(index: SetIndex, technology: str, partners: list[str], lo: int, hi: int,
                  allowed: np.ndarray | None = None) -> tuple[list[dt.date], list[int]]:
    """The months of rows lo..hi-1 whose sets in the allowed cells (all when None) name the
    technology and, when partners are given, one of them (a partner that is the technology
    itself: any set naming it), with those sets' postings; months with none left out. In C
    (set_counts, least 3), a month at a time."""
    place = index.places
    if technology not in place:
        return [], []
    if technology in partners:
        partners = []
    elif partners and not any(p in place for p in partners):
        return [], []  # no set names a partner the index lacks
    others = np.array(sorted({place[p] for p in partners if p in place}), np.uint16)
    mask = int(index.bits[place[technology]])
    multi = int(np.bitwise_or.reduce(index.bits[others])) if len(others) else 0
    known = np.concatenate([np.array([place[technology]], np.uint16), others])
    empty = np.zeros(0, np.uint8)
    cells = empty if allowed is None else index.cells
    months, postings = [], []
    for k, month in enumerate(index.months):
        a, b = max(lo, int(index.month_rows[k])), min(hi, int(index.month_rows[k + 1]))
        if a >= b:
            continue
        _, total = C_PASSES.set_counts(
            index.offsets, index.values, index.weights, index.signatures, cells,
            empty if allowed is None else allowed, known, mask, multi, 3, a, b,
            len(index.technology_ids))
        if total:
            months.append(month.item())
            postings.append(total)
    return months, postings


def months_naming_in_python(index: SetIndex, technology: str, partners: list[str], lo: int,
                            hi: int, allowed: np.ndarray | None = None
                            ) -> tuple[list[dt.date], list[int]]:
    """months_naming, set by set in Python (postings_together's test of a set, names_any)."""
    sums: dict[dt.date, int] = {}
    for k, month in enumerate(index.months):
        for r in range(max(lo, int(index.month_rows[k])), min(hi, int(index.month_rows[k + 1]))):
            if allowed is not None and not allowed[index.cells[r]]:
                continue
            names = {index.technology_ids[n]
                     for n in index.values[index.offsets[r]:index.offsets[r + 1]]}
            if technology in names and (not partners or names & set(partners)):
                day = month.item()
                sums[day] = sums.get(day, 0) + int(index.weights[r])
    return list(sums), list(sums.values())


def counts_in_python(index: SetIndex, known: list[str], lo: int, hi: int, least: int,
                     allowed: np.ndarray | None = None) -> tuple[dict[str, int], int]:
    """counts, set by set in Python (the reference for the C loop)."""
    wanted = set(known)
    added: dict[str, int] = {}
    total = 0
    for r in range(lo, hi):
        if allowed is not None and not allowed[index.cells[r]]:
            continue
        names = [index.technology_ids[n]
                 for n in index.values[index.offsets[r]:index.offsets[r + 1]]]
        m = len(wanted.intersection(names))
        if m >= least:
            add = (m - 1 if least == 2 else 1) * int(index.weights[r])
            total += add
            for t in names:
                added[t] = added.get(t, 0) + add
    return added, total


# _lock is held while an index is read (index_for); _reading_lock only while a read is started,
# so that starting one, or asking whether one is done, never waits for a read (seconds)
_lock = threading.Lock()
_reading_lock = threading.Lock()
_indexes: dict[tuple[str, float], SetIndex | None] = {}
_reading: set[tuple[str, float]] = set()


def index_for(key: tuple[str, float], con: duckdb.DuckDBPyConnection) -> SetIndex | None:
    """The SetIndex of the build a connection reads (key: radar.queries.build_key), read on
    first use; the last build's only."""
    with _lock:
        if key not in _indexes:
            _indexes.clear()
            _indexes[key] = read_index(con, OWN_BITS, SIGNATURE_BITS)
        return _indexes[key]


def read_soon(key: tuple[str, float], con: duckdb.DuckDBPyConnection) -> None:
    """index_for in a thread of its own, once per build: learn_next with one known technology
    (the page's first view) has the sets read before a second is ticked."""
    with _reading_lock:
        if key in _indexes or key in _reading:
            return
        _reading.add(key)
    threading.Thread(target=index_for, args=(key, con), name="radar.sets", daemon=True).start()


def index_if_read(key: tuple[str, float], con: duckdb.DuckDBPyConnection) -> SetIndex | None:
    """The build's SetIndex when it has been read; else None, and it is read meanwhile
    (read_soon): a query that can count in SQL does so rather than wait for it (about 4 s at
    10M postings). Never waits for a read under way."""
    if key in _indexes:  # index_for stores a build's index whole, once read
        return _indexes.get(key)
    read_soon(key, con)
    return None


def learn_next_counts(key: tuple[str, float], con: duckdb.DuckDBPyConnection,
                      bound: dict) -> dict:
    """learn_next's parameters counted here when the C passes are built (else NOT_COUNTED: the
    query counts in SQL). No dimension narrowed and two or more technologies known:
    $overlap_ids, $overlap_extra and $overlap_total, what the sets naming several known add
    to the month tables' counts (with one known, the sets are read meanwhile: read_soon).
    A dimension narrowed: $known_ids, $known_with and $known_total, the postings naming any
    known technology and each technology among them (the query's known_sets)."""
    known = sorted(set(bound.get("technologies") or ()))
    narrow = narrowed(bound)
    if C_PASSES is None:
        return NOT_COUNTED
    if not narrow and len(known) < 2:
        read_soon(key, con)
        return NOT_COUNTED
    index = index_for(key, con)
    if index is None or (narrow and index.cells is None):
        return NOT_COUNTED
    rows = index.rows_between(bound["date_from"], bound["date_to"])
    if not narrow:
        extra, total = counts(index, known, *rows, least=2)
        return {**NOT_COUNTED, "overlap_ids": list(extra), "overlap_extra": list(extra.values()),
                "overlap_total": total}
    named, total = counts(index, known, *rows, least=1, allowed=allowed_cells(index, bound))
    return {**NOT_COUNTED, "known_ids": list(named), "known_with": list(named.values()),
            "known_total": total}


def year_rows(index: SetIndex, date_from: dt.date, date_to: dt.date) -> list[tuple[int, int, int]]:
    """(year, lo, hi) for each year of the range holding sets: the rows of its months from
    date_from through date_to."""
    found = []
    for year in range(date_from.year, date_to.year + 1):
        lo, hi = index.rows_between(max(date_from, dt.date(year, 1, 1)),
                                    min(date_to, dt.date(year, 12, 31)))
        if hi > lo:
            found.append((year, lo, hi))
    return found


def pair_counts(key: tuple[str, float], con: duckdb.DuckDBPyConnection, bound: dict) -> dict:
    """co_mentions' and tech_pairs' parameters counted here when a dimension is narrowed and
    the C passes are built (else NOT_PAIRED: the queries count in SQL, from the pairs summed
    per month when nothing is narrowed): $pair_years, $pair_chosen, $pair_ids and
    $pair_postings, for each year of the range and each chosen technology ($technologies)
    the postings naming it and each other technology, where any (technology_pairs_in in
    radar/sql/_macros.sql reads them from the cells' sets; tech_pairs sums the years). The
    sets are read meanwhile at the first call (index_if_read), narrowed or not: until then the
    queries count in SQL."""
    chosen = sorted(set(bound.get("technologies") or ()))
    if C_PASSES is None or not chosen:
        return NOT_PAIRED
    index = index_if_read(key, con)
    if index is None or index.cells is None or not narrowed(bound):
        return NOT_PAIRED
    allowed = allowed_cells(index, bound)
    years, firsts, seconds, postings = [], [], [], []
    for year, lo, hi in year_rows(index, bound["date_from"], bound["date_to"]):
        for technology, named in counts_by_known(index, chosen, lo, hi, allowed).items():
            named.pop(technology, None)  # a pair is of two technologies
            years += [year] * len(named)
            firsts += [technology] * len(named)
            seconds += list(named)
            postings += list(named.values())
    return {"pair_years": years, "pair_chosen": firsts, "pair_ids": seconds,
            "pair_postings": postings}


def together_counts(key: tuple[str, float], con: duckdb.DuckDBPyConnection, bound: dict) -> dict:
    """postings_together's parameters counted here when its first statement would read the
    cells' sets (a dimension narrowed, or two or more partners) and the C passes are built
    (else NOT_TOGETHER: it counts in SQL): $together_months and $together_postings, the months
    of the range whose postings under the filters name $technology_id and one of $partners
    (any, when none), with how many. As pair_counts, the first call has the sets read
    meanwhile."""
    partners = list(bound.get("partners") or ())
    narrow = narrowed(bound)
    if C_PASSES is None:
        return NOT_TOGETHER
    index = index_if_read(key, con)
    if index is None or (narrow and index.cells is None) or not (narrow or len(partners) > 1):
        return NOT_TOGETHER
    months, postings = months_naming(
        index, bound["technology_id"], partners,
        *index.rows_between(bound["date_from"], bound["date_to"]), allowed_cells(index, bound))
    return {"together_months": months, "together_postings": postings}
