"""Deduplication: the same posting seen twice in one month (two sources, a repost) counts once.

Rows are linked in three passes, strongest first:

1. the same ``source`` + ``source_id`` (the same record fetched again), whatever the dates;
2. exact text: the same normalised (company, title, location) and the same description
   fingerprint, counted in the same calendar month;
3. near-duplicate text: the same normalised company, in the same calendar month, descriptions
   whose word 5-shingle sets have a Jaccard similarity of at least the threshold, and titles that
   share at least half their words (so a company's boilerplate under a different role is not a
   duplicate). Candidates come from (one-permutation) MinHash with LSH banding inside each
   company, and every candidate is confirmed with the exact Jaccard of the shingle sets.

The month rule (docs/hn_history.md): a posting counts in its month (an HN posting in its
thread's month). The same posting twice in one month, or from two sources in one month, counts
once; a repost in a later month counts again in that month (the job is still advertised, and the
published HN series count it so). Only the same source id links across months.

Linked rows form groups (links chain within a month). The earliest
row of a group is its canonical posting (ties: the lowest posting_id) and is reported ``unique``;
every other row names the strongest link that ties it to the group.
"""

from __future__ import annotations

import random

import polars as pl

JACCARD_MIN = 0.8
SHINGLE_WORDS = 5
BATCH_TEXTS = 10_000  # texts per near-duplicate batch (bounds memory, not results)
# 10 bands of 3 MinHash rows: a pair at Jaccard 0.8 becomes a candidate with p = 0.999.
BANDS, ROWS_PER_BAND = 10, 3
_RANDOM = random.Random(20240601)
_MIX = [_RANDOM.getrandbits(64) | 1 for _ in range(SHINGLE_WORDS - 1)]
_BIN_MIX = [_RANDOM.getrandbits(64) | 1 for _ in range(BANDS * ROWS_PER_BAND)]
_LEGAL_SUFFIXES = (r"\b(?:inc|incorporated|llc|l\s?l\s?c|ltd|limited|gmbh|mbh|ag|se|corp|"
                   r"corporation|co|plc|sa|sas|sarl|srl|spa|bv|nv|oy|ab|as|aps|pty|pvt|the)\b")
INPUT_COLUMNS = ("posting_id", "source", "source_id", "posted_date", "company", "title",
                 "location_raw", "description")
_STRENGTH = {"same source id": 0, "exact text": 1, "near-duplicate": 2}


def _key(expr: pl.Expr) -> pl.Expr:
    """Lower-case words separated by single spaces; empty for null."""
    return (expr.fill_null("").str.to_lowercase().str.replace_all(r"[^\w]+", " ")
            .str.strip_chars())


def company_key(expr: pl.Expr) -> pl.Expr:
    """A company name without case, punctuation or legal form ("Acme, Inc." -> "acme")."""
    return (_key(expr).str.replace_all(_LEGAL_SUFFIXES, " ").str.replace_all(r"\s+", " ")
            .str.strip_chars())


def keyed_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """The input with a row number, day number and the normalised keys the passes compare."""
    missing = [c for c in INPUT_COLUMNS if c not in rows.columns]
    if missing:
        raise ValueError(f"duplicate_groups needs columns {', '.join(missing)}")
    return rows.select(INPUT_COLUMNS).with_row_index("row").with_columns(
        pl.col("posted_date").cast(pl.Date).cast(pl.Int32).alias("day"),
        (pl.col("posted_date").dt.year().cast(pl.Int32) * 12
         + pl.col("posted_date").dt.month().cast(pl.Int32)).alias("month"),
        company_key(pl.col("company")).alias("company_key"),
        _key(pl.col("title")).alias("title_key"),
        _key(pl.col("location_raw")).alias("location_key"),
        _key(pl.col("description")).str.replace_all(r"\s+", " ").alias("text_key"),
    ).with_columns(pl.col("text_key").hash(seed=7).alias("fingerprint"))


def _consecutive_links(keyed: pl.DataFrame, by: list[str], reason: str) -> pl.DataFrame:
    """Links between date-neighbours sharing a key (chains of them are what matters)."""
    ordered = keyed.sort([*by, "day", "row"], nulls_last=True)
    same = pl.all_horizontal([pl.col(c) == pl.col(c).shift(1) for c in by])
    return ordered.select(
        pl.col("row").shift(1).alias("a"), pl.col("row").alias("b"), same.alias("linked"),
    ).filter(pl.col("linked").fill_null(False)).select(
        "a", "b", pl.lit(reason).alias("reason"), pl.lit(None, pl.Float64).alias("jaccard"))


def shingle_hashes(texts: pl.DataFrame) -> pl.DataFrame:
    """(text, h): one row per distinct word 5-shingle of each text (the whole text when shorter)."""
    words = texts.select(
        "text", pl.col("text_key").str.split(" ").alias("w"),
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
        "text", pl.when(short).then(pl.col("h")).otherwise(mixed).alias("h"),
        ((pl.col("pos") + SHINGLE_WORDS <= pl.col("n")) | short).alias("keep"),
    ).filter("keep").group_by("text").agg(pl.col("h").unique()).explode("h")


def minhash_candidates(shingles: pl.DataFrame, texts: pl.DataFrame) -> pl.DataFrame:
    """(t1, t2) pairs of texts of the same company that agree on at least one LSH band.

    One-permutation MinHash: shingle hashes fall into BANDS x ROWS_PER_BAND bins by value and
    each bin keeps its minimum; a band's key mixes the minima of its bins.
    """
    bins = BANDS * ROWS_PER_BAND
    # One integer key per (text, bin) groups much faster than the pair of columns.
    minima = shingles.group_by(
        (pl.col("text").cast(pl.UInt64) * bins + pl.col("h") % bins).alias("key"),
    ).agg(pl.col("h").min()).select(
        (pl.col("key") // bins).cast(pl.UInt32).alias("text"), (pl.col("key") % bins).alias("bin"),
        "h")
    keys = minima.with_columns(
        (pl.col("bin") // ROWS_PER_BAND).alias("band"),
        (pl.col("h") * pl.col("bin").replace_strict(dict(enumerate(_BIN_MIX)),
                                                     return_dtype=pl.UInt64)).alias("mix"),
    ).group_by("text", "band").agg(pl.col("mix").sum().alias("bucket"))
    bands = keys.join(texts.select("text", "company_key"), on="text")
    pairs = bands.join(bands, on=["company_key", "band", "bucket"], suffix="_2")
    return pairs.filter(pl.col("text") < pl.col("text_2")).select(
        pl.col("text").alias("t1"), pl.col("text_2").alias("t2")).unique()


def exact_jaccard(pairs: pl.DataFrame, shingles: pl.DataFrame) -> pl.DataFrame:
    """(t1, t2, jaccard) with the exact Jaccard similarity of the two texts' shingle sets."""
    involved = pl.concat([pairs["t1"], pairs["t2"]]).unique().to_frame("text")
    shingles = shingles.join(involved, on="text", how="semi")
    sizes = shingles.group_by("text").len("size")
    common = (pairs.join(shingles, left_on="t1", right_on="text")
              .join(shingles, left_on=["t2", "h"], right_on=["text", "h"])
              .group_by("t1", "t2").len("common"))
    both = (pairs.join(common, on=["t1", "t2"], how="left")
            .join(sizes, left_on="t1", right_on="text")
            .join(sizes, left_on="t2", right_on="text", suffix="_2")
            .with_columns(pl.col("common").fill_null(0)))
    return both.select("t1", "t2", (pl.col("common") / (
        pl.col("size") + pl.col("size_2") - pl.col("common"))).alias("jaccard"))


def _title_overlap(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """Share of words two titles have in common (Jaccard of their word sets)."""
    wa, wb = a.str.split(" "), b.str.split(" ")
    inter = wa.list.set_intersection(wb).list.len()
    union = wa.list.set_union(wb).list.len()
    return pl.when(union > 0).then(inter / union).otherwise(1.0)


def _scored_pairs(texts: pl.DataFrame) -> pl.DataFrame:
    """(t1, t2, jaccard) for the candidate pairs among texts (one batch of companies)."""
    shingles = shingle_hashes(texts)
    return exact_jaccard(minhash_candidates(shingles, texts), shingles)


def _near_duplicate_links(keyed: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Links between rows of one company and one month whose descriptions are near-duplicates."""
    with_company = keyed.filter(pl.col("company_key") != "")
    texts = (with_company.group_by("company_key", "fingerprint").agg(pl.col("text_key").first())
             .sort("company_key", "fingerprint").with_row_index("text"))
    members = with_company.join(texts.select("text", "company_key", "fingerprint"),
                                on=["company_key", "fingerprint"])
    # Only companies with two different texts need shingles; identical texts pair directly.
    varied = texts.filter(pl.len().over("company_key") > 1)
    pairs = pl.DataFrame(schema={"t1": pl.UInt32, "t2": pl.UInt32, "jaccard": pl.Float64})
    if varied.height:
        # Companies are split into batches of about BATCH_TEXTS texts (a company never spans two
        # batches), so the shingle tables in memory stay small whatever the number of postings.
        n_batches = varied.height // BATCH_TEXTS + 1
        batches = varied.with_columns(
            (pl.col("company_key").hash(seed=3) % n_batches).alias("batch"),
        ).partition_by("batch", include_key=False, maintain_order=True)
        scored = pl.concat([_scored_pairs(batch) for batch in batches])
        pairs = scored.filter(pl.col("jaccard") >= threshold)
    identical = texts.select(pl.col("text").alias("t1"), pl.col("text").alias("t2"),
                             pl.lit(1.0).alias("jaccard"))
    pairs = pl.concat([pairs.with_columns(pl.col("t1", "t2").cast(pl.UInt32)),
                       identical.with_columns(pl.col("t1", "t2").cast(pl.UInt32))])
    side = members.select("text", "row", "month", "title_key")
    links = (pairs.join(side, left_on="t1", right_on="text")
             .join(side, left_on="t2", right_on="text", suffix="_2")
             .filter(pl.col("row") != pl.col("row_2"),
                     pl.col("month") == pl.col("month_2"),
                     _title_overlap(pl.col("title_key"), pl.col("title_key_2")) >= 0.5))
    return links.select(
        pl.min_horizontal("row", "row_2").alias("a"), pl.max_horizontal("row", "row_2").alias("b"),
        pl.lit("near-duplicate").alias("reason"), "jaccard",
    ).unique(subset=["a", "b"], keep="first")


def _components(n: int, links: pl.DataFrame) -> list[int]:
    """Union-find over row numbers: the root of each row's group."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in links.select("a", "b").iter_rows():
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [root(i) for i in range(n)]


def _reason(kind: str | None, jaccard: float | None) -> str:
    if kind is None:
        return "unique"
    if kind == "near-duplicate":
        return f"near-duplicate (jaccard {jaccard:.2f})"
    return kind


def duplicate_groups(rows: pl.DataFrame, threshold: float = JACCARD_MIN) -> pl.DataFrame:
    """posting_id, source, canonical_id and reason for every input row, in input order."""
    keyed = keyed_rows(rows)
    links = pl.concat([
        _consecutive_links(keyed, ["source", "source_id"], "same source id"),
        _consecutive_links(keyed, ["month", "company_key", "title_key", "location_key",
                                   "fingerprint"], "exact text"),
        _near_duplicate_links(keyed, threshold),
    ]).with_columns(pl.col("a", "b").cast(pl.Int64))
    group = pl.Series("group", _components(keyed.height, links), dtype=pl.Int64)
    keyed = keyed.with_columns(group)
    canonical = keyed.sort("day", "posting_id", "row", nulls_last=True).group_by(
        "group", maintain_order=True).agg(pl.col("row").first().alias("canonical_row"),
                                          pl.col("posting_id").first().alias("canonical_id"))
    # Each non-canonical row is explained by its strongest link (then the highest Jaccard).
    ends = pl.concat([links.select(pl.col("a").alias("row"), "reason", "jaccard"),
                      links.select(pl.col("b").alias("row"), "reason", "jaccard")])
    best = ends.with_columns(
        pl.col("reason").replace_strict(_STRENGTH, return_dtype=pl.Int8).alias("strength"),
    ).sort("row", "strength", pl.col("jaccard").fill_null(1.0), descending=[False, False, True]
           ).group_by("row", maintain_order=True).first()
    out = (keyed.join(canonical, on="group", how="left")
           .join(best.with_columns(pl.col("row").cast(pl.UInt32)), on="row", how="left")
           .sort("row"))
    reasons = [_reason(None if row == canon else kind, j) for row, canon, kind, j in zip(
        out["row"], out["canonical_row"], out["reason"], out["jaccard"], strict=True)]
    return out.select("posting_id", "source", "canonical_id").with_columns(
        pl.Series("reason", reasons, dtype=pl.String))


def dedup_rate_by_source(groups: pl.DataFrame) -> pl.DataFrame:
    """Per source: rows, rows that duplicate an earlier posting, and their share."""
    return groups.group_by("source").agg(
        pl.len().alias("postings"),
        (pl.col("reason") != "unique").sum().alias("duplicates"),
    ).with_columns((pl.col("duplicates") / pl.col("postings")).alias("rate")).sort("source")
