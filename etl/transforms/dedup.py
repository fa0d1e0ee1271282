"""Deduplication on compact keys: the same posting seen twice in one month counts once.

The month rule (docs/COLUMNS, from the HN history work): a posting counts in its posted month;
duplicates are removed only WITHIN a calendar month (the same posting twice in one month, or from
two sources in one month, counts once; a repost in a later month counts again in that month).
The one exception is the same ``source`` + ``source_id`` (the same record fetched again), which
is one posting whatever the dates (the build's first-seen step keeps its earliest sighting).

Nothing here holds texts: :func:`dedup_keys` turns a batch of postings into one compact row each
(normalised company, title and location, a fingerprint of the description, LSH band keys and a
bottom-k sketch of the description's word 5-shingles, as integers), and :func:`month_links`
finds, from those keys alone, the links between rows of one company and month:

1. exact text: the same (company, title, location) and the same description fingerprint;
2. near-duplicate text: descriptions whose estimated Jaccard similarity of word 5-shingle sets is
   at least the threshold, and titles that share at least half their words (so a company's
   boilerplate under another role is not a duplicate). Candidates are pairs of one company and
   month agreeing on an LSH band of a one-permutation MinHash; the Jaccard of each candidate
   whose titles could link is estimated from the two bottom-k sketches (exact when both texts
   have at most ``SKETCH`` shingles). The work per posting depends on its company-month, not on
   the number of postings.

Linked rows form groups. The earliest row of a group is its canonical posting (ties: the lowest
posting_id) and is reported ``unique``; every other row names the strongest link to its group.
"""

from __future__ import annotations

import random
import struct
from functools import cache

import polars as pl
import pyarrow as pa

from etl.transforms import C_PASSES

JACCARD_MIN = 0.8
TITLE_OVERLAP_MIN = 0.5  # near-duplicates' titles share at least this share of their words
SHINGLE_WORDS = 5
SKETCH = 128  # bottom-k sketch size (u32 shingle hashes): the Jaccard estimate's precision
# 10 bands of 3 MinHash rows: a pair at Jaccard 0.8 becomes a candidate with p = 0.999.
BANDS, ROWS_PER_BAND = 10, 3
_RANDOM = random.Random(20240601)
_MIX = [_RANDOM.getrandbits(64) | 1 for _ in range(SHINGLE_WORDS - 1)]
_BIN_MIX = [_RANDOM.getrandbits(64) | 1 for _ in range(BANDS * ROWS_PER_BAND)]
_BAND_SALT = [_RANDOM.getrandbits(63) for _ in range(BANDS)]
_BIN_MIX_BYTES = struct.pack(f"={len(_BIN_MIX)}Q", *_BIN_MIX)  # for the C pass (native order)
_MIX_BYTES = struct.pack(f"={len(_MIX)}Q", *_MIX)
_BAND_SALT_BYTES = struct.pack(f"={len(_BAND_SALT)}Q", *_BAND_SALT)
_LEGAL_SUFFIXES = (r"\b(?:inc|incorporated|llc|l\s?l\s?c|ltd|limited|gmbh|mbh|ag|se|corp|"
                   r"corporation|co|plc|sa|sas|sarl|srl|spa|bv|nv|oy|ab|as|aps|pty|pvt|the)\b")
INPUT_COLUMNS = ("posting_id", "source", "source_id", "posted_date", "company", "title",
                 "location_raw", "description")
KEY_COLUMNS = ("row", "posting_id", "source", "source_id", "month", "day", "company_key",
               "title_key", "location_key", "fingerprint", "bands", "sketch", "shingles")
_STRENGTH = {"same source id": 0, "exact text": 1, "near-duplicate": 2}


def _key(expr: pl.Expr) -> pl.Expr:
    """Lower-case words separated by single spaces; empty for null."""
    return (expr.fill_null("").str.to_lowercase().str.replace_all(r"[^\w]+", " ")
            .str.strip_chars())


# The code points dedup's C pass keys on its own (word_keys): those below the CJK blocks (the
# alphabets of Europe, Western and South Asia and Africa, punctuation, symbols); a text holding
# a character past them is keyed by Polars.
CHARACTER_KEYS_UP_TO = 0x3000


@cache
def _character_keys() -> bytes:
    """int32 by code point below CHARACTER_KEYS_UP_TO, what _key makes of the character on its
    own, as Polars itself gives it (the key of "a" + character + "b"): 0 for a character that
    is not a word character ("a b"), the code point of its lower case for a word character
    whose lower case is one character written in no more UTF-8 bytes than it ("aéb"), -1 for
    any other (its texts' keys are left to Polars): a lower case of two characters ("İ"), the
    capital sigma (whose lower case depends on the letters after it), the surrogates."""
    codes = [c for c in range(CHARACTER_KEYS_UP_TO) if not 0xd800 <= c < 0xe000]
    keys = pl.Series([f"a{chr(c)}b" for c in codes]).to_frame("d").select(
        _key(pl.col("d")))["d"].to_list()
    table = [-1] * CHARACTER_KEYS_UP_TO
    for code, key in zip(codes, keys, strict=True):
        if code == 0x3a3:  # Σ: σ or ς by what follows
            continue
        if key == "a b":
            table[code] = 0
        elif len(key) == 3 and key[0] == "a" and key[2] == "b" and \
                len(key[1].encode()) <= len(chr(code).encode()):
            table[code] = ord(key[1])
    return struct.pack(f"={CHARACTER_KEYS_UP_TO}i", *table)


def keys_in_polars(texts: pl.Series) -> pl.Series:
    """_key of each text by the Polars expression (the reference of the C pass)."""
    return texts.to_frame("t").select(_key(pl.col("t")))["t"]


def string_buffers(texts: pl.Series) -> tuple[pa.Buffer, pa.Buffer]:
    """(offsets, data) of the texts as an Arrow large_string array without nulls: the texts'
    int64 offsets (one more than the texts) and the UTF-8 bytes they point into."""
    array = texts.to_arrow()
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = array.cast(pa.large_string())
    return array.buffers()[1].slice(array.offset * 8, (len(array) + 1) * 8), array.buffers()[2]


def text_keys(texts: pl.Series) -> pl.Series:
    """_key of each text (lower case, each run of characters that are not word characters as
    one space, stripped): in C (etl/transforms/_passes.c: word_keys) for the texts whose every
    character _character_keys knows, in Polars for the others (and for every text when the C
    passes are not built or a text is null). tests/test_dedup.py compares the two."""
    if C_PASSES is None or texts.null_count() or not len(texts):
        return keys_in_polars(texts)
    key_at, data, others = C_PASSES.word_keys(*string_buffers(texts), _character_keys())
    keys = pl.from_arrow(pa.LargeStringArray.from_buffers(
        len(texts), pa.py_buffer(key_at), pa.py_buffer(data)))
    if others:
        rows = pl.Series(struct.unpack(f"={len(others) // 4}i", others), dtype=pl.Int64)
        keys = keys.scatter(rows, keys_in_polars(texts.gather(rows)))
    return keys.alias(texts.name)


def company_key(expr: pl.Expr) -> pl.Expr:
    """A company name without case, punctuation or legal form ("Acme, Inc." -> "acme")."""
    return (_key(expr).str.replace_all(_LEGAL_SUFFIXES, " ").str.replace_all(r"\s+", " ")
            .str.strip_chars())


def link_keys() -> list[pl.Expr]:
    """The company and title keys every link compares (``company_key``, ``title_key``), from a
    row's ``company`` and ``title``."""
    return [company_key(pl.col("company")).alias("company_key"),
            _key(pl.col("title")).alias("title_key")]


def _title_words(keys: pl.DataFrame) -> pl.DataFrame:
    """(company_key, title_key, word, words): each distinct word of each distinct title of a
    company, with how many distinct words the title has."""
    return (keys.select("company_key", "title_key").unique()
            .with_columns(pl.col("title_key").str.split(" ").list.unique().alias("word"))
            .with_columns(pl.col("word").list.len().alias("words")).explode("word"))


def reachable(candidates: pl.DataFrame, seeds: pl.DataFrame) -> pl.Series:
    """For each row of ``candidates`` (``company_key``, ``title_key``; one month's rows, as are
    ``seeds``), whether a chain of rows of one company, each title the same as the one before
    or (with a company) sharing TITLE_OVERLAP_MIN of its words, leads to it from a seed.

    Every link month_links makes is such a step (an exact-text link is of the same company and
    title, a near-duplicate one of a company and titles sharing that much), so the groups that
    hold a seed are found among the seeds and the rows this keeps alone: deduplicating those
    gives the seeds the groups, canonical postings and reasons all the rows would."""
    keys = ["company_key", "title_key"]
    reached = seeds.select(keys).unique()
    todo = candidates.select(keys).unique().join(reached, on=keys, how="anti")
    frontier = reached
    while frontier.height and todo.height:
        same = todo.join(frontier, on=keys, how="semi")
        near_words = _title_words(frontier.filter(pl.col("company_key") != ""))
        shared = (_title_words(todo.filter(pl.col("company_key") != ""))
                  .join(near_words, on=["company_key", "word"], suffix="_seed")
                  .group_by("company_key", "title_key", "words", "title_key_seed",
                            "words_seed").len("shared"))
        near = shared.filter(pl.col("shared") >= TITLE_OVERLAP_MIN * (
            pl.col("words") + pl.col("words_seed") - pl.col("shared"))).select(keys)
        frontier = pl.concat([same, near]).unique()
        todo = todo.join(frontier, on=keys, how="anti")
    unreached = todo.with_columns(pl.lit(True).alias("unreached"))
    return (candidates.select(keys).with_row_index("i").join(unreached, on=keys, how="left")
            .sort("i")["unreached"].is_null().alias("reachable"))


def shingle_hashes(texts: pl.DataFrame) -> pl.DataFrame:
    """(row, h): one row per word 5-shingle of each text (the whole text when shorter), a
    shingle repeated in a text once per time (signatures reads minima and distinct values, so
    repeats change nothing, and leaving them costs less than removing them)."""
    words = texts.select(
        "row", pl.col("text_key").str.split(" ").alias("w"),
    ).with_columns(
        pl.int_ranges(0, pl.col("w").list.len(), dtype=pl.UInt32).alias("pos"),
        pl.col("w").list.len().alias("n"),
    ).explode("w", "pos").with_columns(pl.col("w").hash(seed=11).alias("h"))
    # A shingle's hash mixes its words' hashes in order (u64 arithmetic wraps around).
    mixed = pl.col("h")
    for k, odd in enumerate(_MIX, start=1):
        mixed = mixed ^ (pl.col("h").shift(-k) * pl.lit(odd, pl.UInt64))
    short = (pl.col("pos") == 0) & (pl.col("n") < SHINGLE_WORDS)
    return words.select(
        "row", pl.when(short).then(pl.col("h")).otherwise(mixed).alias("h"),
        ((pl.col("pos") + SHINGLE_WORDS <= pl.col("n")) | short).alias("keep"),
    ).filter("keep").select("row", "h")


def signatures(shingles: pl.DataFrame) -> pl.DataFrame:
    """(row, bands, sketch, shingles): LSH band keys, bottom-k sketch and shingle count per text.

    One-permutation MinHash: shingle hashes fall into BANDS x ROWS_PER_BAND bins by value and
    each bin keeps its minimum; a band's key mixes the minima of its bins (and the band number).
    In C (etl/transforms/_passes.c) when it is built and each text's shingles lie together in
    rows that never go down (as shingle_hashes gives them); else signatures_in_polars, the
    reference (tests/test_dedup.py compares the two).
    """
    rows = shingles["row"]
    if C_PASSES is None or rows.null_count() or shingles["h"].null_count() \
            or not rows.is_sorted():
        return signatures_in_polars(shingles)
    return _signature_frame(*C_PASSES.signatures(
        _values(rows.cast(pl.Int64)), _values(shingles["h"].cast(pl.UInt64)), _BIN_MIX_BYTES,
        _BAND_SALT_BYTES, ROWS_PER_BAND, SKETCH))


def _signature_frame(ids: bytes, band_at: bytes, keys: bytes, sketch_at: bytes, kept: bytes,
                     counts: bytes) -> pl.DataFrame:
    """signatures' frame from the buffers the C passes give (_passes.c: signatures)."""
    texts = len(counts) // 4

    def listed(offsets: bytes, values: bytes, kind: pa.DataType) -> pa.ListArray:
        return pa.ListArray.from_arrays(
            pa.Array.from_buffers(pa.int32(), texts + 1, [None, pa.py_buffer(offsets)]),
            pa.Array.from_buffers(kind, len(values) // kind.byte_width,
                                  [None, pa.py_buffer(values)]))

    return pl.from_arrow(pa.table({
        "row": pa.Array.from_buffers(pa.int64(), texts, [None, pa.py_buffer(ids)]),
        "bands": listed(band_at, keys, pa.uint64()),
        "sketch": listed(sketch_at, kept, pa.uint32()),
        "shingles": pa.Array.from_buffers(pa.int32(), texts, [None, pa.py_buffer(counts)]),
    }))


def text_signatures(texts: pl.DataFrame) -> pl.DataFrame | None:
    """signatures(shingle_hashes(texts)) (texts: ``row``, ``text_key``), None for no texts.

    With the C passes built, Polars hashes each text's words as shingle_hashes does and
    _passes.c's ``text_signatures`` makes each text's shingles from them and signs them: no
    Polars frame of one row per word or per shingle (the two steps took 6.3 and 4.0 us a
    posting of a worker's keys, a piece of 2,000 postings). Rows that do not go up one text
    after another take the Polars steps. tests/test_dedup.py compares the two.
    """
    texts = texts.filter(pl.col("text_key").is_not_null())  # a null text has no shingles
    if not texts.height:
        return None
    rows = texts["row"]
    signed = None
    if C_PASSES is not None and not rows.null_count():
        words = texts["text_key"].str.split(" ")
        signed = C_PASSES.text_signatures(
            _values(rows.cast(pl.Int64)), _values(words.list.len().cast(pl.UInt32)),
            _values(words.explode().hash(seed=11)), _MIX_BYTES, _BIN_MIX_BYTES,
            _BAND_SALT_BYTES, ROWS_PER_BAND, SKETCH)
    if signed is None:
        return signatures(shingle_hashes(texts))
    return _signature_frame(*signed)


def _values(series: pl.Series) -> pa.Buffer:
    """The values of a series of fixed-width numbers without nulls, as one Arrow buffer."""
    array = series.to_arrow()
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    width = array.type.byte_width
    return array.buffers()[1].slice(array.offset * width, len(array) * width)


def signatures_in_polars(shingles: pl.DataFrame) -> pl.DataFrame:
    """signatures as Polars group-bys: the reference of the C pass."""
    bins = BANDS * ROWS_PER_BAND
    minima = shingles.group_by("row", (pl.col("h") % bins).cast(pl.UInt8).alias("bin")).agg(
        pl.col("h").min())
    bands = minima.with_columns(
        (pl.col("bin") // ROWS_PER_BAND).alias("band"),
        (pl.col("h") * pl.col("bin").replace_strict(dict(enumerate(_BIN_MIX)),
                                                     return_dtype=pl.UInt64)).alias("mix"),
    ).group_by("row", "band").agg(pl.col("mix").sum()).select(
        "row", (pl.col("mix") ^ pl.col("band").replace_strict(
            dict(enumerate(_BAND_SALT)), return_dtype=pl.UInt64)).alias("key"),
    ).group_by("row").agg(pl.col("key").sort().alias("bands"))
    small = (pl.col("h") // (1 << 32)).cast(pl.UInt32)
    sketch = shingles.group_by("row").agg(small.unique().sort().head(SKETCH).alias("sketch"),
                                          small.n_unique().cast(pl.Int32).alias("shingles"))
    return bands.join(sketch, on="row", how="full", coalesce=True)


def dedup_keys(rows: pl.DataFrame) -> pl.DataFrame:
    """The compact key row (KEY_COLUMNS) of every input row; rows need INPUT_COLUMNS and "row"."""
    missing = [c for c in (*INPUT_COLUMNS, "row") if c not in rows.columns]
    if missing:
        raise ValueError(f"dedup keys need columns {', '.join(missing)}")
    date = pl.col("posted_date").cast(pl.Date)
    keyed = rows.select(
        pl.col("row").cast(pl.Int64), "posting_id", "source", pl.col("source_id").cast(pl.String),
        (date.dt.year().cast(pl.Int32) * 12 + date.dt.month().cast(pl.Int32) - 1).alias("month"),
        date.cast(pl.Int32).alias("day"),
        *link_keys(),
        _key(pl.col("location_raw")).alias("location_key"),
    ).with_columns(
        # _key leaves single spaces only (a run of white space is a run of non-word
        # characters), so the text key is the description's _key as it is
        text_keys(rows["description"]).alias("text_key"),
    ).with_columns(pl.col("text_key").hash(seed=7).alias("fingerprint"))
    # Only a row with a company can be a near-duplicate, so only those need signatures.
    with_company = keyed.filter(pl.col("company_key") != "").select("row", "text_key")
    signed = text_signatures(with_company)
    if signed is None:
        keyed = keyed.with_columns(pl.lit(None, pl.List(pl.UInt64)).alias("bands"),
                                   pl.lit(None, pl.List(pl.UInt32)).alias("sketch"),
                                   pl.lit(None, pl.Int32).alias("shingles"))
    else:
        keyed = keyed.join(signed, on="row", how="left")
    return keyed.select(KEY_COLUMNS)


def _consecutive_links(keyed: pl.DataFrame, by: list[str], reason: str) -> pl.DataFrame:
    """Links between date-neighbours sharing a key (chains of them are what matters)."""
    ordered = keyed.sort([*by, "day", "row"], nulls_last=True)
    same = pl.all_horizontal([pl.col(c) == pl.col(c).shift(1) for c in by])
    return ordered.select(
        pl.col("row").shift(1).alias("a"), pl.col("row").alias("b"), same.alias("linked"),
    ).filter(pl.col("linked").fill_null(False)).select(
        "a", "b", pl.lit(reason).alias("reason"), pl.lit(None, pl.Float64).alias("jaccard"))


def sketch_jaccard(pairs: pl.DataFrame) -> pl.Series:
    """Jaccard similarity of two shingle sets from their bottom-k sketches, for each row of
    ``pairs`` (``sketch``, ``shingles``, ``sketch_2``, ``shingles_2``: the lists of distinct
    hashes and the sets' sizes), computed by Polars for every pair at once.

    Exact when both sets fit in a sketch; otherwise the share of the k smallest hashes of the
    union that both sets hold (an unbiased estimate, standard error about sqrt(J(1-J)/k)). The
    two kinds of pair are computed apart: sorting the union is most of the cost and only the
    estimate needs it (at 10M, a month's 75,947 candidate pairs: 2.5-3.1 s a pair at a time
    in Python, 1.1-1.3 s here, the same values).
    """
    empty = pl.lit([], dtype=pl.List(pl.UInt32))
    a, b = pl.col("sketch").fill_null(empty), pl.col("sketch_2").fill_null(empty)
    both = a.list.set_intersection(b)
    fits = ((pl.col("shingles").fill_null(0) <= SKETCH)
            & (pl.col("shingles_2").fill_null(0) <= SKETCH))
    union = a.list.len() + b.list.len() - both.list.len()
    exact = pl.when(union > 0).then(both.list.len() / union).otherwise(1.0)
    bottom = a.list.set_union(b).list.sort().list.head(SKETCH)
    estimate = bottom.list.set_intersection(both).list.len() / bottom.list.len()
    indexed = pairs.with_row_index("i")
    parts = [indexed.filter(fits).select("i", exact.cast(pl.Float64).alias("jaccard")),
             indexed.filter(~fits).select("i", estimate.cast(pl.Float64).alias("jaccard"))]
    return pl.concat(parts).sort("i")["jaccard"]


def _title_overlap(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """Share of words two titles have in common (Jaccard of their word sets)."""
    wa, wb = a.str.split(" "), b.str.split(" ")
    inter = wa.list.set_intersection(wb).list.len()
    union = wa.list.set_union(wb).list.len()
    return pl.when(union > 0).then(inter / union).otherwise(1.0)


def _with_titles_that_link(pairs: pl.DataFrame, titles: pl.DataFrame) -> pl.DataFrame:
    """The text pairs (``t1``, ``t2``) of which some row of one and some row of the other
    (``titles``: ``text``, ``title_key`` per row) have titles sharing TITLE_OVERLAP_MIN of their
    words: a near-duplicate link needs that beside the Jaccard, so only these are estimated.

    A company's boilerplate under other roles makes most candidates: in a month of the 10M
    bench warehouse, 4,881 of 81,603 candidate pairs have such titles; testing the titles of all
    took 0.08 s, estimating the Jaccard of all 1.08 s.
    """
    distinct = titles.unique()
    return (pairs.join(distinct, left_on="t1", right_on="text")
            .join(distinct, left_on="t2", right_on="text", suffix="_2")
            .filter(_title_overlap(pl.col("title_key"), pl.col("title_key_2"))
                    >= TITLE_OVERLAP_MIN)
            .select("t1", "t2").unique())


def _sharing_a_band(texts: pl.DataFrame) -> pl.DataFrame:
    """(t1, t2), t1 < t2: the pairs of ``texts`` (``text``, ``company_key``, ``month``,
    ``bands``) of one company and month that agree on an LSH band key.

    Joined on one integer a band: the band key XOR a hash of its company and month, equal for
    two texts of one company and month exactly when their band keys are (XOR with one value is
    one-to-one); texts of different companies or months that the hashes make equal are dropped
    after the join. At 1M postings the pairs come about twice as fast as from a join on company,
    month and band (the same pairs)."""
    keyed = texts.select("text", "company_key", "month", "bands",
                         pl.struct("company_key", "month").hash(_BAND_SALT[0]).alias("cell"))
    bands = keyed.explode("bands").select(
        "text", "company_key", "month", (pl.col("bands") ^ pl.col("cell")).alias("key"))
    return bands.join(bands, on="key", suffix="_2").filter(
        pl.col("text") < pl.col("text_2"), pl.col("company_key") == pl.col("company_key_2"),
        pl.col("month") == pl.col("month_2")).select(
        pl.col("text").alias("t1"), pl.col("text_2").alias("t2")).unique()


def _near_duplicate_links(keyed: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Links between rows of one company and month whose descriptions are near-duplicates."""
    with_company = keyed.filter(pl.col("company_key") != "")
    group = ["company_key", "month", "fingerprint"]
    texts = (with_company.sort("row").group_by(group, maintain_order=True)
             .agg(pl.col("bands", "sketch", "shingles").first(), pl.len().alias("rows"))
             .with_row_index("text"))
    members = with_company.join(texts.select("text", *group), on=group)
    # Only company-months with two different texts need candidates; identical texts pair directly.
    varied = texts.filter(pl.len().over("company_key", "month") > 1)
    pairs = pl.DataFrame(schema={"t1": pl.UInt32, "t2": pl.UInt32, "jaccard": pl.Float64})
    if varied.height:
        candidates = _sharing_a_band(varied)
        candidates = _with_titles_that_link(candidates, members.select("text", "title_key"))
        if candidates.height:
            sketches = varied.select("text", "sketch", "shingles")
            scored = (candidates.join(sketches, left_on="t1", right_on="text")
                      .join(sketches, left_on="t2", right_on="text", suffix="_2"))
            pairs = scored.select("t1", "t2").with_columns(
                sketch_jaccard(scored)).filter(pl.col("jaccard") >= threshold)
    # a text's rows link to each other only when it has two or more (most have one)
    identical = texts.filter(pl.col("rows") > 1).select(
        pl.col("text").alias("t1"), pl.col("text").alias("t2"), pl.lit(1.0).alias("jaccard"))
    pairs = pl.concat([pairs.with_columns(pl.col("t1", "t2").cast(pl.UInt32)),
                       identical.with_columns(pl.col("t1", "t2").cast(pl.UInt32))])
    side = members.select("text", "row", "title_key")
    links = (pairs.join(side, left_on="t1", right_on="text")
             .join(side, left_on="t2", right_on="text", suffix="_2")
             .filter(pl.col("row") != pl.col("row_2"),
                     _title_overlap(pl.col("title_key"), pl.col("title_key_2"))
                     >= TITLE_OVERLAP_MIN))
    return links.select(
        pl.min_horizontal("row", "row_2").alias("a"), pl.max_horizontal("row", "row_2").alias("b"),
        pl.lit("near-duplicate").alias("reason"), "jaccard",
    ).unique(subset=["a", "b"], keep="first")


LINK_SCHEMA = {"a": pl.Int64, "b": pl.Int64, "reason": pl.String, "jaccard": pl.Float64}


def month_links(keyed: pl.DataFrame, threshold: float = JACCARD_MIN) -> pl.DataFrame:
    """(a, b, reason, jaccard): exact-text and near-duplicate links within a company and month."""
    if not keyed.height:
        return pl.DataFrame(schema=LINK_SCHEMA)
    return pl.concat([
        _consecutive_links(keyed, ["company_key", "title_key", "location_key", "fingerprint",
                                   "month"], "exact text"),
        _near_duplicate_links(keyed, threshold),
    ]).with_columns(pl.col("a", "b").cast(pl.Int64))


def resolved_groups(keyed: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """(row, posting_id, source, canonical_id, reason) for every row some link touches."""
    if not links.height:
        return pl.DataFrame(schema={"row": pl.Int64, "posting_id": pl.String,
                                    "source": pl.String, "canonical_id": pl.String,
                                    "reason": pl.String})
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    best: dict[int, tuple[int, float, str, float | None]] = {}
    for a, b, reason, jaccard in links.iter_rows():
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
        rank = (_STRENGTH[reason], -(1.0 if jaccard is None else jaccard), reason, jaccard)
        for end in (a, b):
            if end not in best or rank[:2] < best[end][:2]:
                best[end] = rank
    involved = keyed.filter(pl.col("row").is_in(list(parent))).select(
        "row", "posting_id", "source", "day")
    info = {r: (d, p, s) for r, p, s, d in involved.iter_rows()}
    canonical: dict[int, int] = {}
    for row in info:
        g = root(row)
        kept = canonical.get(g)
        if kept is None or (info[row][0], info[row][1], row) < (info[kept][0], info[kept][1], kept):
            canonical[g] = row
    out = []
    for row, (_, pid, source) in info.items():
        canon = canonical[root(row)]
        _, _, kind, jaccard = best[row]
        reason = "unique" if row == canon else (
            f"near-duplicate (jaccard {jaccard:.2f})" if kind == "near-duplicate" else kind)
        out.append((row, pid, source, info[canon][1], reason))
    return pl.DataFrame(out, schema=["row", "posting_id", "source", "canonical_id", "reason"],
                        orient="row")


def duplicate_groups(rows: pl.DataFrame, threshold: float = JACCARD_MIN) -> pl.DataFrame:
    """posting_id, source, canonical_id and reason for every input row, in input order."""
    missing = [c for c in INPUT_COLUMNS if c not in rows.columns]
    if missing:
        raise ValueError(f"duplicate_groups needs columns {', '.join(missing)}")
    keyed = dedup_keys(rows.select(INPUT_COLUMNS).with_row_index("row"))
    links = pl.concat([
        _consecutive_links(keyed, ["source", "source_id"], "same source id").with_columns(
            pl.col("a", "b").cast(pl.Int64)),
        month_links(keyed, threshold),
    ])
    grouped = resolved_groups(keyed, links)
    return keyed.select("row", "posting_id", "source").join(
        grouped.select("row", "canonical_id", "reason"), on="row", how="left",
    ).sort("row").select(
        "posting_id", "source", pl.col("canonical_id").fill_null(pl.col("posting_id")),
        pl.col("reason").fill_null("unique"))


def dedup_rate_by_source(groups: pl.DataFrame) -> pl.DataFrame:
    """Per source: rows, rows that duplicate an earlier posting, and their share."""
    return groups.group_by("source").agg(
        pl.len().alias("postings"),
        (pl.col("reason") != "unique").sum().alias("duplicates"),
    ).with_columns((pl.col("duplicates") / pl.col("postings")).alias("rate")).sort("source")
