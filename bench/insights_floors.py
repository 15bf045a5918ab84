"""The floors of bench/insights.py: for each dashboard section, the best hand-written SQL we could write for the
same figures, and how to read the same figures out of the section's result to check they agree.

A floor reads the same tables as the section: the dashboard counts young people from its summary table
(insights_participation, one row per young person and year; musichub/insights/summaries.py), so the floors
do too; everything else comes from the records. It answers the whole hub's figures for a year (no filter). Each
floor is one `Floor`: `run(filters)` executes its SQL through `connection.cursor()` and returns the figures as
plain data; `differences(section, floor)` lists where the section's figures are not the floor's (printed as
`differs:` lines; nothing when they agree).

The hand-written SQL does the least work we know for each figure: one pass per table with conditional counts
(`FILTER`), `GROUPING SETS` where the section asks twice (the characteristics and the schools of the same
participants), semi-joins (`IN`/`EXISTS`, hashed) rather than `COUNT(DISTINCT …)` over joins.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection

from musichub.core.privacy import suppress_count

TZ = (
    "Europe/London"  # settings.TIME_ZONE: a timestamp's day is its day there, as TruncDate and __date have it
)
LIVE = ["published", "full", "finished"]
ENROLLED_ACTIONS = ["enrolled", "accepted", "allocated_a_place"]
UNKNOWN = ("not_known", "prefer_not_to_say")
ETHNIC_GROUPS = ("asian", "black", "mixed", "white", "other")
TERM_DAYS, YEAR_DAYS = 13 * 7, 52 * 7


@dataclass
class Floor:
    sql: object  # (filters) -> dict of figures
    figures: object  # (section result) -> dict of the same figures

    def run(self, filters) -> dict:
        if filters.is_filtered:
            raise ValueError("the floors answer the whole hub's figures for a year")
        return self.sql(filters)

    def differences(self, section: dict, floor: dict) -> list[str]:
        if section is None or floor is None:
            return []
        mine = self.figures(section)
        found = []
        for key in sorted(set(mine) | set(floor), key=str):
            if mine.get(key) != floor.get(key):
                found.append(f"{key}: section {mine.get(key)!r}, SQL {floor.get(key)!r}")
        return found[:12] + ([f"… and {len(found) - 12} more"] if len(found) > 12 else [])


def _all(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchall()


def _period(year: int) -> tuple[date, date]:
    return date(year, 9, 1), date(year + 1, 8, 31)


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


# The as-of date of the census used for a year: the latest on or before its last day, else the earliest.
AS_OF = (
    "COALESCE((SELECT max(as_of) FROM people_populationfigure WHERE as_of <= %(last)s), "
    "(SELECT min(as_of) FROM people_populationfigure))"
)

# ---- Reach against the city ---------------------------------------------------------------------------------

# (characteristic, known condition, [(group, condition, population (characteristic, value) or None)],
#  population base: [(characteristic, value)]) — as selectors.REACH_CHARACTERISTICS words them in Python.
REACH = [
    ("fsm", "fsm IN ('yes', 'no')", [("yes", "fsm = 'yes'", ("fsm", ""))], [("all", "")]),
    (
        "send",
        "send IN ('none', 'sen_support', 'ehcp')",
        [
            ("sen_support", "send = 'sen_support'", ("sen_support", "")),
            ("ehcp", "send = 'ehcp'", ("ehcp", "")),
        ],
        [("all", "")],
    ),
    ("eal", "eal IN ('yes', 'no')", [("yes", "eal = 'yes'", ("eal", ""))], [("all", "")]),
    (
        "ethnic_group",
        "ethnicity NOT IN ('not_known', 'prefer_not_to_say')",
        [(g, f"ethnicity LIKE '{g}\\_%%'", ("ethnic_group", g)) for g in ETHNIC_GROUPS],
        [("ethnic_group", g) for g in ETHNIC_GROUPS],
    ),
    (
        "sex",
        "sex IN ('female', 'male')",
        [("female", "sex = 'female'", ("sex", "female")), ("male", "sex = 'male'", ("sex", "male"))],
        [("sex", "female"), ("sex", "male")],
    ),
    (
        "care_experienced",
        "care_experienced IN ('yes', 'no')",
        [("yes", "care_experienced = 'yes'", None)],
        [],
    ),
    ("imd_decile", "imd_decile IS NOT NULL", [(str(n), f"imd_decile = {n}", None) for n in range(1, 11)], []),
]


def reach_sql(filters) -> dict:
    first, last = _period(filters.year)
    counts = ["count(*)"]
    for _key, known, groups, _base in REACH:
        counts.append(f"count(*) FILTER (WHERE {known})")
        counts += [f"count(*) FILTER (WHERE {condition})" for _g, condition, _p in groups]
    # One pass over the year's summary: every count by school, added up for the whole year. (Faster than
    # GROUPING SETS ((), (school_id)), which evaluates every count twice a row, or than two scans.)
    columns = ", ".join(f"{count} AS c{i}" for i, count in enumerate(counts))
    ((*whole, by_school),) = _all(
        f"WITH s AS (SELECT school_id, {columns} FROM insights_participation "
        "WHERE year = %(year)s AND every_activity AND took_part GROUP BY school_id) "
        f"SELECT {', '.join(f'sum(c{i})::int' for i in range(len(counts)))}, "
        "json_object_agg(COALESCE(school_id, 0), c0) FROM s",
        {"year": filters.year},
    )
    # The year's census: by characteristic and value, and pupils by school (with the school's name).
    census = _all(
        f"WITH d AS (SELECT {AS_OF} AS as_of) "
        "SELECT p.characteristic, p.value, NULL::int, NULL, sum(p.pupils)::int FROM people_populationfigure p "
        "WHERE p.as_of = (SELECT as_of FROM d) GROUP BY p.characteristic, p.value UNION ALL "
        "SELECT NULL, NULL, p.school_id, s.name, sum(p.pupils)::int FROM people_populationfigure p "
        "JOIN people_school s ON s.id = p.school_id WHERE p.as_of = (SELECT as_of FROM d) "
        "AND p.characteristic = 'all' GROUP BY p.school_id, s.name",
        {"last": last},
    )
    pupils = {(c, v): n for c, v, school, _name, n in census if school is None}
    on_roll = {school: n for _c, _v, school, _name, n in census if school is not None}
    figures = {"participants": whole[0] or 0, "population_pupils": pupils.get(("all", ""), 0)}
    position = 1
    for key, _known, groups, base in REACH:
        known = whole[position] or 0
        base_pupils = sum(pupils.get(b, 0) for b in base) if base else None
        for index, (value, _condition, population) in enumerate(groups, start=1):
            figures[(key, value)] = (
                whole[position + index] or 0,
                known,
                pupils.get(population, 0) if population else None,
                base_pupils if population else None,
            )
        position += 1 + len(groups)
    by_school = {int(school): n for school, n in (by_school or {}).items() if school != "0"}
    for school in set(by_school) | set(on_roll):
        figures[("school", school)] = (by_school.get(school, 0), on_roll.get(school))
    return figures


def reach_figures(section: dict) -> dict:
    figures = {"participants": section["participants"], "population_pupils": section["population_pupils"]}
    for char in section["characteristics"]:
        for row in char["rows"]:
            if char["key"] == "school":
                figures[("school", int(row["value"]))] = (row["participants"], row["population"])
            else:
                figures[(char["key"], row["value"])] = (
                    row["participants"],
                    row["known"],
                    row["population"],
                    row["population_base"],
                )
    return figures


# ---- Schools ------------------------------------------------------------------------------------------------


def schools_sql(filters) -> dict:
    first, last = _period(filters.year)
    params = {
        "first": first,
        "last": last,
        "year": filters.year,
        "live": LIVE,
        "tz": TZ,
        "actions": ENROLLED_ACTIONS,
    }
    # How each open school took part: hashed semi-joins, one pass over the schools.
    ((total, whole_class, in_school, pupils, active),) = _all(
        "SELECT count(*), count(*) FILTER (WHERE wc), count(*) FILTER (WHERE ins), count(*) FILTER (WHERE pup), "
        "count(*) FILTER (WHERE wc OR ins OR pup) FROM (SELECT "
        "s.id IN (SELECT school_id FROM offer_wholeclassprogramme WHERE starts_on <= %(last)s "
        "AND ends_on >= %(first)s) AS wc, "
        "s.id IN (SELECT os.school_id FROM offer_opportunity_schools os JOIN offer_opportunity o "
        "ON o.id = os.opportunity_id WHERE o.setting = 'in_school' AND o.status = ANY(%(live)s) "
        "AND o.first_date <= %(last)s AND o.last_date >= %(first)s) AS ins, "
        "s.id IN (SELECT school_id FROM insights_participation WHERE year = %(year)s AND every_activity "
        "AND took_part) AS pup FROM people_school s WHERE s.is_open) x",
        params,
    )
    # Whole-class coverage by year group against pupils on roll in the year's census.
    coverage = _all(
        "SELECT t.year_group, t.schools, t.classes, t.pupils, (SELECT sum(p.pupils) FROM people_populationfigure p "
        f"WHERE p.as_of = {AS_OF} AND p.characteristic = 'all' AND p.year_group = t.year_group) "
        "FROM (SELECT year_group, count(DISTINCT school_id) AS schools, count(*) AS classes, sum(pupils) AS pupils "
        "FROM offer_wholeclassprogramme WHERE starts_on <= %(last)s AND ends_on >= %(first)s GROUP BY year_group) t",
        params,
    )
    # Programmes starting in the year, their pupils, and the listed pupils who went on to another activity.
    ((programmes, taught),) = _all(
        "SELECT count(*), COALESCE(sum(pupils), 0) FROM offer_wholeclassprogramme "
        "WHERE starts_on BETWEEN %(first)s AND %(last)s",
        params,
    )
    # Continuation, as the summaries keep it (listed on a programme starting in the year; went on).
    ((listed, continued),) = _all(
        "SELECT count(*), count(*) FILTER (WHERE continued) FROM insights_participation WHERE year = %(year)s "
        "AND every_activity AND listed_on IS NOT NULL",
        params,
    )
    figures = {
        "open_schools": total,
        "active": active,
        "by_route": {"whole_class": whole_class, "in_school": in_school, "pupils": pupils},
        "whole_class_programmes": programmes,
        "whole_class_pupils": taught,
        "listed": listed,
        "continued": continued,
    }
    for group, schools, classes, pupils_taught, on_roll in coverage:
        figures[("coverage", group)] = (schools, classes, pupils_taught, on_roll)
    return figures


def schools_figures(section: dict) -> dict:
    figures = {
        key: section[key]
        for key in ("open_schools", "active", "by_route", "whole_class_programmes", "whole_class_pupils")
    }
    figures["listed"], figures["continued"] = section["listed"], section["continued"]
    for row in section["coverage"]:
        figures[("coverage", row["year_group"])] = (
            row["schools"],
            row["classes"],
            row["pupils"],
            row["on_roll"],
        )
    return figures


# ---- Tastes and barriers ------------------------------------------------------------------------------------


def tastes_sql(filters) -> dict:
    first, last = _period(filters.year)
    params = {
        "first": first,
        "last": last,
        "start": f"{first} 00:00",
        "end": f"{last + timedelta(days=1)} 00:00",
        "tz": TZ,
        "live": LIVE,
    }
    # Whose tastes and barriers count, with no filter: young people registered by the year's end.
    registered = (
        "SELECT id FROM people_youngperson WHERE created_at < (%(end)s::timestamp AT TIME ZONE %(tz)s)"
    )
    start = "(%(start)s::timestamp AT TIME ZONE %(tz)s)"
    end = "(%(end)s::timestamp AT TIME ZONE %(tz)s)"
    genres = _all(
        f"""
        SELECT g.id, g.name, COALESCE(f.n, 0), COALESCE(w.n, 0), COALESCE(v.n, 0), COALESCE(o.offered, 0),
            COALESCE(o.unlimited, 0), COALESCE(o.places, 0)
        FROM core_genre g
        LEFT JOIN (SELECT genre_id, count(*) AS n FROM people_youngperson_genres
            WHERE youngperson_id IN ({registered}) GROUP BY genre_id) f ON f.genre_id = g.id
        LEFT JOIN (SELECT og.genre_id, count(DISTINCT e.young_person_id) AS n FROM offer_enrolment e
            JOIN offer_opportunity_genres og ON og.opportunity_id = e.opportunity_id
            WHERE e.status IN ('waiting', 'applied') AND e.created_at BETWEEN {start} AND {end}
            GROUP BY og.genre_id) w ON w.genre_id = g.id
        LEFT JOIN (SELECT genre_id, count(*) AS n FROM voice_post WHERE received_on BETWEEN %(first)s AND %(last)s
            AND moderation IN ('published', 'pending') GROUP BY genre_id) v ON v.genre_id = g.id
        LEFT JOIN (SELECT og.genre_id, count(*) AS offered, count(*) FILTER (WHERE o.capacity IS NULL) AS unlimited,
            sum(o.capacity) AS places FROM offer_opportunity o JOIN offer_opportunity_genres og
            ON og.opportunity_id = o.id WHERE o.status = ANY(%(live)s) AND o.first_date <= %(last)s
            AND o.last_date >= %(first)s GROUP BY og.genre_id) o ON o.genre_id = g.id
        """,
        params,
    )
    barriers = _all(
        "SELECT b.name, count(*), count(*) FILTER (WHERE nb.young_person_id IN (SELECT young_person_id FROM "
        f"people_supportrequest WHERE status = 'awarded' AND decided_at < {end})) "
        "FROM people_namedbarrier nb JOIN people_barrier b ON b.id = nb.barrier_id "
        f"WHERE nb.created_at BETWEEN {start} AND {end} AND nb.young_person_id IN ({registered}) GROUP BY b.name",
        params,
    )
    support = _all(
        "SELECT k.name, count(*), count(*) FILTER (WHERE sr.status = 'awarded'), "
        "count(*) FILTER (WHERE sr.status = 'declined'), count(*) FILTER (WHERE sr.status = 'requested') "
        "FROM people_supportrequest sr JOIN people_supportkind k ON k.id = sr.kind_id "
        f"WHERE sr.created_at BETWEEN {start} AND {end} AND sr.young_person_id IN ({registered}) GROUP BY k.name",
        params,
    )
    stopped = _all(
        "SELECT r.name, count(*), count(*) FILTER (WHERE f.outcome = 'coming_back'), "
        "count(*) FILTER (WHERE f.outcome = 'support'), count(*) FILTER (WHERE f.outcome = 'left'), "
        "count(*) FILTER (WHERE f.outcome = 'no_reply') FROM offer_followup f "
        f"LEFT JOIN offer_dropoutreason r ON r.id = f.reason_id WHERE f.created_at BETWEEN {start} AND {end} "
        "GROUP BY r.name",
        params,
    )
    figures = {}
    for _pk, name, fans, waiting, voices, offered, unlimited, places in genres:
        if fans or waiting or voices or offered:
            figures[("genre", name)] = (fans, waiting, voices, offered, unlimited, places)
    for name, named, supported in barriers:
        figures[("barrier", name)] = (named, supported)
    for name, *counts in support:
        figures[("support", name)] = tuple(counts)
    for name, *counts in stopped:
        figures[("stopped", name or "No reason recorded")] = tuple(counts)
    return figures


def tastes_figures(section: dict) -> dict:
    figures = {}
    for row in section["genres"]:
        keys = ("fans", "waiting", "voices", "offered", "unlimited", "places")
        figures[("genre", row["name"])] = tuple(row[k] for k in keys)
    for row in section["barriers"]:
        figures[("barrier", str(row["label"]))] = (row["named"], row["supported"])
    for row in section["support"]:
        figures[("support", str(row["label"]))] = (
            row["requested"],
            row["awarded"],
            row["declined"],
            row["waiting"],
        )
    for row in section["dropout_reasons"]:
        counts = (row["count"], row["coming_back"], row["support"], row["left"], row["no_reply"])
        figures[("stopped", str(row["label"]))] = counts
    return figures


# ---- Retention ----------------------------------------------------------------------------------------------

RETENTION_GROUPS = [("all", "TRUE")]
for _key, _known, _groups, _base in REACH:
    if _key != "imd_decile":
        RETENTION_GROUPS += [(f"{_key}__{value}", condition) for value, condition, _p in _groups]
RETENTION_GROUPS.append(("deprived_area", "imd_decile <= 2"))


def retention_sql(filters) -> dict:
    today = _today()
    counts = []
    for _key, condition in RETENTION_GROUPS:
        counts += [
            f"count(*) FILTER (WHERE {condition})",
            f"count(*) FILTER (WHERE {condition} AND began <= %(term)s)",
            f"count(*) FILTER (WHERE {condition} AND began <= %(term)s AND kept_term)",
            f"count(*) FILTER (WHERE {condition} AND began <= %(year_ago)s)",
            f"count(*) FILTER (WHERE {condition} AND began <= %(year_ago)s AND kept_year)",
        ]
    ((*row,),) = _all(
        f"SELECT {', '.join(counts)} FROM insights_participation "
        "WHERE year = %(year)s AND every_activity AND began IS NOT NULL",
        {
            "year": filters.year,
            "term": today - timedelta(days=TERM_DAYS),
            "year_ago": today - timedelta(days=YEAR_DAYS),
        },
    )
    figures = {}
    for index, (key, _condition) in enumerate(RETENTION_GROUPS):
        values = tuple(row[index * 5 : index * 5 + 5])
        if key == "all" or values[0]:
            figures[key] = values
    return figures


def retention_figures(section: dict) -> dict:
    names = ("started", "term_base", "term_kept", "year_base", "year_kept")
    return {row["key"]: tuple(row[name] for name in names) for row in section["rows"]}


# ---- Voice --------------------------------------------------------------------------------------------------

VOICE_CHARACTERISTICS = [
    ("fsm", "fsm = 'yes'"),
    ("send", "send IN ('sen_support', 'ehcp')"),
    ("disability", "disability = 'yes'"),
    ("care_experienced", "care_experienced = 'yes'"),
    ("young_carer", "young_carer = 'yes'"),
    ("eal", "eal = 'yes'"),
    (
        "global_majority",
        "ethnicity NOT LIKE 'white%%' AND ethnicity NOT IN ('not_known', 'prefer_not_to_say')",
    ),
    ("deprived_area", "imd_decile <= 2"),
]
TOPICS = ("music", "places", "cost", "sessions", "performing", "other")


def voice_sql(filters) -> dict:
    first, last = _period(filters.year)
    today = _today()
    params = {"first": first, "last": last, "today": today, "tz": TZ, "year": filters.year}
    people = ", ".join(f"count(*) FILTER (WHERE {condition})" for _key, condition in VOICE_CHARACTERISTICS)
    voices = ", ".join(
        f"count(*) FILTER (WHERE p.young_person_id IS NOT NULL AND {_on('yp', condition)})"
        for _key, condition in VOICE_CHARACTERISTICS
    )
    topics = ", ".join(f"count(*) FILTER (WHERE p.topic = '{topic}')" for topic in TOPICS)
    # The year's voices in one pass: received, answered in time, the median days to an answer, by topic, and
    # by the characteristics of the young people who posted them; the voices acted on in the year beside it.
    ((*posts,),) = _all(
        f"""
        SELECT count(*),
            count(*) FILTER (WHERE p.published_at IS NOT NULL AND (p.answered_on IS NOT NULL
                OR p.response_due_on < %(today)s)),
            count(*) FILTER (WHERE p.published_at IS NOT NULL AND (p.answered_on IS NOT NULL
                OR p.response_due_on < %(today)s) AND p.answered_on <= p.response_due_on),
            count(p.answered_on),
            percentile_cont(0.5) WITHIN GROUP (ORDER BY p.answered_on - p.received_on)
                FILTER (WHERE p.answered_on IS NOT NULL),
            count(p.young_person_id), {voices}, {topics},
            (SELECT count(*) FROM voice_post d WHERE EXISTS (SELECT 1 FROM voice_response r WHERE r.post_id = d.id
                AND r.status = 'done' AND r.state = 'published'
                AND (r.published_at AT TIME ZONE %(tz)s)::date BETWEEN %(first)s AND %(last)s))
        FROM voice_post p LEFT JOIN people_youngperson yp ON yp.id = p.young_person_id
        WHERE p.received_on BETWEEN %(first)s AND %(last)s
        """,
        params,
    )
    ((*taking_part,),) = _all(
        f"SELECT count(*), {people} FROM insights_participation WHERE year = %(year)s AND every_activity "
        "AND took_part",
        params,
    )
    n = len(VOICE_CHARACTERISTICS)
    received, base, in_time, answered, median, with_person = posts[:6]
    by_characteristic, by_topic, acted_on = posts[6 : 6 + n], posts[6 + n : 6 + n + len(TOPICS)], posts[-1]
    figures = {
        "received": received,
        "in_deadline": (in_time, base),
        "median_days": round(float(median), 1) if answered >= 5 and median is not None else None,
        "acted_on": acted_on,
        "voices_total": with_person,
        "participants_total": taking_part[0],
    }
    for (key, _condition), voices_n, people_n in zip(
        VOICE_CHARACTERISTICS, by_characteristic, taking_part[1:], strict=True
    ):
        figures[("characteristic", key)] = (voices_n, people_n)
    for topic, count in zip(TOPICS, by_topic, strict=True):
        figures[("topic", topic)] = count
    return _shown(figures)


def _on(alias: str, condition: str) -> str:
    for column in (
        "fsm",
        "send",
        "disability",
        "care_experienced",
        "young_carer",
        "eal",
        "ethnicity",
        "imd_decile",
    ):
        condition = condition.replace(f"{column} ", f"{alias}.{column} ")
    return condition


def _shown(figures: dict) -> dict:
    """The voice figures as the section shows them (it is always suppressed: its figures are public)."""
    shown = {}
    for key, value in figures.items():
        if key in ("median_days",):
            shown[key] = value
        elif isinstance(value, tuple):
            shown[key] = tuple(suppress_count(v) for v in value)
        else:
            shown[key] = suppress_count(value)
    return shown


def voice_figures(section: dict) -> dict:
    figures = section["figures"]
    shown = {
        "received": figures["received"],
        "in_deadline": (figures["in_deadline"]["in_time"], figures["in_deadline"]["base"]),
        "median_days": figures["median_days"],
        "acted_on": figures["acted_on"],
        "voices_total": section["by_characteristic"]["voices_total"],
        "participants_total": section["by_characteristic"]["participants_total"],
    }
    for row in section["by_characteristic"]["rows"]:
        shown[("characteristic", row["key"])] = (row["voices"], row["participants"])
    for (_label, count), topic in zip(section["by_topic"]["rows"], TOPICS, strict=True):
        shown[("topic", topic)] = count
    return shown


# ---- The aims and their trends ------------------------------------------------------------------------------


def aims_sql(filters) -> dict:
    # The years a trend covers: up to five to the filters' year, from the first with any activity.
    ((first_day,),) = _all(
        "SELECT LEAST((SELECT min(first_date) FROM offer_opportunity), "
        "(SELECT min(starts_on) FROM offer_wholeclassprogramme))"
    )
    first_year = first_day.year if first_day.month >= 9 else first_day.year - 1
    years = list(range(max(filters.year - 4, min(first_year, filters.year)), filters.year + 1))
    params = {
        "years": years,
        "first": date(years[0], 9, 1),
        "last": date(years[-1] + 1, 8, 31),
        "live": LIVE,
        "tz": TZ,
        "actions": ENROLLED_ACTIONS,
    }
    # Each record's academic year: the year of the day that is four months earlier (September -> January).
    year_of = "extract(year FROM ({} - interval '8 months'))::int"
    voices = _all(
        f"SELECT {year_of.format('received_on')} AS y, count(*), count(answered_on), "
        "count(*) FILTER (WHERE answer = 'done') FROM voice_post WHERE received_on BETWEEN %(first)s AND %(last)s "
        "GROUP BY y",
        params,
    )
    # Taking part and continuation by year, in one pass over the years' summaries.
    summary = _all(
        "SELECT year, count(*) FILTER (WHERE took_part), count(*) FILTER (WHERE took_part AND fsm IN ('yes', 'no')), "
        "count(*) FILTER (WHERE took_part AND fsm = 'yes'), count(listed_on), "
        "count(*) FILTER (WHERE listed_on IS NOT NULL AND continued) "
        "FROM insights_participation WHERE year = ANY(%(years)s) AND every_activity GROUP BY year",
        params,
    )
    taking_part = [row[:4] for row in summary]
    continuation = [(row[0], *row[4:]) for row in summary]
    # Whole-class teaching and genres on offer: each programme or opportunity counts in every year it runs in.
    whole_class = _all(
        "SELECT y, count(DISTINCT w.school_id), COALESCE(sum(w.pupils), 0) FROM unnest(%(years)s::int[]) y "
        "JOIN offer_wholeclassprogramme w ON w.starts_on <= make_date(y + 1, 8, 31) "
        "AND w.ends_on >= make_date(y, 9, 1) GROUP BY y",
        params,
    )
    genres = _all(
        "SELECT y, count(DISTINCT og.genre_id), count(DISTINCT og.opportunity_id) FROM unnest(%(years)s::int[]) y "
        "JOIN offer_opportunity o ON o.first_date <= make_date(y + 1, 8, 31) AND o.last_date >= make_date(y, 9, 1) "
        "AND o.status = ANY(%(live)s) JOIN offer_opportunity_genres og ON og.opportunity_id = o.id GROUP BY y",
        params,
    )
    aims = _all("SELECT id, number, slug, title, short_title FROM core_inclusionaim ORDER BY number")
    learnings = _all(
        "SELECT aim_id, id, title FROM (SELECT l.*, row_number() OVER (PARTITION BY aim_id ORDER BY changed_on DESC, "
        "id DESC) AS rank FROM insights_learning l) ranked WHERE rank <= 3 ORDER BY aim_id, changed_on DESC, id DESC"
    )
    del aims, learnings

    def by_year(rows, columns):
        found = {row[0]: row[1:] for row in rows}
        return [tuple(found.get(y, (0,) * columns)[i] for y in years) for i in range(columns)]

    received, answered, done = by_year(voices, 3)
    listed, continued = by_year(continuation, 2)
    participants, fsm_known, fsm = by_year(taking_part, 3)
    schools, pupils = by_year(whole_class, 2)
    genre_count, opportunities = by_year(genres, 2)
    return {
        "years": tuple(years),
        "voices_received": received,
        "voices_acted_on": done,
        "voices_answered": _rate(answered, received),
        "continuation": _rate(continued, listed),
        "listed": listed,
        "participants": participants,
        "fsm_share": _rate(fsm, fsm_known),
        "whole_class_schools": schools,
        "whole_class_pupils": pupils,
        "genres": genre_count,
        "opportunities": opportunities,
    }


def _rate(parts, bases) -> tuple:
    return tuple(
        round(100 * part / base, 1) if base else None for part, base in zip(parts, bases, strict=True)
    )


def aims_figures(section: dict) -> dict:
    """The trend values the section shows (its rates are compared as the same rates of the floor's counts)."""
    trends = {t["key"]: tuple(t["values"]) for aim in section["aims"] for t in aim["trend"]}
    return {key: trends.get(key, ()) for key in AIM_TRENDS} | {"years": tuple(section["years"])}


AIM_TRENDS = (
    "voices_received",
    "voices_acted_on",
    "voices_answered",
    "continuation",
    "listed",
    "participants",
    "fsm_share",
    "whole_class_schools",
    "whole_class_pupils",
    "genres",
    "opportunities",
)


FLOORS: dict[str, Floor] = {
    "reach_section": Floor(reach_sql, reach_figures),
    "schools_section": Floor(schools_sql, schools_figures),
    "tastes_section": Floor(tastes_sql, tastes_figures),
    "retention_section": Floor(retention_sql, retention_figures),
    "voice_section": Floor(voice_sql, voice_figures),
    "aims_overview": Floor(aims_sql, aims_figures),
}
