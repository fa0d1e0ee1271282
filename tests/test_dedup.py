"""Deduplication: exact keys, near-duplicate text within a company and a calendar month."""

from __future__ import annotations

import datetime as dt
import random
from array import array

import polars as pl
import pytest

from etl.sample import write_sample
from etl.transforms import C_PASSES, dedup
from etl.transforms.dedup import (
    BANDS,
    JACCARD_MIN,
    ROWS_PER_BAND,
    SKETCH,
    TITLE_OVERLAP_MIN,
    dedup_keys,
    dedup_rate_by_source,
    duplicate_groups,
    link_keys,
    month_links,
    reachable,
    resolved_groups,
    shingle_hashes,
    signatures,
    signatures_in_polars,
    sketch_jaccard,
    text_signatures,
)
from etl.warehouse import build
from tests.test_rowspeed_identity import READ_AT, _batches, real_raw_folders

WORDS = ("python django postgres api backend service team build scale data queue kafka redis "
         "deploy cloud review code test ship customer payments platform design mentor remote "
         "growth equity health plan learn write own improve reliable fast secure").split()


def text(seed: int, n: int = 150) -> str:
    rnd = random.Random(seed)
    return " ".join(rnd.choice(WORDS) for _ in range(n))


def edited(description: str, positions: tuple[int, ...]) -> str:
    words = description.split()
    for p in positions:
        words[p] = f"edit{p}"
    return " ".join(words)


def shingles(description: str) -> set[tuple[str, ...]]:
    words = description.lower().split()
    return {tuple(words[i:i + 5]) for i in range(len(words) - 4)}


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def posting(pid, date, *, source="hn", source_id=None, company="Acme", title="Backend Engineer",
            location="Berlin", description=None):
    return {"posting_id": pid, "source": source, "source_id": source_id or pid,
            "posted_date": dt.date.fromisoformat(date), "company": company, "title": title,
            "location_raw": location, "description": description or text(1)}


def groups_of(*rows) -> pl.DataFrame:
    return duplicate_groups(pl.DataFrame(list(rows)))


def mapping(groups: pl.DataFrame) -> dict[str, tuple[str, str]]:
    return {p: (c, r) for p, c, r in groups.select("posting_id", "canonical_id", "reason")
            .iter_rows()}


def test_exact_repost_in_the_same_month_counts_once():
    g = groups_of(posting("a", "2024-03-04"), posting("b", "2024-03-29", source_id="b2"))
    assert mapping(g) == {"a": ("a", "unique"), "b": ("a", "exact text")}


def test_exact_repost_next_month_counts_again():
    """The month rule: a repost in next month's thread counts in that month too."""
    g = groups_of(posting("a", "2024-03-31"), posting("b", "2024-04-01", source_id="b2"))
    assert mapping(g) == {"a": ("a", "unique"), "b": ("b", "unique")}


def test_same_text_at_two_sources_counts_once():
    g = groups_of(
        posting("li1", "2024-03-05", source="linkedin", company="Acme, Inc.",
                location="Berlin, Germany"),
        posting("hn1", "2024-03-04", source="hn", company="ACME", location="Berlin (onsite)"),
    )
    assert mapping(g) == {"li1": ("hn1", "near-duplicate (jaccard 1.00)"),
                          "hn1": ("hn1", "unique")}


def test_same_text_same_place_at_two_sources_is_exact_text():
    g = groups_of(posting("x", "2024-03-05", source="adzuna", company="Acme GmbH"),
                  posting("y", "2024-03-09", source="remotive", company="acme"))
    assert mapping(g)["y"] == ("x", "exact text")


def test_light_edit_counts_once_and_reports_the_jaccard():
    original = text(7)
    changed = edited(original, (20, 100))
    expected = jaccard(original, changed)
    assert 0.8 <= expected < 0.95
    g = groups_of(posting("a", "2024-01-10", description=original),
                  posting("b", "2024-01-31", description=changed, title="Senior Backend Engineer"))
    canonical, reason = mapping(g)["b"]
    assert canonical == "a" and reason.startswith("near-duplicate (jaccard ")
    # The Jaccard is estimated from 128-hash sketches: within 0.05 of the exact one here.
    assert float(reason.split()[-1].rstrip(")")) == pytest.approx(expected, abs=0.05)


def test_short_texts_get_the_exact_jaccard():
    original = text(8, 60)
    changed = edited(original, (30,))
    g = groups_of(posting("a", "2024-01-10", description=original),
                  posting("b", "2024-01-12", description=changed))
    assert mapping(g)["b"] == ("a", f"near-duplicate (jaccard {jaccard(original, changed):.2f})")


def test_heavier_edit_below_the_threshold_counts_twice():
    original = text(7)
    changed = edited(original, tuple(range(5, 150, 12)))
    assert jaccard(original, changed) < 0.8
    g = groups_of(posting("a", "2024-01-10", description=original),
                  posting("b", "2024-01-11", description=changed))
    assert g["reason"].to_list() == ["unique", "unique"]


def test_same_company_different_role_counts_twice():
    g = groups_of(posting("a", "2024-01-10", description=text(1)),
                  posting("b", "2024-01-10", title="Data Engineer", description=text(2)))
    assert set(g["canonical_id"]) == {"a", "b"}


def test_shared_boilerplate_under_another_title_counts_twice():
    boilerplate = text(3, 140)
    g = groups_of(
        posting("a", "2024-01-10", description=boilerplate + " " + text(4, 10)),
        posting("b", "2024-01-12", title="Frontend Developer",
                description=boilerplate + " " + text(5, 10)),
    )
    assert set(g["canonical_id"]) == {"a", "b"}


def test_same_text_different_company_counts_twice():
    g = groups_of(posting("a", "2024-01-10"), posting("b", "2024-01-10", company="Globex"))
    assert g["reason"].to_list() == ["unique", "unique"]


def test_another_month_counts_again_even_a_day_apart():
    g = groups_of(posting("a", "2024-01-10"), posting("b", "2024-04-15"),
                  posting("c", "2024-01-10", description=edited(text(1), (30,))),
                  posting("d", "2024-02-01", description=edited(text(1), (31,))),
                  posting("e", "2024-01-31", source="linkedin", location="Berlin, DE"))
    m = mapping(g)
    assert m["b"] == ("b", "unique") and m["d"] == ("d", "unique")
    assert m["c"][0] == "a" and m["e"][0] == "a"


def test_monthly_reposts_count_once_a_month():
    rows = [posting(f"p{m}", f"2024-{m:02d}-03") for m in range(1, 7)]
    rows += [posting(f"q{m}", f"2024-{m:02d}-20", source="linkedin") for m in range(1, 7)]
    g = groups_of(*rows)
    assert set(g["canonical_id"]) == {f"p{m}" for m in range(1, 7)}
    assert g["reason"].to_list() == ["unique"] * 6 + ["exact text"] * 6


def test_same_source_id_links_whatever_the_text_or_date():
    g = groups_of(posting("s1", "2024-01-01", source_id="42"),
                  posting("s2", "2024-12-01", source_id="42", description=text(9), company="X"))
    assert mapping(g)["s2"] == ("s1", "same source id")


def test_canonical_is_the_earliest_then_the_lowest_id():
    g = groups_of(posting("m", "2024-01-21"), posting("z", "2024-01-05"),
                  posting("k", "2024-01-05"))
    assert set(g["canonical_id"]) == {"k"}
    assert mapping(g)["k"] == ("k", "unique")


def test_result_is_in_input_order_and_deterministic():
    rows = [posting(f"p{i}", f"2024-01-{1 + i % 28:02d}", company=f"C{i % 3}",
                    description=edited(text(i % 4), (i % 50,))) for i in range(40)]
    first = duplicate_groups(pl.DataFrame(rows))
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    second = duplicate_groups(pl.DataFrame(shuffled))
    assert first["posting_id"].to_list() == [r["posting_id"] for r in rows]
    assert mapping(first) == mapping(second)


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="description"):
        duplicate_groups(pl.DataFrame([posting("a", "2024-01-01")]).drop("description"))


def test_null_company_and_empty_text_do_not_crash():
    g = groups_of(posting("a", "2024-01-01", company=None, description=" "),
                  posting("b", "2024-01-02", company=None, description=" ", title="Other"))
    assert g["reason"].to_list() == ["unique", "unique"]


def test_dedup_rate_by_source():
    g = groups_of(
        posting("hn1", "2024-01-01", source="hn"),
        posting("hn2", "2024-02-01", source="hn", description=text(2)),
        posting("li1", "2024-01-03", source="linkedin", location="Berlin, DE"),  # = hn1
        posting("li2", "2024-02-03", source="linkedin", description=edited(text(2), (9,))),
        posting("li3", "2024-03-03", source="linkedin", description=text(3)),
        posting("li4", "2024-03-04", source="linkedin", description=text(4), title="SRE"),
    )
    rates = dedup_rate_by_source(g)
    assert rates.to_dicts() == [
        {"source": "hn", "postings": 2, "duplicates": 0, "rate": 0.0},
        {"source": "linkedin", "postings": 4, "duplicates": 2, "rate": 0.5},
    ]


def test_planted_duplicates_are_all_found_among_many_postings():
    rnd = random.Random(11)
    rows, planted = [], []
    for i in range(3000):
        company = f"Company {i % 300}"
        day = dt.date(2024, 1 + rnd.randrange(10), 1 + rnd.randrange(14))
        rows.append(posting(f"p{i:05d}", day.isoformat(), company=company,
                            description=text(1000 + i, 120)))
        if i % 30 == 0:  # a lightly edited repost two weeks later, in the same month
            repost = edited(rows[-1]["description"], (rnd.randrange(120),))
            rows.append(posting(f"r{i:05d}", (day + dt.timedelta(days=14)).isoformat(),
                                company=company, source="linkedin", description=repost))
            planted.append((f"r{i:05d}", f"p{i:05d}"))
    g = mapping(duplicate_groups(pl.DataFrame(rows)))
    assert all(g[r][0] == p for r, p in planted)
    assert sum(reason != "unique" for _, reason in g.values()) == len(planted)


def _link_keys(*pairs) -> pl.DataFrame:
    return pl.DataFrame({"company": [c for c, _ in pairs], "title": [t for _, t in pairs]}
                        ).select(link_keys())


def test_reachable_follows_same_titles_and_shared_words_within_a_company():
    seeds = _link_keys(("Acme Inc.", "Senior Python Engineer, Lead"), (None, "Data Engineer"))
    candidates = _link_keys(
        ("ACME", "senior python engineer"),   # 3 of 4 words shared: reached
        ("Acme", "Python Engineer"),          # 2 of 4: exactly half, reached
        ("Acme", "Go Developer"),             # no word shared
        ("Acme", "Go Developer Python"),      # 1 of 6 with the seed, 1 of 4 with the next
        ("Acme", "Python Developer"),         # 1 of 3 with "Python Engineer"
        ("Beta", "Senior Python Engineer"),   # another company
        ("", "Data Engineer"),                # no company: the same title only
        (None, "Data Engineer Berlin"),       # no company, words shared: not reached
        ("Acme", "Python Engineer Remote"),   # 2 of 3 with "python engineer": a chain
        ("Acme", "Remote Engineer Remote"),   # via the one before: 2 of 3
    )
    got = reachable(candidates, seeds).to_list()
    assert got == [True, True, False, False, False, False, True, False, True, True]
    assert reachable(candidates.head(0), seeds).to_list() == []
    assert not any(reachable(candidates, seeds.head(0)))


def test_every_group_holding_a_seed_lies_within_the_reachable_rows():
    """Deduplicating the seeds with the reachable rows alone gives the seeds' groups as all the
    rows do (the append's use: a month's new postings against the warehouse's)."""
    rnd = random.Random(5)
    rows = []
    for i in range(600):
        company = f"Company {i % 40}"
        title = " ".join(rnd.sample(["senior", "backend", "python", "go", "engineer", "lead",
                                     "platform", "developer"], rnd.randrange(1, 4)))
        day = dt.date(2024, 3, 1 + rnd.randrange(28)).isoformat()
        description = text(2000 + i % 120, 80)  # a company's texts under several titles
        if i % 7 == 0:
            description = edited(description, (rnd.randrange(80),))
        rows.append(posting(f"p{i:04d}", day, company=company, title=title,
                            description=description))
    frame = pl.DataFrame(rows)
    keyed = dedup_keys(frame.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64)))
    seeds, rest = keyed.head(60), keyed.slice(60)
    def holding_a_seed(groups: pl.DataFrame) -> pl.DataFrame:
        seeded = groups.filter(pl.col("row") < 60).select("canonical_id").unique()
        return groups.join(seeded, on="canonical_id", how="semi")

    with_seed = holding_a_seed(resolved_groups(keyed, month_links(keyed)))
    assert with_seed.filter(pl.col("row") >= 60).height > 20  # the seeds do join old groups
    reached = rest.filter(reachable(rest, seeds))
    assert 0 < reached.height < rest.height
    assert set(with_seed.filter(pl.col("row") >= 60)["row"]) <= set(reached["row"])
    subset = pl.concat([seeds, reached])
    again = holding_a_seed(resolved_groups(subset, month_links(subset)))
    assert sorted(again.rows()) == sorted(with_seed.rows())


def _reference_jaccard(a, size_a, b, size_b) -> float:
    """The estimate written out a pair at a time (the definition sketch_jaccard computes)."""
    sa, sb = set(a or []), set(b or [])
    if (size_a or 0) <= SKETCH and (size_b or 0) <= SKETCH:
        union = len(sa | sb)
        return len(sa & sb) / union if union else 1.0
    bottom = sorted(sa | sb)[:SKETCH]
    return sum(1 for x in bottom if x in sa and x in sb) / len(bottom)


def test_sketch_jaccard_is_the_exact_share_or_the_bottom_k_estimate_pair_by_pair():
    rnd = random.Random(3)
    rows = []
    for _ in range(400):
        pool = rnd.sample(range(1, 5000), 400)
        size_a, size_b = rnd.choice([3, 60, 128, 129, 300]), rnd.choice([1, 60, 128, 200, 900])
        shared = rnd.randrange(0, min(size_a, size_b) + 1)
        a = set(pool[:size_a])
        b = set(pool[:shared]) | set(pool[size_a:size_a + size_b - shared])
        rows.append({"sketch": sorted(a)[:SKETCH], "shingles": len(a),
                     "sketch_2": sorted(b)[:SKETCH], "shingles_2": len(b)})
    rows += [{"sketch": [], "shingles": 0, "sketch_2": [], "shingles_2": 0},
             {"sketch": None, "shingles": None, "sketch_2": [5], "shingles_2": 1}]
    pairs = pl.DataFrame(rows, schema={"sketch": pl.List(pl.UInt32), "shingles": pl.Int32,
                                       "sketch_2": pl.List(pl.UInt32), "shingles_2": pl.Int32})
    got = sketch_jaccard(pairs).to_list()
    want = [_reference_jaccard(*r.values()) for r in rows]
    assert got == want
    assert got[-2:] == [1.0, 0.0] and 0 < sum(0.0 < j < 1.0 for j in got) < len(got)


def _title_share(a: str, b: str) -> float:
    wa, wb = set(a.split(" ")), set(b.split(" "))
    return len(wa & wb) / len(wa | wb)


def test_near_duplicate_links_are_the_row_pairs_whose_texts_and_titles_agree():
    """month_links' near-duplicate links against the definition written out a row pair at a
    time: one company and month, a shared LSH band (or the same text), the Jaccard estimate at
    least JACCARD_MIN and titles sharing TITLE_OVERLAP_MIN of their words. Texts recur under
    several titles, so a text pair can link through some of its rows' titles and not others."""
    rnd = random.Random(8)
    rows = []
    for i in range(700):
        title = " ".join(rnd.sample(["senior", "backend", "python", "go", "engineer", "lead",
                                     "platform"], rnd.randrange(1, 4)))
        length = 80 if i % 3 else 200  # 200 words: more shingles than a sketch holds
        description = text(3000 + i % 90, length)
        if i % 4 == 0:
            description = edited(description, tuple(rnd.sample(range(length), rnd.randrange(1, 4))))
        rows.append(posting(f"p{i:04d}", f"2024-05-{1 + i % 28:02d}", company=f"Co {i % 30}",
                            title=title, description=description))
    keyed = dedup_keys(pl.DataFrame(rows).with_row_index("row")
                       .with_columns(pl.col("row").cast(pl.Int64)))
    by_row = {r["row"]: r for r in keyed.iter_rows(named=True)}
    want, texts_only = set(), 0
    for a in by_row.values():
        for b in by_row.values():
            if a["row"] >= b["row"] or a["company_key"] != b["company_key"]:
                continue
            if a["fingerprint"] == b["fingerprint"]:
                jaccard = 1.0
            elif set(a["bands"]) & set(b["bands"]):
                jaccard = _reference_jaccard(a["sketch"], a["shingles"], b["sketch"],
                                             b["shingles"])
            else:
                continue
            if jaccard < JACCARD_MIN:
                continue
            if _title_share(a["title_key"], b["title_key"]) >= TITLE_OVERLAP_MIN:
                want.add((a["row"], b["row"], jaccard))
            else:
                texts_only += 1
    links = month_links(keyed).filter(pl.col("reason") == "near-duplicate")
    assert set(links.select("a", "b", "jaccard").iter_rows()) == want
    assert links.height == len(want)
    assert texts_only > len(want) > 0  # most near-duplicate texts sit under other titles
    assert 0 < sum(j < 1.0 for _, _, j in want) < len(want)


def test_texts_share_a_band_only_within_one_company_and_month():
    """_sharing_a_band joins on a band key mixed with a hash of the company and month: texts
    whose mixed keys are equal across companies or months are not candidates, and within one
    company and month it gives exactly the pairs of texts sharing a band (a join on company,
    month and band)."""
    cells = pl.DataFrame({"company_key": ["a", "b", "a"], "month": [24292, 24292, 24293]},
                         schema_overrides={"month": pl.Int32})
    cell = pl.struct("company_key", "month").hash(dedup._BAND_SALT[0])
    hashes = cells.select(cell.alias("h"))["h"].to_list()
    shared = 12345
    # text 0 (a, May) and text 3 (a, May) share a band; texts 1 (b, May) and 2 (a, June) carry
    # the band whose mixed key equals text 0's: a match of the join, not a candidate
    texts = pl.DataFrame({
        "text": [0, 1, 2, 3, 4],
        "company_key": ["a", "b", "a", "a", "a"],
        "month": [24292, 24292, 24293, 24292, 24292],
        "bands": [[shared, 1], [shared ^ hashes[0] ^ hashes[1], 2],
                  [shared ^ hashes[0] ^ hashes[2], 3], [7, shared], [8, 9]],
    }, schema_overrides={"text": pl.UInt32, "month": pl.Int32, "bands": pl.List(pl.UInt64)})
    mixed = texts.select("text", "bands", cell.alias("h")).explode("bands").select(
        "text", (pl.col("bands") ^ pl.col("h")).alias("key"))
    assert mixed.filter(pl.col("key") == mixed["key"][0])["text"].to_list() == [0, 1, 2, 3]
    got = dedup._sharing_a_band(texts)
    assert sorted(got.iter_rows()) == [(0, 3)]
    rnd = random.Random(3)  # many texts: the same pairs as the join on company, month, band
    many = pl.DataFrame({
        "text": list(range(400)),
        "company_key": [f"c{rnd.randrange(6)}" for _ in range(400)],
        "month": [24290 + rnd.randrange(3) for _ in range(400)],
        "bands": [[rnd.randrange(40) for _ in range(4)] for _ in range(400)],
    }, schema_overrides={"text": pl.UInt32, "month": pl.Int32, "bands": pl.List(pl.UInt64)})
    exploded = many.explode("bands")
    want = set(exploded.join(exploded, on=["company_key", "month", "bands"], suffix="_2")
               .filter(pl.col("text") < pl.col("text_2")).select("text", "text_2").iter_rows())
    assert set(dedup._sharing_a_band(many).iter_rows()) == want
    assert dedup._sharing_a_band(many).height == len(want) > 100


def test_the_text_key_is_the_description_with_runs_of_white_space_as_one_space():
    # dedup_keys takes _key(description) as the text key as it is: _key leaves no white space
    # but single spaces between words, so collapsing runs of white space again changes nothing
    # (it did that pass until 2026-12-05; the fingerprints must not change)
    rnd = random.Random(9)
    chars = (" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000\u2028\u2029\u202f\u205f\u3000"
             "\u200b\u200c\u200d\ufeff.,;-_aZé٣²İß\u0301")
    descriptions = ["".join(rnd.choice(chars) for _ in range(rnd.randint(0, 60)))
                    for _ in range(5_000)] + [text(3), "  Python \u3000\n Go  ", None]
    rows = pl.DataFrame([{**posting(f"p{i}", "2024-03-01"), "description": d, "row": i}
                         for i, d in enumerate(descriptions)])
    keys = dedup_keys(rows)
    key = pl.col("description").fill_null("").str.to_lowercase().str.replace_all(r"[^\w]+", " ")
    before = rows.select(key.str.strip_chars().str.replace_all(r"\s+", " ").hash(seed=7)
                         .alias("fingerprint"))
    assert keys["fingerprint"].to_list() == before["fingerprint"].to_list()
    assert keys["fingerprint"].n_unique() > 4_000


@pytest.mark.skipif(C_PASSES is None, reason="the C passes are not built here "
                                               "(python -m etl.compile says why)")
def test_the_signatures_in_c_are_those_of_the_polars_reference(monkeypatch):
    # texts of every length around the shingle size and the sketch's 128, repeated words and
    # shingles, empty and non-ASCII ones, and the planted near-duplicates' kind of text
    rnd = random.Random(12)
    words = [*WORDS, "é", "٣", "İstanbul", "ß", "x"]
    keys = ([" ".join(rnd.choice(words) for _ in range(n)) for n in range(0, 300)]
            + [" ".join(rnd.choice(words[:3]) for _ in range(rnd.randint(1, 400)))
               for _ in range(300)]
            + [text(seed) for seed in range(200)] + ["", "a", "a a a a a a"])
    texts = pl.DataFrame({"row": range(0, 2 * len(keys), 2), "text_key": keys},
                         schema={"row": pl.Int64, "text_key": pl.String})
    hashed = shingle_hashes(texts)
    assert hashed["row"].is_sorted() and hashed["row"].n_unique() == len(keys)
    got, want = signatures(hashed), signatures_in_polars(hashed)
    assert got.schema == want.schema
    assert got.sort("row").equals(want.sort("row"))
    assert want["shingles"].max() > SKETCH and want["bands"].list.len().min() < BANDS
    # a slice of the frame (its Arrow arrays start at an offset) reads the same rows
    part = hashed.slice(1_001, 20_000)
    assert signatures(part).sort("row").equals(
        signatures_in_polars(part).sort("row"))
    # rows out of order go the Polars way, with the same answer
    shuffled = hashed.sample(fraction=1.0, shuffle=True, seed=3)
    assert signatures(shuffled).sort("row").equals(want.sort("row"))
    # from the words' hashes in one C pass (text_signatures): the same, a null text without
    # any; rows that do not go up take the Polars steps, with the same answer
    with_null = pl.concat([texts, pl.DataFrame({"row": [2 * len(keys)], "text_key": [None]},
                                               schema=texts.schema)])
    assert text_signatures(with_null).equals(want.sort("row"))
    assert text_signatures(texts.reverse()).sort("row").equals(want.sort("row"))
    assert text_signatures(texts.filter(pl.col("text_key").is_null())) is None
    # the keys of a whole batch: the same with the C passes as with the Polars steps
    rows = pl.DataFrame([{**posting(f"p{i}", "2024-03-01"), "description": d, "row": i}
                         for i, d in enumerate(keys)])
    with_c = dedup_keys(rows)
    monkeypatch.setattr(dedup, "text_signatures", lambda texts: signatures_in_polars(
        shingle_hashes(texts.filter(pl.col("text_key").is_not_null()))))
    assert with_c.equals(dedup_keys(rows))


@pytest.mark.skipif(C_PASSES is None, reason="the C passes are not built here "
                                               "(python -m etl.compile says why)")
def test_the_c_signatures_refuse_what_they_cannot_read():
    row_ids, hash_values = [0, 1, 1], [(5 << 32) + 5, (6 << 32) + 6, (7 << 32) + 7]
    rows, hashes = array("q", row_ids), array("Q", hash_values)
    mix, salt = dedup._BIN_MIX_BYTES, dedup._BAND_SALT_BYTES
    with pytest.raises(ValueError, match="never go down"):
        C_PASSES.signatures(array("q", row_ids[::-1]), hashes, mix, salt, ROWS_PER_BAND, SKETCH)
    with pytest.raises(ValueError, match="as many rows"):
        C_PASSES.signatures(array("q", row_ids[:2]), hashes, mix, salt, ROWS_PER_BAND, SKETCH)
    with pytest.raises(ValueError, match="rows_per_band"):
        C_PASSES.signatures(rows, hashes, mix, salt, ROWS_PER_BAND + 1, SKETCH)
    ids, band_at, keys, sketch_at, kept, counts = C_PASSES.signatures(
        rows, hashes, mix, salt, ROWS_PER_BAND, 1)

    def values(data: bytes, kind: str) -> list[int]:
        return memoryview(data).cast(kind).tolist()

    assert values(ids, "q") == [0, 1]
    assert values(counts, "i") == [1, 2]
    assert values(sketch_at, "i") == [0, 1, 2]  # a sketch of one at most
    assert values(kept, "I") == [5, 6]
    # bins (hash % 30) 25, 12 and 29: bands 8, 4 and 9
    assert values(band_at, "i") == [0, 1, 3]
    want = signatures_in_polars(pl.DataFrame({"row": row_ids, "h": hash_values},
                                             schema={"row": pl.Int64, "h": pl.UInt64}))
    assert values(keys, "Q") == want.sort("row")["bands"].explode().to_list()


@pytest.mark.skipif(C_PASSES is None, reason="the C passes are not built here "
                                               "(python -m etl.compile says why)")
def test_the_c_text_signatures_refuse_what_they_cannot_read():
    mix, bins, salt = dedup._MIX_BYTES, dedup._BIN_MIX_BYTES, dedup._BAND_SALT_BYTES
    words = array("Q", range(1, 9))  # two texts: 6 words (2 shingles), 2 words (1 shingle)

    def signed(rows, counts, hashes=words):
        return C_PASSES.text_signatures(array("q", rows), array("I", counts), hashes, mix, bins,
                                        salt, ROWS_PER_BAND, SKETCH)

    ids, band_at, keys, sketch_at, kept, counts = signed([3, 7], [6, 2])
    assert memoryview(ids).cast("q").tolist() == [3, 7]
    assert memoryview(counts).cast("i").tolist() == [2, 1]
    # the first text's shingles by hand: h[p] ^ h[p+1] * mix[0] ^ ... ^ h[p+4] * mix[3]
    odd, m = dedup._MIX, (1 << 64) - 1
    first = [(p + 1) ^ (p + 2) * odd[0] % (m + 1) ^ (p + 3) * odd[1] % (m + 1)
             ^ (p + 4) * odd[2] % (m + 1) ^ (p + 5) * odd[3] % (m + 1) for p in range(2)]
    assert memoryview(kept).cast("I").tolist()[:2] == sorted({h >> 32 for h in first})
    assert memoryview(kept).cast("I").tolist()[2:] == [7 >> 32]
    assert signed([7, 3], [6, 2]) is None  # rows that do not go up: the Polars steps' work
    assert signed([3, 3], [6, 2]) is None
    with pytest.raises(ValueError, match="without words"):
        signed([3, 7], [8, 0])
    with pytest.raises(ValueError, match="do not add up"):
        signed([3, 7], [6, 3])
    with pytest.raises(ValueError, match="a 4-byte count"):
        signed([3, 7], [6])


def _keys_in_polars(texts: list[str | None]) -> list[str]:
    """dedup's text key of each text by the Polars expression alone (the reference)."""
    return dedup.keys_in_polars(pl.Series(texts, dtype=pl.String)).to_list()


# characters where the key decides something: separators of every kind, word characters whose
# lower case is longer, shorter or depends on what follows, marks, digits of other scripts,
# characters past the C pass's table
KEY_PIECES = ["Backend", "ENGINEER", "C++", "Node.js", "_x_", "ÀÉÎÕÜ", "ß", "ẞ", "İstanbul",
              "ıI", "ΣΑΣ", "σς", "Ⱥ", "ǅ", "ﬁ", "e\u0301", "٣٤", "\u00a0", "\u2003", "\u3000",
              "’", "–", "•", "€", "£", "×", "÷", "ª", "º", "µ", "ǈ", "Ǆ", "中文", "😀", "\u200d",
              "\t", "\n\n", "\r\n", "  ", "-", "", "Ⅳ", "ⓐ", "Ǳ", "ſ", "K", "Å"]


# of those, the ones the C pass keys itself (its table knows every character)
KEY_PIECES_IN_C = [p for p in KEY_PIECES if not any(
    c in p for c in "İΣⱥȺ中文😀ﬁ\u3000")]


def hostile_key_texts(n: int, seed: int = 21) -> list[str]:
    """n strings of KEY_PIECES, then n of the pieces the C pass keys itself."""
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) + rng.choice(["", " ", ".", "\n"])
                    for _ in range(rng.randint(0, 30)))
            for pieces in (KEY_PIECES, KEY_PIECES_IN_C) for _ in range(n)]


@pytest.mark.skipif(C_PASSES is None, reason="the C passes are not built here "
                                               "(python -m etl.compile says why)")
def test_the_text_keys_in_c_are_those_of_polars():
    texts = hostile_key_texts(3_000) + [text(seed) for seed in range(200)] + ["", " ", "Σ"]
    series = pl.Series("description", texts)
    keys = dedup.text_keys(series)
    assert keys.name == "description"
    assert keys.to_list() == _keys_in_polars(texts)
    offsets, data = dedup.string_buffers(series)
    left = array("i", C_PASSES.word_keys(offsets, data, dedup._character_keys())[2])
    assert len(left) > 2_000  # most of the first half to Polars; the rest (but "Σ") in C
    assert [i for i in left if i >= 3_000] == [len(texts) - 1]
    # a slice (its Arrow array starts at an offset), nulls (all to Polars), nothing at all
    assert dedup.text_keys(series.slice(777, 1_500)).to_list() == \
        _keys_in_polars(texts[777:2_277])
    with_null = pl.Series("d", ["A b", None, "Ç"], dtype=pl.String)
    assert dedup.text_keys(with_null).to_list() == ["a b", "", "ç"]  # as _key: null as ""
    assert dedup.text_keys(pl.Series("d", [], dtype=pl.String)).to_list() == []


def test_the_character_table_is_what_polars_makes_of_each_character():
    table = array("i")
    table.frombytes(dedup._character_keys())
    assert len(table) == dedup.CHARACTER_KEYS_UP_TO
    assert (table[ord("A")], table[ord("z")], table[ord("_")], table[ord("7")]) == (
        ord("a"), ord("z"), ord("_"), ord("7"))
    assert table[ord(" ")] == table[ord("-")] == table[0xa0] == table[0x2019] == 0
    assert (table[0xc9], table[0xdf], table[0x660]) == (0xe9, 0xdf, 0x660)  # É, ß, ٠
    # left to Polars: a lower case of two characters (İ), one in more bytes (Ⱥ: ⱥ), and Σ
    assert table[0x130] == table[0x23a] == table[0x3a3] == -1
    assert sum(1 for v in table if v < 0) < 20


@pytest.mark.skipif(C_PASSES is None, reason="the C passes are not built here "
                                               "(python -m etl.compile says why)")
def test_the_c_text_keys_refuse_what_they_cannot_read():
    table = dedup._character_keys()
    with pytest.raises(ValueError, match="never go down"):
        C_PASSES.word_keys(array("q", [0, 3, 1]), b"abc", table)
    with pytest.raises(ValueError, match="int64 offsets"):
        C_PASSES.word_keys(array("q", [0, 9]), b"abc", table)
    with pytest.raises(ValueError, match="ASCII code points"):
        C_PASSES.word_keys(array("q", [0, 3]), b"abc", array("i", [0] * 10))
    offsets, data, left = C_PASSES.word_keys(array("q", [0, 3, 3, 7]), "Ab,-cÉ".encode(), table)
    assert (array("q", offsets).tolist(), data, left) == ([0, 2, 2, 5], "abcé".encode(), b"")


def test_the_text_keys_of_real_and_sample_postings_are_those_of_polars(shared_data, tmp_path,
                                                                        monkeypatch):
    """The descriptions of the HN threads and archive months and the LinkedIn file as the build
    stages them, and sample postings: the same text keys, and the same key rows (fingerprints,
    bands, sketches) as with the text keys made in Polars."""
    hn, linkedin = real_raw_folders(shared_data, tmp_path)
    write_sample(tmp_path / "sample", n=1_500)
    frames = [pl.from_arrow(build.normalised_and_tagged(batch, source, READ_AT).postings)
              for source, folder in (("hn", hn), ("linkedin", linkedin),
                                     ("sample", tmp_path / "sample"))
              for batch in _batches(source, folder)]
    rows = pl.concat(frames).drop("row").with_row_index("row").select(
        *dedup.INPUT_COLUMNS, pl.col("row").cast(pl.Int64))
    assert rows.height > 4_000
    descriptions = rows["description"]
    assert dedup.text_keys(descriptions).to_list() == _keys_in_polars(descriptions.to_list())
    if C_PASSES is not None:
        offsets, data = dedup.string_buffers(descriptions)
        left = C_PASSES.word_keys(offsets, data, dedup._character_keys())[2]
        assert len(left) // 4 < rows.height // 20  # at most 5% of real texts go to Polars
    with_c = dedup_keys(rows)
    monkeypatch.setattr(dedup, "C_PASSES", None)
    assert with_c.equals(dedup_keys(rows))
