"""`python -m etl.bench --append-at N`: the month it appends is as large as the scaled-up
warehouse's months (the held month's postings times the scale factor), new postings of that
month with ids of their own (etl.sample.month_records), and the append adds them."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter

from etl.bench import main
from etl.sample import BAD_RECORD_SHARE, month_records, records


def test_a_month_on_its_own_is_that_month_with_the_samples_shares():
    rows = month_records(8, 2026, 11, 4000, prefix="smp-app-")
    assert len(rows) == 4000
    assert len({r["id"] for r in rows}) == 4000
    assert all(re.fullmatch(r"smp-app-\d{7}", r["id"]) for r in rows)
    dated = [r["published_at"] for r in rows if r.get("published_at", "")[:7] == "2026-11"]
    assert len(dated) >= 4000 - round(4000 * BAD_RECORD_SHARE)  # a broken date or two at most
    assert dated == sorted(dated)
    # reposts: a description seen earlier in the month, about 5% of the postings
    texts = Counter(r.get("description_html") for r in rows)
    repeated = sum(n - 1 for n in texts.values() if n > 1)
    assert 0.02 * 4000 < repeated < 0.08 * 4000
    assert month_records(8, 2026, 11, 4000, prefix="smp-app-") == rows  # same seed, same month
    # not the sample's own postings of that month
    own = {r["description_html"] for _, r in records(7, 3000, dt.date(2026, 11, 30))
           if r["published_at"][:7] == "2026-11"}
    assert own and not own & set(texts)


def test_append_at_appends_a_month_as_large_as_the_scaled_ones(tmp_path, capsys):
    assert main(["--n", "1500", "--processes", "1", "--append-at", "6000",
                 "--tmp", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    head = re.search(r"append at ([\d,]+) postings .* scaled up x(\d+) in \d+ s\): ([\d,]+) new "
                     r"postings of (\d{4}-\d{2}) \(the sample's ([\d,]+) of that month times "
                     r"(\d+)\)", out)
    assert head, out
    base, factor, new, month, held, again = head.groups()
    assert factor == again and int(factor) >= 3
    assert int(new.replace(",", "")) == int(held.replace(",", "")) * int(factor) > 0
    done = re.search(r"python -m etl build --append: [\d.]+ s wall, [\d.]+ s CPU, peak [\d.]+ GB "
                     r"\(largest process\); months ([\d, -]+); now ([\d,]+) postings", out)
    assert done, out
    assert done.group(1) == month
    after, before = int(done.group(2).replace(",", "")), int(base.replace(",", ""))
    # every new posting but the broken ones and the reposts (about 5%: few postings here, so
    # the share wanders; the seeds are fixed)
    assert 0.8 * int(new.replace(",", "")) < after - before <= int(new.replace(",", ""))
    assert json.dumps(list(tmp_path.iterdir())) == "[]"  # the temporary folder is gone
