"""`make bench`: build time and peak memory per stage, warehouse size, query timings, tagger
speed, chart export timings, the app's first chart and server memory (etl/bench_app.py), on a
synthetic sample of --n postings (make bench N=1000000); the HN archive's ingest and build time
and peak memory (../shared). ``--queries-at N``: every named query on the sample scaled up to N
postings (etl/bench_queries.py, docs/scale.md); ``--append-at N``: a month (as large as the
scaled months) appended to the sample scaled up to N postings (docs/build.md, "Month files");
``--app WAREHOUSE``: the app alone.

Prints figures; asserts nothing (tests do not time things). The machine may be shared: the
figures carry whatever else it runs at the time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from etl.compile import interpreter, tagger_runs
from etl.sample import write_sample
from etl.transforms.tagger import Tagger
from etl.warehouse.build import build, posting_text
from etl.warehouse.schema import table_files


def folder_mb(folder: Path) -> float:
    """Size of the files in a folder, in MB."""
    return sum(p.stat().st_size for p in folder.resolve().rglob("*") if p.is_file()) / 1e6


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    """Median seconds over repeat calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, IndexError, ValueError):
        return 0.0


def _descendants(pid: int) -> list[int]:
    """Process ids of a process's children, grandchildren, ..."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids = [int(k) for k in fh.read().split()]
        except OSError:
            continue
        for kid in kids:
            found += [kid, *_descendants(kid)]
    return found


class StageMeter:
    """Wall time and peak memory of each build stage, sampled every 50 ms in a thread.

    Peak memory is given for the largest single process and for the build's processes together.
    """

    def __init__(self):
        self.stages: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def stage(self, name: str) -> None:
        """Start timing the named stage (ends the previous one)."""
        now = time.perf_counter()
        if self.stages:
            self.stages[-1]["seconds"] = now - self.stages[-1]["start"]
        self.stages.append({"name": name, "start": now, "largest": 0.0, "total": 0.0})

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.05):
            if not self.stages:
                continue
            sizes = [_rss_mb(me)] + [_rss_mb(kid) for kid in _descendants(me)]
            current = self.stages[-1]
            current["largest"] = max(current["largest"], max(sizes))
            current["total"] = max(current["total"], sum(sizes))

    def __enter__(self) -> StageMeter:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stage("done")
        self._stop.set()
        self._thread.join()
        self.stages.pop()


def bench_build(root: Path, n: int, processes: int) -> dict:
    """Build the warehouse from root/raw, printing postings per second and peak memory per stage."""
    with StageMeter() as meter:
        start = time.perf_counter()
        manifest = build(root / "raw", root / "warehouse", processes=processes,
                         log=lambda m: None, stage=meter.stage)
        seconds = time.perf_counter() - start
    print(f"build ({processes} process{'es' if processes > 1 else ''}, tagger {tagger_runs()}, "
          f"{interpreter()}): "
          f"{seconds:.1f} s for {manifest['row_counts']['postings']:,} postings "
          f"({n / seconds:,.0f} postings/s read)")
    for s in meter.stages:
        print(f"  {s['name']:<22} {s['seconds']:8.1f} s  {n / s['seconds']:>10,.0f} postings/s"
              f"  peak {s['largest'] / 1000:5.2f} GB largest process, "
              f"{s['total'] / 1000:5.2f} GB all")
    return manifest


def write_or_link_sample(dest: Path, n: int, kept: Path | None) -> None:
    """The --n sample at dest: written there, or a link to ``kept`` (written first if missing)."""
    if kept is not None and kept.exists():
        print(f"sample: {folder_mb(kept):.1f} MB of gzipped JSON Lines reused from {kept}")
    else:
        target = kept or dest
        seconds, _ = timed(lambda: write_sample(target, n=n,
                                                until=dt.date.today().replace(day=1)))
        print(f"sample: {n:,} postings written in {seconds:.1f} s "
              f"({folder_mb(target):.1f} MB gzipped JSON Lines)")
    if kept is not None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.symlink_to(kept.resolve(), target_is_directory=True)


def cpu_seconds() -> float:
    """CPU seconds of this process and its ended, waited-for children (the build's workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def bench_rebuild(root: Path, n: int, processes: int) -> None:
    """A second build of the same raw files: with the tag cache (nothing to tag) and without."""
    for label, use in (("rebuild, tag cache", True), ("rebuild, --no-tag-cache", False)):
        with StageMeter() as meter:
            start, cpu = time.perf_counter(), cpu_seconds()
            manifest = build(root / "raw", root / "warehouse", processes=processes,
                             log=lambda m: None, stage=meter.stage, use_tag_cache=use)
            seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        cache = manifest["tag_cache"]
        print(f"{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU ({n / seconds:,.0f} postings/s "
              f"read; tagged "
              f"{cache['postings_tagged']:,}, {cache['postings_from_cache']:,} from the cache)")
        first = meter.stages[0]
        print(f"  {first['name']:<22} {first['seconds']:8.1f} s  peak "
              f"{first['largest'] / 1000:5.2f} GB largest process")


def hold_back_month(sample: Path, held: Path, month: str) -> int:
    """Move the sample's postings of one month (YYYY-MM) out of its yearly file into held (a file
    named to be read last); returns how many."""
    import gzip
    import json
    path = sample / f"postings-{month[:4]}.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    keep = [x for x in lines if json.loads(x)["published_at"][:7] != month]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(keep)
    held.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(held, "wt", encoding="utf-8") as fh:
        fh.writelines(x for x in lines if json.loads(x)["published_at"][:7] == month)
    return len(lines) - len(keep)


def bench_append(root: Path, held: Path, processes: int) -> None:
    """The held-back month appended (python -m etl build --append), then what it replaces: a
    rebuild of the same raw files (its tag cache holds every text by then)."""
    import shutil

    from etl.warehouse.append import append
    shutil.move(held, root / "raw" / "sample" / held.name)
    with StageMeter() as meter:
        start, cpu = time.perf_counter(), cpu_seconds()
        manifest = append(root / "raw", root / "warehouse", processes=processes,
                          log=lambda m: None, stage=meter.stage)
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    last = manifest["appended"][-1]
    print(f"append a month ({', '.join(last['months_touched'])}): {seconds:.1f} s wall, "
          f"{cpu:.1f} s CPU for "
          f"{last['postings_read']:,} new postings onto "
          f"{manifest['row_counts']['postings'] - last['postings_read']:,}")
    for s in meter.stages:
        print(f"  {s['name']:<22} {s['seconds']:8.1f} s  peak {s['largest'] / 1000:5.2f} GB "
              "largest process")
    start, cpu = time.perf_counter(), cpu_seconds()
    full = build(root / "raw", root / "warehouse", processes=processes, log=lambda m: None)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    same = full["row_counts"] == manifest["row_counts"]
    print(f"full rebuild of the same raw files, tag cache: {seconds:.1f} s wall, {cpu:.1f} s CPU "
          f"(tagged {full['tag_cache']['postings_tagged']:,}; "
          f"{'the same' if same else 'NOT the same'} row counts as the append)")


# `python -m etl build --append ...` in a child process that prints its CPU seconds (its own
# and its workers') and the peak resident memory of the largest of them, in KB.
APPEND_CHILD = """
import json, resource, sys
from etl.__main__ import main
code = main(json.loads(sys.argv[1]))
own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
                  max(own.ru_maxrss, kids.ru_maxrss)]))
sys.exit(code)
"""


def write_month(path: Path, month: str, count: int, seed: int) -> None:
    """A gzip JSON Lines file of ``count`` synthetic postings of ``month`` (YYYY-MM), ids of
    their own (etl.sample.month_records)."""
    import gzip
    import json

    from etl.sample import month_records
    records = month_records(seed, int(month[:4]), int(month[5:]), count, prefix="smp-app-")
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def bench_append_at(target: int, n: int, processes: int, tmp: Path | None = None) -> None:
    """A month appended to a warehouse of ``target`` postings (``--append-at N``): the n sample
    built without its last complete month, scaled up to ``target`` postings
    (etl.bench_queries.scale_up, month files), then a month as large as the scaled months
    (the held month's postings times the scale factor, new ones: etl.sample.month_records)
    appended through ``python -m etl build --append`` in a child process, timed with its CPU
    and peak memory."""
    import json
    import subprocess
    import sys

    from etl.bench_queries import scale_up
    with tempfile.TemporaryDirectory(dir=tmp) as folder:
        root = Path(folder)
        write_sample(root / "raw" / "sample", n=n)
        held = root / "held" / "postings-zz-appended.jsonl.gz"
        month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
        n_held = hold_back_month(root / "raw" / "sample", held, month)
        build(root / "raw", root / "base", processes=processes, log=lambda m: None)
        start = time.perf_counter()
        scaled = scale_up(root / "base", root / "warehouse", target)
        factor = scaled["scaled_up"]["factor"]
        write_month(root / "raw" / "sample" / held.name, month, n_held * factor, seed=8)
        print(f"append at {scaled['row_counts']['postings']:,} postings (the {n:,} sample "
              f"without {month}, scaled up x{factor} in {time.perf_counter() - start:.0f} s): "
              f"{n_held * factor:,} new postings of {month} (the sample's {n_held:,} of that "
              f"month times {factor})")
        command = ["build", "--append", "--no-embedded", "--raw", str(root / "raw"),
                   "--warehouse", str(root / "warehouse"), "--processes", str(processes)]
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", APPEND_CHILD, json.dumps(command)],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode:
            raise SystemExit(f"the append failed:\n{done.stderr}")
        cpu, peak_kb = json.loads(done.stdout.strip().splitlines()[-1])
        manifest = json.loads((root / "warehouse" / "manifest.json").read_text())
        last = manifest["appended"][-1]
        print(f"  python -m etl build --append: {seconds:.1f} s wall, {cpu:.1f} s CPU, peak "
              f"{peak_kb / 1e6:.2f} GB (largest process); months "
              f"{', '.join(last['months_touched'])}; now {manifest['row_counts']['postings']:,} "
              "postings")


def pay_query_params(choices) -> dict:
    """The extra parameters of the pay, role profile and map queries (radar.pay and friends)."""
    from radar import geo, pay, profile
    return {"rates": pay.rate_rows(choices.countries, pay.years_of(choices.first_month,
                                                                    choices.last_month)),
            "categories": list(profile.spec().categories), "map_technology": "python",
            "states": list(geo.us_states())}


def bench_queries(warehouse: Path, warm_runs: int = 20) -> None:
    """Every named query warm, with the default and with narrow filters: the timings of
    ``--queries-at`` (``etl.bench_queries.time_queries``), on this warehouse."""
    from etl.bench_queries import time_queries
    print(f"\nqueries on {warehouse} (a first call, then p50 and p95 of up to {warm_runs} "
          "warm calls each):")
    time_queries(warehouse, warm_runs)


def page_queries(warehouse: Path) -> dict[str, list[tuple[str, dict]]]:
    """The named queries each page of issue 9 runs with its default choices (what a first
    visit costs), as (name, parameters)."""
    from radar import queries
    ranking = queries.run("tech_ranking", queries.choices(warehouse).defaults(), warehouse,
                          category="")
    ids = ranking["technology_id"].to_list()
    top = ids[0]
    compare = [t for t in ("go", "rust", "kotlin", "kubernetes") if t in ids] or ids[:4]
    return {
        "technology page (Web servers)": [
            ("tech_ranking", {"category": "web_server"}), ("kpis", {}),
            ("tech_share_by_month", {"technologies": ranking.filter(
                ranking["category"] == "web_server")["technology_id"].head(6).to_list()})],
        "Compare": [("tech_ranking", {"category": ""}), ("kpis", {}),
                    ("tech_share_by_month", {"technologies": compare}),
                    ("salary_by_technology", {"category": ""}),
                    ("co_mentions", {"technologies": compare})],
        "Stacks": [("tech_ranking", {"category": ""}), ("kpis", {}),
                   ("co_mentions", {"technologies": [top]}),
                   ("postings_together", {"technology_id": top, "partners": ids[1:2],
                                          "limit": 50}),
                   ("tech_pairs", {"technologies": ids[:15]})],
        "What to learn next": [("tech_ranking", {"category": ""}), ("kpis", {}),
                               ("learn_next", {"technologies": ["python"]}),
                               ("postings_together", {"technology_id": ids[1],
                                                      "partners": ["python"], "limit": 50})],
    }


def bench_pages(warehouse: Path) -> None:
    """Per new page: its queries with the default filters, first call and median of 5 warm
    calls of them all (the app caches results, so a warm page costs less still)."""
    from radar import queries
    filters = queries.choices(warehouse).defaults()
    print(f"\npage queries on {warehouse} (default filters and choices):")
    for page, calls in page_queries(warehouse).items():
        def run_all(calls=calls):
            return [queries.run(n, filters, warehouse, **p) for n, p in calls]
        cold, _ = timed(run_all)
        warm, frames = timed(run_all, 5)
        rows = ", ".join(f"{n} {f.height}" for (n, _), f in zip(calls, frames, strict=True))
        print(f"  {page:<30} first {cold * 1000:7.1f} ms  warm {warm * 1000:7.1f} ms  "
              f"rows: {rows}")


def bench_tagger(warehouse: Path, n: int = 20_000) -> None:
    """Postings per second through Tagger.mentions on one core (titles and bodies)."""
    import polars as pl
    frame = pl.read_parquet(table_files(warehouse, "postings"),
                            columns=["title", "description"])
    texts = [posting_text(t, d) for t, d in frame.head(n).iter_rows()]
    tagger = Tagger.default()
    tagger.mentions(texts[0])
    rates = []
    for _ in range(3):
        cpu = time.process_time()
        for text in texts:
            tagger.mentions(text)
        rates.append(len(texts) / (time.process_time() - cpu))
    chars = sum(map(len, texts)) / len(texts)
    # CPU time of this one process is what "on one core" means (wall time also counts whatever
    # else the machine does); three passes, because a shared machine makes single runs noisy.
    print(f"\ntagger: {max(rates):,.0f} postings/s on one core, best of 3 passes in CPU time "
          f"(median {statistics.median(rates):,.0f}) over {len(texts):,} sample postings of "
          f"{chars:,.0f} characters on average (tagger {tagger_runs()})")


def run_measured(argv: list[str]) -> tuple[float, float, float, int]:
    """Run a command; wall seconds, CPU seconds (with its waited-for children), peak resident MB
    of its largest process, exit status."""
    import os
    import subprocess
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss (kB): the child's peak, or that of its largest waited-for process (tagging pool)
    return (time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
            child.returncode)


def bench_archive(archive: Path) -> None:
    """The HN archive through the commands a user runs: ingest, build; and the embedded default."""
    import sys
    if not archive.is_dir():
        print(f"\nHN archive: skipped ({archive} is absent)")
        return
    etl = [sys.executable, "-m", "etl"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = len(list(archive.glob("*.jsonl*")))
        print(f"\nHN archive ({files} month files, {folder_mb(archive):.0f} MB), as a user runs it "
              "(wall time and peak RSS of the largest process; a shared machine makes both noisy):")
        steps = [
            ("python -m etl ingest hn --from-dir", [*etl, "ingest", "--raw-root",
                                                   str(root / "raw"), "hn", "--from-dir",
                                                   str(archive)]),
            ("python -m etl build --no-embedded", [*etl, "build", "--raw", str(root / "raw"),
                                                   "--warehouse", str(root / "wh"),
                                                   "--no-embedded"]),
            ("python -m etl build (embedded only, = first make run)",
             [*etl, "build", "--raw", str(root / "empty"), "--warehouse",
              str(root / "wh-embedded")]),
        ]
        for label, argv in steps:
            seconds, cpu, peak_mb, status = run_measured(argv)
            print(f"  {label:<56} {seconds:7.1f} s wall  {cpu:7.1f} s CPU  peak {peak_mb:6.0f} MB"
                  + (f"  FAILED (exit {status})" if status else ""))
        import json
        manifest = json.loads((root / "wh" / "manifest.json").read_text())
        print(f"  archive build: {manifest['row_counts']['postings']:,} postings, "
              f"{manifest['row_counts']['posting_technologies']:,} technology tags")


def keep_warehouse(warehouse: Path, dest: Path | None) -> Path:
    """Move the built warehouse out of the temporary folder to ``dest`` (when given); returns
    where it is now."""
    if dest is None:
        return warehouse
    import shutil
    # a build swaps a versioned folder in behind a symlink: move the folder, not the link
    shutil.move(str(warehouse.resolve()), str(dest))
    print(f"warehouse kept in {dest}")
    return dest


class _Scaled:
    """``--app`` given without a WAREHOUSE: with --queries-at, the app on the scaled-up
    warehouse (not a string, which argparse would make a Path)."""

    def __repr__(self) -> str:
        return "the scaled-up warehouse"


SCALED = _Scaled()


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line's options, checked (argparse's usage error and exit status 2 when they
    do not go together)."""
    parser = argparse.ArgumentParser(prog="python -m etl.bench", description=__doc__)
    parser.add_argument("--n", type=int, default=60_000, help="sample postings (%(default)s)")
    parser.add_argument("--processes", type=int, default=2,
                        help="build processes (default: %(default)s)")
    parser.add_argument("--build-only", action="store_true",
                        help="stop after the build (no query, tagger or export timings)")
    parser.add_argument("--incremental", action="store_true",
                        help="hold the last full month back, build, time a rebuild with and "
                             "without the tag cache, then append the month (build --append) "
                             "and a full build of the same files")
    parser.add_argument("--keep-warehouse", type=Path, default=None, metavar="DIR",
                        help="move the sample's built warehouse to DIR right after the build "
                             "(the timings then read it there; to time queries or the app on it "
                             "later: --app DIR); DIR must not exist")
    parser.add_argument("--tmp", type=Path, default=None,
                        help="folder for the sample and warehouse (default: a temporary one)")
    parser.add_argument("--sample", type=Path, default=None, metavar="DIR",
                        help="read the synthetic sample from DIR, writing it there first when DIR "
                             "does not exist (a 10M sample takes about 20 minutes to write; "
                             "reuse it across runs); not with --incremental, which moves a "
                             "month out of the sample")
    parser.add_argument("--archive", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data"
                        / "hn_archive", help="HN archive month files (default: %(default)s)")
    parser.add_argument("--only-archive", action="store_true",
                        help="time the HN archive commands only")
    parser.add_argument("--queries-at", type=int, default=None, metavar="N",
                        help="time every named query warm (p50/p95, default and narrow filters) "
                             "on a warehouse scaled up to N postings from the --n build "
                             "(etl/bench_queries.py says how); then stop")
    parser.add_argument("--append-at", type=int, default=None, metavar="N",
                        help="append a month to the sample without its last complete month "
                             "scaled up to N postings (as many new postings of that month as "
                             "the scale-up gives it): python -m etl build --append's wall "
                             "time, CPU and peak memory, then stop")
    parser.add_argument("--from-warehouse", type=Path, default=None,
                        help="with --queries-at: scale up this built warehouse instead of "
                             "building the --n sample")
    parser.add_argument("--app", type=Path, nargs="?", const=SCALED, default=None,
                        metavar="WAREHOUSE",
                        help="time the app on this warehouse: first chart in a real browser "
                             "after a cold server start, server memory after every page; "
                             "then stop (with --queries-at, --app alone: on the scaled-up "
                             "warehouse)")
    args = parser.parse_args(argv)
    if args.queries_at and args.app not in (None, SCALED):
        parser.error("with --queries-at, --app takes no WAREHOUSE: the app is timed on the "
                     "scaled-up warehouse")
    if args.app is SCALED and not args.queries_at:
        parser.error("--app needs a WAREHOUSE (or --queries-at N: the app on the scaled-up "
                     "warehouse)")
    if isinstance(args.app, Path):
        from radar.queries import WarehouseMissing, resolved
        try:
            resolved(args.app)  # the app's own test of a warehouse folder
        except WarehouseMissing:
            parser.error(f"--app {args.app}: no warehouse there (no manifest.json)")
    if args.sample is not None and args.incremental:
        parser.error("--sample cannot be used with --incremental (it moves a month out of the "
                     "sample)")
    if args.keep_warehouse is not None and args.keep_warehouse.exists():
        parser.error(f"--keep-warehouse {args.keep_warehouse} exists: name a new folder")
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    if args.tmp is not None:
        args.tmp.mkdir(parents=True, exist_ok=True)  # --tmp may name a folder not made yet
    if args.app and not args.queries_at:
        from etl.bench_app import bench_app
        bench_app(args.app)
        return 0
    if args.only_archive:
        bench_archive(args.archive)
        return 0
    if args.append_at:
        bench_append_at(args.append_at, args.n, args.processes, args.tmp)
        return 0
    if args.queries_at:
        from etl.bench_queries import bench_queries_at
        bench_queries_at(args.queries_at, args.n, args.processes, args.tmp, args.from_warehouse,
                         app=args.app is not None)
        return 0
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        root = Path(tmp)
        write_or_link_sample(root / "raw" / "sample", args.n, args.sample)
        held = root / "held" / "postings-zz-appended.jsonl.gz"
        if args.incremental:
            month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
            n_held = hold_back_month(root / "raw" / "sample", held, month)
            print(f"held back for the append: {n_held:,} postings of {month}")
        cpu = cpu_seconds()
        manifest = bench_build(root, args.n, args.processes)
        if args.incremental:
            print(f"  (first build: {cpu_seconds() - cpu:.1f} s CPU, every posting tagged)")
            bench_rebuild(root, args.n, args.processes)
            bench_append(root, held, args.processes)
        print(f"warehouse: {folder_mb(root / 'warehouse'):.1f} MB; rows: "
              + ", ".join(f"{k} {v:,}" for k, v in manifest["row_counts"].items()))
        # kept before the timings, so that a step failing later does not lose a long build
        warehouse = keep_warehouse(root / "warehouse", args.keep_warehouse)
        if args.build_only:
            return 0
        bench_queries(warehouse)
        bench_pages(warehouse)
        bench_tagger(warehouse)
        from radar.bench_export import bench_export
        print()
        bench_export(warehouse)
        from etl.bench_app import CHROMIUM, bench_app
        if CHROMIUM.exists():
            bench_app(warehouse)
    bench_archive(args.archive)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
