"""The embedded synthetic sample: a seeded, realistic raw job-board export (`python -m etl sample`).

The output is *raw input* to the same ETL as real data: JSON Lines, one gzip file per year, with
the fields a job board API exports (title, company, location text, the board's workplace label,
salary when the board has it, an HTML description). It holds no field naming technologies,
seniority, role family, country or a remote flag: the ETL has to find them in the text. Trends,
places and wording live in ``etl/data/sample_vocab.toml``; this module only draws from them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import gzip
import html
import json
import math
import random
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

VOCAB_PATH = Path(__file__).parent / "data" / "sample_vocab.toml"
FIRST_MONTH = (2016, 1)
TREND_YEARS = (2016.0, 2026.0)  # trend pairs in the vocabulary are values at these two points
BAD_RECORD_SHARE = 0.001
# postings that repeat an earlier one of their month under a new id, as boards repost: half as
# exact copies, half with a line added (near-duplicates); the build counts each once
REPOST_SHARE = 0.05
REPOST_LINE = "<p>Re-advertised: applications are still open.</p>"
FILE_PATTERN = "postings-{year}.jsonl.gz"
URL_BASE = "https://jobs.example.org/jobs"

# Month-level shocks on top of the yearly volume (the spring-2020 freeze) and a mild seasonality.
MONTH_SHOCKS = {(2020, 3): 0.85, (2020, 4): 0.55, (2020, 5): 0.55, (2020, 6): 0.65,
                (2020, 7): 0.75, (2020, 8): 0.85}
SEASON = (1.08, 1.05, 1.05, 1.02, 1.0, 0.98, 0.95, 0.93, 1.02, 1.03, 0.98, 0.82)

SENIORITY_PAY = {"intern": 0.4, "junior": 0.72, "mid": 1.0, "senior": 1.3, "lead": 1.55}
CONTRACT_PAY = {"intern": 0.6, "junior": 0.8, "mid": 1.0, "senior": 1.15, "lead": 1.25}
PAY_GROWTH = 0.035  # nominal pay growth per year around the 2024 reference figures
_SPACES = re.compile(r"\s{2,}")
_SLUG = re.compile(r"[^a-z0-9]+")
_CONTRACT = re.compile(r" (?:\(Contract\)|- Contract|- 6 month contract)$")


@cache
def vocab() -> dict:
    """The sample's vocabulary and trend tables."""
    with VOCAB_PATH.open("rb") as fh:
        return tomllib.load(fh)


def trend(pair: list[float], t: float) -> float:
    """Value at time t of a [2016, 2026] trend pair: log-linear, linear through 0, flat outside."""
    start, end = TREND_YEARS
    f = min(1.0, max(0.0, (t - start) / (end - start)))
    a, b = float(pair[0]), float(pair[1])
    if a > 0 and b > 0:
        return a * (b / a) ** f
    return a + (b - a) * f


def piecewise(table: dict[str, float], t: float) -> float:
    """Linear interpolation in a {year: value} table at time t, flat outside its years."""
    points = sorted((int(k), float(v)) for k, v in table.items())
    if t <= points[0][0]:
        return points[0][1]
    for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
        if t <= y1:
            return v0 + (v1 - v0) * (t - y0) / (y1 - y0)
    return points[-1][1]


def month_list(until: dt.date) -> list[tuple[int, int]]:
    """(year, month) from 2016-01 to until's month inclusive."""
    year, month = FIRST_MONTH
    out = []
    while (year, month) <= (until.year, until.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def month_volumes(n: int, months: list[tuple[int, int]], until: dt.date) -> list[int]:
    """How many postings each month gets: n split by yearly volume, shocks and seasonality."""
    table = vocab()["volume"]["years"]
    weights = []
    for year, month in months:
        w = piecewise(table, year + (month - 0.5) / 12 - 0.5)
        w *= MONTH_SHOCKS.get((year, month), 1.0) * SEASON[month - 1]
        if (year, month) == (until.year, until.month):
            w *= until.day / calendar.monthrange(year, month)[1]
        weights.append(w)
    total = sum(weights)
    exact = [n * w / total for w in weights]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    return counts


class Weighted:
    """A fixed weighted choice: names and cumulative weights, drawn with one random() call."""

    __slots__ = ("names", "cum")

    def __init__(self, weights: dict[str, float]):
        self.names = [k for k, v in weights.items() if v > 0]
        self.cum, total = [], 0.0
        for k in self.names:
            total += weights[k]
            self.cum.append(total)

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.cum)[0]


@dataclass
class Month:
    """Everything that depends on the posting month, computed once per month."""

    t: float
    languages: dict[str, Weighted]
    frameworks: dict[str, Weighted]
    databases: Weighted
    cloud: Weighted
    frontend: Weighted
    mobile: Weighted
    ts_share: float
    remote: float
    hybrid: float
    probs: dict[str, float]
    pay_share: dict[str, float]


# Per-family multipliers on the backend language weights.
FAMILY_LANGS = {
    "backend": {},
    "fullstack": {"PHP": 1.3, "JavaScript": 2.2, "TypeScript": 2.2, "Ruby": 1.3, "Go": 0.4,
                  "Scala": 0.2, "Rust": 0.3, "Elixir": 0.5, "Kotlin": 0.3},
    "data": {"Python": 5, "Scala": 4, "Java": 0.7, "PHP": 0.02, "Ruby": 0.05, "C#": 0.2,
             "JavaScript": 0.05, "TypeScript": 0.05, "Go": 0.3, "Rust": 0.3, "Kotlin": 0.2,
             "Elixir": 0},
    "devops": {"Python": 1.5, "Go": 3, "Java": 0.1, "PHP": 0.02, "Ruby": 0.3, "C#": 0.1,
               "JavaScript": 0.1, "TypeScript": 0.1, "Scala": 0, "Kotlin": 0, "Elixir": 0},
    "other": {},
}


@dataclass
class Stack:
    """The technologies one posting names, as the forms it writes them in."""

    lang: str | None = None
    lang_form: str | None = None
    fw: str | None = None
    dbs: list[str] = field(default_factory=list)
    db_forms: list[str] = field(default_factory=list)
    cloud: str | None = None
    extra: list[str] = field(default_factory=list)
    fe: str | None = None  # front-end framework, for titles
    title: str | None = None  # platform-specific title template (mobile)


class Generator:
    """Draws postings from the vocabulary with one seeded random source."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.v = vocab()
        self.countries = self.v["countries"]
        self.country_pick = Weighted({k: c["weight"] for k, c in self.countries.items()})
        self.family_pick = Weighted(self.v["role_family"]["weights"])
        self.seniority_pick = Weighted(self.v["seniority"]["weights"])
        self.forms = {name: Weighted(spec["forms"])
                      for group in ("languages", "databases") for name, spec in
                      self.v[group].items()}
        fe = self.v["frontend"]
        self.forms["JavaScript-fe"] = Weighted(fe["js_forms"])
        self.forms["TypeScript-fe"] = Weighted(fe["ts_forms"])
        self.forms["Kubernetes"] = Weighted(self.v["infra"]["kubernetes_forms"])
        self.cloud_names = {k: Weighted(c["names"]) for k, c in self.v["cloud"].items()}
        self.companies = {cc: self._companies(cc) for cc in self.countries}

    # -- set-up ---------------------------------------------------------------------------------

    def _companies(self, cc: str) -> tuple[list[tuple[str, str, str]], list[float]]:
        """About 40 invented employers of a country: (name, industry, stage) and popularity."""
        co, rng = self.v["companies"], self.rng
        en = self.v["phrases"]["en"]
        industries, stages = en["industries"], en["stages"]
        names: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        while len(names) < 40:
            base = rng.choice(co["first"]) + rng.choice(co["second"])
            name = f"{base} {rng.choice(co['suffix'][cc])}".strip()
            if base not in seen:
                seen.add(base)
                names.append((name, rng.choice(industries), rng.choice(stages)))
        return names, [1 / (i + 1) ** 0.7 for i in range(len(names))]

    def month(self, year: int, month: int) -> Month:
        """Weights for a posting month."""
        t, v = year + (month - 0.5) / 12, self.v
        base = {k: trend(s["w"], t) for k, s in v["languages"].items()}
        languages = {fam: Weighted({k: w * mult.get(k, 1.0) for k, w in base.items()})
                     for fam, mult in FAMILY_LANGS.items()}
        frameworks = {k: Weighted({n: trend([a, b], t) for n, a, b in fws})
                      for k, fws in v["frameworks"].items()}
        probs = {k: trend(p, t) for k, p in v["infra"].items() if isinstance(p, list)}
        probs |= {k: trend(p, t) for group in ("data_tools", "devops_tools")
                  for k, p in v[group].items()}
        mob = v["mobile"]
        probs["objective_c"] = trend(mob["objective_c_share"], t)
        probs["kotlin"] = trend(mob["kotlin_share"], t)
        workplace = v["workplace"]
        return Month(
            t=t, languages=languages, frameworks=frameworks,
            databases=Weighted({k: trend(s["w"], t) for k, s in v["databases"].items()}),
            cloud=Weighted({k: trend(s["w"], t) for k, s in v["cloud"].items()}),
            frontend=Weighted({k: trend(p, t) for k, p in v["frontend"]["frameworks"].items()}),
            mobile=Weighted({k: trend(p, t) for k, p in mob["platforms"].items()}),
            ts_share=trend(v["frontend"]["typescript_share"], t),
            remote=piecewise(workplace["remote"], t), hybrid=piecewise(workplace["hybrid"], t),
            probs=probs,
            pay_share={cc: trend(c["salary"]["share"], t) for cc, c in self.countries.items()},
        )

    # -- technologies ---------------------------------------------------------------------------

    def stack(self, m: Month, family: str) -> Stack:
        """Which technologies a posting of this family names, and in which written forms."""
        rng, s, p = self.rng, Stack(), m.probs
        if family == "mobile":
            return self._mobile_stack(m)
        if family != "frontend":
            s.lang = m.languages[family if family in m.languages else "backend"].pick(rng)
            s.lang_form = self.forms[s.lang].pick(rng)
            if family in ("backend", "fullstack", "other") or rng.random() < 0.3:
                s.fw = m.frameworks[s.lang].pick(rng)
        if family in ("fullstack", "frontend"):
            fe_lang = "TypeScript" if rng.random() < m.ts_share else "JavaScript"
            fe_form = self.forms[fe_lang + "-fe"].pick(rng)
            s.fe = m.frontend.pick(rng)
            if family == "frontend":
                s.lang, s.lang_form = fe_lang, fe_form
                s.extra += [s.fe] + (["HTML", "CSS"] if rng.random() < 0.6 else [])
            else:
                if fe_lang != s.lang or rng.random() < 0.5:
                    s.extra.append(fe_form)
                s.extra.append(s.fe)
        if family in ("backend", "fullstack", "other") and rng.random() < 0.22:
            second = m.languages["backend"].pick(rng)
            if second != s.lang:
                s.extra.append(self.forms[second].pick(rng))
        db_count = {"frontend": 0, "devops": 1, "data": 2}.get(family, 3)
        if db_count:
            n_db = min(db_count, rng.choices((0, 1, 2, 3), (0.12, 0.45, 0.3, 0.13))[0])
            self._databases(m, s, n_db)
        cloud_p = p["cloud_any"] * {"devops": 1.4, "data": 1.2, "frontend": 0.5}.get(family, 1.0)
        if rng.random() < cloud_p:
            s.cloud = m.cloud.pick(rng)
        infra = ("Redis", "Kafka", "RabbitMQ", "Docker", "Kubernetes", "Terraform", "Jenkins",
                 "GitHub Actions", "GitLab CI", "GraphQL", "Git", "Nginx")
        boost = 2.0 if family == "devops" else 0.5 if family == "frontend" else 1.0
        for name in infra:
            if rng.random() < min(0.9, p[name] * boost):
                s.extra.append(self.forms[name].pick(rng) if name in self.forms else name)
        group = {"data": "data_tools", "devops": "devops_tools"}.get(family)
        if group:
            s.extra += [k for k in self.v[group] if rng.random() < p[k]]
        return s

    def _databases(self, m: Month, s: Stack, n_db: int) -> None:
        rng = self.rng
        affinity = {"PHP": "MySQL", "C#": "SQL Server", "Java": "Oracle", "Ruby": "PostgreSQL"}
        while len(s.dbs) < n_db:
            db = m.databases.pick(rng)
            if not s.dbs and s.lang in affinity and rng.random() < 0.35:
                db = affinity[s.lang]
            if db not in s.dbs:
                s.dbs.append(db)
                s.db_forms.append(self.forms[db].pick(rng))

    def _mobile_stack(self, m: Month) -> Stack:
        rng, s = self.rng, Stack()
        platform = m.mobile.pick(rng)
        s.title = rng.choice(self.v["mobile"]["titles"][platform])
        if platform == "ios":
            s.lang = s.lang_form = "Swift"
            s.extra += ["SwiftUI" if m.t > 2020 and rng.random() < 0.6 else "UIKit"]
            s.extra += ["Objective-C"] if rng.random() < m.probs["objective_c"] else []
        elif platform == "android":
            s.lang = s.lang_form = "Kotlin" if rng.random() < m.probs["kotlin"] else "Java"
            s.extra += ["Android SDK"] + (["Jetpack Compose"] if m.t > 2021.5 else [])
        elif platform == "flutter":
            s.lang = s.lang_form = "Dart"
            s.extra.append("Flutter")
        else:
            s.lang = "TypeScript" if rng.random() < m.ts_share else "JavaScript"
            s.lang_form = self.forms[s.lang + "-fe"].pick(rng)
            s.extra.append("React Native")
        if rng.random() < 0.3:
            s.extra.append("Firebase")
        return s

    def cloud_phrase(self, s: Stack) -> str:
        """How the posting writes its cloud: the name, name + services, or services alone."""
        rng, spec = self.rng, self.v["cloud"][s.cloud]
        name = self.cloud_names[s.cloud].pick(rng)
        for i, db in enumerate(s.dbs):
            managed = spec["managed_db"].get(db)
            if managed and rng.random() < 0.35:
                s.db_forms[i] = managed
                break
        r = rng.random()
        services = rng.sample(spec["services"], rng.randint(1, 3))
        if r < 0.45:
            return name
        if r < 0.8:
            return f"{name} ({', '.join(services)})"
        if s.cloud == "AWS":
            services = ["AWS Lambda" if x == "Lambda" else x for x in services]
        return ", ".join(services)

    # -- the posting ----------------------------------------------------------------------------

    def posting(self, m: Month, year: int) -> dict:
        """One raw record (without id, date and url, which the caller sets in date order)."""
        rng = self.rng
        cc = self.country_pick.pick(rng)
        c = self.countries[cc]
        r, lang_mix = rng.random(), c.get("lang", {})
        lang = "de" if r < lang_mix.get("de", 0) else "fr" if r < lang_mix.get("fr", 0) else "en"
        family, seniority = self.family_pick.pick(rng), self.seniority_pick.pick(rng)
        if seniority == "intern" and family not in ("backend", "fullstack", "data", "frontend"):
            family = "backend"
        s = self.stack(m, family)
        cloud = self.cloud_phrase(s) if s.cloud else None
        if cloud and rng.random() < 0.1:
            other = m.cloud.pick(rng)
            if other != s.cloud:
                cloud += f" or {self.cloud_names[other].pick(rng)}"
        r = rng.random()
        workplace = "remote" if r < m.remote else "hybrid" if r < m.remote + m.hybrid else "onsite"
        city, region = rng.choice(c["cities"])
        location = self._location(c, workplace, city, region)
        employment = self._employment(c, seniority)
        company, industry, stage = rng.choices(*self.companies[cc])[0]
        title = self._title(cc, lang, family, seniority, s, employment)
        salary, salary_text = self._salary(m, cc, c, seniority, employment, year, lang)
        description = self._description(lang, title, company, industry, stage, city, c, s, cloud,
                                        workplace, salary_text, year)
        record = {"title": title, "company": company, "location": location}
        if rng.random() < self.v["workplace"]["label_share"]:
            record["workplace"] = {"remote": "Remote", "hybrid": "Hybrid",
                                   "onsite": "On-site"}[workplace]
        record |= {"employment": employment, "salary": salary, "description_html": description}
        return record

    def _location(self, c: dict, workplace: str, city: str, region: str) -> str:
        rng = self.rng
        if workplace == "remote" and rng.random() < 0.75:
            return rng.choice(c["remote"])
        forms = c["hybrid"] if workplace == "hybrid" and rng.random() < 0.6 else c["onsite"]
        return rng.choice(forms).format(city=city, region=region)

    def _employment(self, c: dict, seniority: str) -> str:
        rng = self.rng
        if seniority == "intern":
            return "Internship" if rng.random() < 0.9 else "Part-time"
        r = rng.random()
        if r < c.get("contract", {}).get("share", 0.04):
            return "Contract"
        return "Part-time" if r > 0.98 else "Full-time"

    def _title(self, cc: str, lang: str, family: str, seniority: str, s: Stack,
               employment: str) -> str:
        rng, v = self.rng, self.v
        titles = v["titles"] if lang == "en" else v[f"titles_{lang}"]
        words = v["seniority"]["words"] if lang == "en" else v[f"seniority_words_{lang}"]
        if seniority == "intern" and family in ("backend", "fullstack") and s.lang:
            template = rng.choice(titles["intern"])
        elif s.title:
            template = s.title
        elif family in titles:
            template = rng.choice(titles[family])
        else:
            template = rng.choice(v["titles"][family])
        sen = rng.choice(words[seniority])
        if seniority == "intern" and "{sen}" in template:
            sen = ""
            template += " Intern"
        lang_name = html.unescape(s.lang_form or s.lang or "Software")
        title = template.format(sen=sen, lang=lang_name, team=rng.choice(v["titles"]["teams"]),
                                fe=s.fe or "React")
        if lang == "en" and family in ("backend", "fullstack") and s.lang and "(" not in title \
                and lang_name not in title and rng.random() < 0.12:
            title += f" ({lang_name})"
        if employment == "Contract" and rng.random() < 0.35:
            title += rng.choice((" (Contract)", " - Contract", " - 6 month contract"))
        if lang == "en" and cc == "DE" and rng.random() < 0.5:
            title += " (m/w/d)"
        return _SPACES.sub(" ", title).strip()

    # -- salary ---------------------------------------------------------------------------------

    def _salary(self, m: Month, cc: str, c: dict, seniority: str, employment: str, year: int,
                lang: str) -> tuple[dict | None, str | None]:
        """The structured salary or the salary text (or neither) of a posting."""
        rng = self.rng
        if rng.random() >= m.pay_share[cc]:
            return None, None
        contract = employment == "Contract" and "contract" in c
        spec = c["contract"] if contract else c["salary"]
        period = spec["period"]
        mult = (CONTRACT_PAY if contract else SENIORITY_PAY)[seniority]
        mid = spec["mid"] * mult * (1 + PAY_GROWTH) ** (m.t - 2024.5)
        mid *= math.exp(rng.gauss(0, 0.12))
        if period == "yearly" and not contract and rng.random() < spec.get("monthly_share", 0):
            period, mid = "monthly", mid / 12
        if employment == "Part-time" and period == "yearly":
            mid *= 0.6
        spread = rng.uniform(0.07, 0.2)
        lo, hi = _round_pay(mid * (1 - spread), period), _round_pay(mid * (1 + spread), period)
        currency = spec["currency"]
        if rng.random() < 0.5:
            return {"min": lo, "max": hi, "currency": currency, "period": period}, None
        return None, salary_text(rng, currency, period, lo, hi, lang, contract)

    # -- description ----------------------------------------------------------------------------

    def _description(self, lang: str, title: str, company: str, industry: str, stage: str,
                     city: str, c: dict, s: Stack, cloud: str | None, workplace: str,
                     salary: str | None, year: int) -> str:
        rng = self.rng
        ph = self.v["phrases"][lang]
        en = self.v["phrases"]["en"]
        parts = [rng.choice(ph["intro"]).format(
            company=company, stage=stage, industry=industry, city=city,
            audience=rng.choice(en["audiences"]),
            stage_de=rng.choice(self.v["phrases"]["de"]["stages"]),
            stage_fr=rng.choice(self.v["phrases"]["fr"]["stages"]))]
        if lang == "en":
            parts.append(rng.choice(en["role"]).format(
                title=html.escape(_CONTRACT.sub("", title), quote=False),
                team=rng.choice(self.v["titles"]["teams"])))

        db = s.db_forms[0] if s.db_forms else None
        extras = list(s.extra) + s.db_forms[1:] + ([cloud] if cloud else [])
        rng.shuffle(extras)
        nice = []
        if extras and rng.random() < 0.45:
            nice = extras[: rng.randint(1, min(2, len(extras)))]
            extras = extras[len(nice):]
        slash = bool(s.lang_form and (s.fw or db)) and rng.random() < 0.45

        duties = rng.sample(ph["duties"], rng.randint(2, 3))
        fills = {"lang": s.lang_form, "fw": s.fw, "db": db, "cloud": cloud}
        usable = [d for d in ph["duty_tech"] if all(fills[k] for k in _fields(d))]
        if usable and rng.random() < 0.7:
            duties.insert(rng.randint(0, len(duties)), rng.choice(usable).format(**fills))
        parts.append(rng.choice(ph["headings"]["duties"]) + _ul(duties))

        reqs = []
        if s.lang_form:
            templates = [t for t in ph["req_lang"] if s.fw or "{fw}" not in t]
            req = rng.choice(templates)
            reqs.append(req.format(lang=s.lang_form, fw=s.fw, years=rng.randint(2, 6)))
            fw_placed = "{fw}" in req
        else:
            fw_placed = True
        if db:
            reqs.append(rng.choice(ph["req_db"]).format(db=db))
        if s.fw and not fw_placed and not slash:
            extras.insert(0, s.fw)
        leftover = []
        for tech in extras:
            if rng.random() < 0.4:
                reqs.append(rng.choice(ph["req_misc"]).format(tech=tech))
            else:
                leftover.append(tech)
        reqs += rng.sample(ph["req_generic"], rng.randint(1, 2))
        parts.append(rng.choice(ph["headings"]["reqs"]) + _ul(reqs))
        if nice:
            parts.append(rng.choice(ph["nice_head"]) + _ul(nice))
        if slash or leftover:
            head = "/".join(x for x in (s.lang_form, s.fw, db) if x) if slash else ""
            items = ([head] if head else []) + leftover
            parts.append(rng.choice(ph["stack_intro"]).format(list=", ".join(items)))

        area = c["area"]
        parts.append(rng.choice(ph[workplace]).format(city=city, area=area))
        if rng.random() < 0.5:
            parts.append(rng.choice(ph["headings"]["benefits"])
                         + _ul(rng.sample(ph["benefits"], rng.randint(2, 4))))
        if salary:
            if rng.random() < 0.1:
                salary = salary.replace("€", "&euro;").replace("£", "&pound;")
            parts.append(rng.choice(ph["salary_wrap"]).format(salary=salary))
        else:
            parts.append(rng.choice(ph["no_salary"]))
        if lang == "en" and rng.random() < self.v["traps"]["share"]:
            trap = self._trap(s, year)
            parts.insert(rng.randint(1, len(parts)), trap)
        parts.append(rng.choice(ph["closing"]))
        return "".join(p for p in parts if p)

    def _trap(self, s: Stack, year: int) -> str:
        rng = self.rng
        while True:
            trap = rng.choice(self.v["traps"]["sentences"])
            if ("PHP" in trap and s.lang == "PHP") or ("Java," in trap and s.lang == "Java"):
                continue
            return trap.format(next_year=year + 1)


def _fields(template: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", template)


def _ul(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"


def _round_pay(amount: float, period: str) -> int:
    """Round pay the way postings do: yearly to 1k (5k above 100k), monthly to 100 or 500."""
    step = {"hourly": 5, "daily": 25}.get(period)
    if step is None:
        if period == "monthly":
            step = 500 if amount >= 10_000 else 100
        else:
            step = 100_000 if amount >= 1_000_000 else 5_000 if amount >= 100_000 else 1_000
    return int(max(step, round(amount / step) * step))


def _n(x: int, sep: str = ",") -> str:
    return f"{x:,}".replace(",", sep)


def _k(x: int) -> str:
    return f"{x / 1000:g}"


def salary_text(rng: random.Random, currency: str, period: str, lo: int, hi: int, lang: str,
                contract: bool) -> str:
    """A salary range written the way postings in that currency and period write it."""
    mid = int(round((lo + hi) / 2 / 5) * 5)
    forms: list[str]
    if currency == "USD" and period == "hourly":
        forms = [f"${mid}/hr", f"${lo}–{hi} per hour", f"${lo}-${hi}/hour (W2 contract)"]
    elif currency == "USD":
        forms = [f"${_k(lo)}-{_k(hi)}K + equity", f"${_n(lo)} - ${_n(hi)}",
                 f"${_k(lo)}k–${_k(hi)}k", f"USD {_n(lo)}–{_n(hi)} per year",
                 f"${_n(lo)} to ${_n(hi)} annually"]
    elif currency == "GBP" and period == "daily":
        forms = [f"£{mid}/day outside IR35", f"£{lo}-£{hi} per day", f"£{mid} p/d inside IR35"]
    elif currency == "GBP":
        forms = [f"£{_n(lo)} - £{_n(hi)} per annum", f"£{_k(lo)}k-£{_k(hi)}k + benefits",
                 f"Up to £{_n(hi)}", f"£{_n(lo)}–£{_n(hi)} DOE"]
    elif currency == "EUR" and period == "hourly":
        forms = [f"€{lo}–{hi}/hour", f"{mid} €/Stunde" if lang == "de" else f"€{mid} per hour"]
    elif currency == "EUR" and period == "monthly":
        forms = [f"{_n(lo, '.')} – {_n(hi, '.')} € brutto/Monat",
                 f"{_n(lo, '.')} € bis {_n(hi, '.')} € brutto monatlich"]
    elif currency == "EUR" and lang == "de":
        forms = [f"{_n(lo, '.')} – {_n(hi, '.')} € brutto/Jahr",
                 f"{_n(lo, '.')} € - {_n(hi, '.')} € p.a.", f"€{_k(lo)}k–€{_k(hi)}k"]
    elif currency == "EUR" and lang == "fr":
        forms = [f"{_k(lo)} - {_k(hi)} K€ brut annuel",
                 f"Entre {_n(lo, ' ')} € et {_n(hi, ' ')} € bruts annuels"]
    elif currency == "EUR":
        forms = [f"€{_k(lo)}k–€{_k(hi)}k", f"€{_n(lo)} - €{_n(hi)} per year",
                 f"EUR {_n(lo)}–{_n(hi)} gross per year"]
    elif currency == "CHF":
        forms = [f"CHF {_n(lo, chr(39))} – {_n(hi, chr(39))}", f"CHF {_k(lo)}k-{_k(hi)}k",
                 f"{_n(lo, chr(39))} - {_n(hi, chr(39))} CHF p.a."]
    elif currency == "SEK":
        forms = [f"SEK {_n(lo)}–{_n(hi)} per month", f"{_n(lo, ' ')} – {_n(hi, ' ')} kr/månad"]
    elif currency == "PLN":
        forms = ([f"{_n(lo, ' ')} - {_n(hi, ' ')} PLN/month (B2B)"] if contract else
                 [f"PLN {_n(lo)}–{_n(hi)} gross per month",
                  f"{_n(lo, ' ')} – {_n(hi, ' ')} zł brutto"])
    elif currency == "INR":
        lakh_lo, lakh_hi = round(lo / 100_000), round(hi / 100_000)
        forms = [f"₹{lakh_lo}-{lakh_hi} LPA", f"{lakh_lo}–{lakh_hi} LPA",
                 f"INR {_indian(lo)} - {_indian(hi)} per annum",
                 f"Rs. {lakh_lo} - {lakh_hi} Lakhs per annum"]
    elif currency == "BRL":
        forms = [f"R$ {_n(lo, '.')} - R$ {_n(hi, '.')} por mês", f"BRL {_n(lo)}–{_n(hi)}/month"]
    elif currency == "CAD":
        forms = [f"CA${_n(lo)} - CA${_n(hi)}", f"${_k(lo)}k-${_k(hi)}k CAD",
                 f"${_n(lo)} – ${_n(hi)} CAD per year"]
    elif currency == "AUD":
        forms = [f"A${_k(lo)}k–{_k(hi)}k + super", f"${_n(lo)} - ${_n(hi)} AUD + super"]
    elif currency == "SGD":
        forms = [f"SGD {_n(lo)} - {_n(hi)} per month", f"S${_k(lo)}k–{_k(hi)}k/month"]
    else:
        forms = [f"{currency} {_n(lo)} - {_n(hi)} ({period})"]
    return rng.choice(forms)


def _indian(x: int) -> str:
    """A figure in Indian digit grouping: 15,00,000."""
    s = str(x)
    head, tail = s[:-3], s[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join(([head] if head else []) + groups + [tail])


def _slug(title: str) -> str:
    return _SLUG.sub("-", title.lower()).strip("-")[:60]


def _spoil(rng: random.Random, record: dict, kind: int) -> None:
    """Make a record deliberately bad, so quarantine has real work: three kinds in turn."""
    if kind == 0:
        if rng.random() < 0.5:
            del record["title"]
        else:
            record["title"] = "  "
    elif kind == 1:
        record["published_at"] = rng.choice(("2021-02-30T09:00:00Z", "yesterday", "13/07/2019",
                                             ""))
    else:
        record["salary"] = {"min": 120000, "max": 90000, "currency": "USD", "period": "yearly"}


def repost(rng: random.Random, body: dict) -> dict:
    """An earlier posting advertised again: the same record, or with REPOST_LINE added (once:
    body may be a repost already)."""
    again = dict(body)
    if rng.random() < 0.5:
        again["description_html"] = body["description_html"].removesuffix(REPOST_LINE) \
            + REPOST_LINE
    return again


def last_posting_date(until: dt.date | None, today: dt.date | None = None) -> dt.date:
    """The last day postings may carry: the end of until's month, but never after today."""
    today = today or dt.date.today()
    until = until or today
    end = dt.date(until.year, until.month, calendar.monthrange(until.year, until.month)[1])
    return min(end, today)


def records(seed: int = 7, n: int = 60000, until: dt.date | None = None):
    """Yield (year, record) for the whole sample, in date order; until's month is included."""
    until = last_posting_date(until)
    gen = Generator(seed)
    rng = gen.rng
    # reposts are drawn apart from gen's draws, so every other posting is what it would be
    # without them
    reposts = random.Random(seed * 1_000_003 + 17)
    months = month_list(until)
    counts = month_volumes(n, months, until)
    bad = spoiled_rows(rng, n, max(3, round(n * BAD_RECORD_SHARE)) if n >= 100 else 0)
    index = 0
    for (year, month), count in zip(months, counts, strict=True):
        last_day = calendar.monthrange(year, month)[1]
        if (year, month) == (until.year, until.month):
            last_day = until.day
        for stamp, body in month_postings(gen, reposts, year, month, count, last_day):
            index += 1
            record = _record(f"smp-{index:06d}", stamp, body)
            if index - 1 in bad:
                _spoil(rng, record, bad[index - 1])
            yield year, record


def spoiled_rows(rng: random.Random, n: int, n_bad: int) -> dict[int, int]:
    """Which of n records to break (n_bad of them, drawn by rng) and how (_spoil's kind 0-2, in
    turn)."""
    return {i: k % 3 for k, i in enumerate(sorted(rng.sample(range(n), n_bad)))}


def month_postings(gen: Generator, reposts: random.Random, year: int, month: int, count: int,
                   last_day: int) -> list[tuple[dt.datetime, dict]]:
    """``count`` postings of one month as (time, body), in time order, dated up to ``last_day``;
    some repeat an earlier one of the month (``reposts`` draws them, apart from ``gen``)."""
    m, rng = gen.month(year, month), gen.rng
    batch: list[tuple[dt.datetime, dict]] = []
    for _ in range(count):
        stamp = dt.datetime(year, month, rng.randint(1, last_day), rng.randint(6, 20),
                            rng.randrange(60), rng.randrange(60))
        body = gen.posting(m, year)
        if batch and reposts.random() < REPOST_SHARE:
            body = repost(reposts, reposts.choice(batch)[1])
        batch.append((stamp, body))
    batch.sort(key=lambda pair: pair[0])
    return batch


def _record(sid: str, stamp: dt.datetime, body: dict) -> dict:
    record = {"id": sid, "published_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ")} | body
    record["url"] = f"{URL_BASE}/{sid}-{_slug(body['title'])}"
    return record


def month_records(seed: int, year: int, month: int, count: int, prefix: str) -> list[dict]:
    """A month of ``count`` postings on its own, as a month of a sample of any size would hold
    them (reposts and broken records in the same shares), ids ``prefix`` and a number: the
    month `python -m etl.bench --append-at N` appends to a warehouse scaled up to N."""
    gen, reposts = Generator(seed), random.Random(seed * 1_000_003 + 17)
    postings = month_postings(gen, reposts, year, month, count,
                              calendar.monthrange(year, month)[1])
    bad = spoiled_rows(gen.rng, count, round(count * BAD_RECORD_SHARE))
    out = []
    for i, (stamp, body) in enumerate(postings):
        record = _record(f"{prefix}{i + 1:07d}", stamp, body)
        if i in bad:
            _spoil(gen.rng, record, bad[i])
        out.append(record)
    return out


README = """# Embedded synthetic sample

**Everything in this folder is synthetic.** The postings, companies, salaries and links are
invented by `python -m etl sample` (etl/sample.py, vocabulary in etl/data/sample_vocab.toml) so
that Hiring Radar can be built and tried without real data. No figure here describes the real
labour market, even though the trends were shaped to resemble published ones.

- seed: {seed}, postings: {n}, months: 2016-01 to {until}
- files: `postings-YYYY.jsonl.gz`, one JSON object per line (gzip, fixed mtime: same seed,
  same bytes)
- fields: `id`, `published_at` (ISO 8601, UTC), `title`, `company`, `location` (text),
  `workplace` (the board's label, sometimes missing), `employment`, `salary`
  (`min`/`max`/`currency`/`period`, or null; many postings state pay only in the description, most
  not at all), `description_html`, `url`
- about 5% of the postings repeat an earlier one of the same month under a new id (half word
  for word, half with a line added), as job boards repost: the build counts each once
- about 0.1% of the records are deliberately broken (no title, unparseable date, salary minimum
  above maximum) so that the quarantine step has something to do.
"""


def write_sample(out_dir: Path, seed: int = 7, n: int = 60000,
                 until: dt.date | None = None) -> Path:
    """Write the synthetic raw sample as one gzip JSON Lines file per year; returns out_dir.

    ``until`` names the last month (any day of it; default: this month); it is written in full,
    except that no posting is dated after today.
    """
    until = last_posting_date(until)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob(FILE_PATTERN.format(year="*")):
        old.unlink()
    year, raw, gz = None, None, None
    try:
        for rec_year, record in records(seed, n, until):
            if rec_year != year:
                if gz:
                    gz.close()
                    raw.close()
                year = rec_year
                raw = (out_dir / FILE_PATTERN.format(year=year)).open("wb")
                gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
            gz.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
    finally:
        if gz:
            gz.close()
            raw.close()
    (out_dir / "README.md").write_text(
        README.format(seed=seed, n=n, until=f"{until:%Y-%m}"), encoding="utf-8")
    return out_dir
