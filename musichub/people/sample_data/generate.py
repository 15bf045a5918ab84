"""How the sample files beside this script were made: `python musichub/people/sample_data/generate.py`.

Everything here is invented: the schools, their URNs (990001 onwards, a range GIAS does not use), the LSOA
codes (E01099001 onwards, beyond the real ones), the ward codes and names, and every figure. Only the shapes
(GIAS's header names, the ONS Postcode Directory's and the Indices of Deprivation's columns) are real.
The seed is fixed, so running it again writes the same files.
"""

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
LA_CODE, LA_NAME, LAD_CODE = "852", "Southampton", "E06000045"
rng = random.Random(852)  # noqa: S311 -- invented sample data, seeded so every run writes the same files

# ---- Areas: 16 wards, 40 LSOAs, deprivation skewed towards the most deprived deciles ------------------------

WARDS = [
    "Harbourside",
    "Lantern Hill",
    "Kestrel Common",
    "Millbrook Quay",
    "Oakmere",
    "Saltmarsh",
    "Chandlers Reach",
    "Redwing Park",
    "Tidewater",
    "Bramble Heath",
    "Ferrier Green",
    "Copperfield",
    "Wharf End",
    "Larkspur",
    "Seaview Down",
    "Ashgrove",
]
WARD_CODES = [f"E05099{n:03d}" for n in range(1, len(WARDS) + 1)]
DECILES = [1] * 7 + [2] * 7 + [3] * 6 + [4] * 5 + [5] * 4 + [6] * 3 + [7] * 3 + [8] * 2 + [9] * 2 + [10] * 1
LSOAS = []  # (code, name, ward index, decile, rank)
for n, decile in enumerate(DECILES, start=1):
    rank = rng.randint((decile - 1) * 3284 + 1, decile * 3284)
    LSOAS.append(
        (f"E01099{n:03d}", f"Southampton 9{n:02d}{'ABCD'[n % 4]}", (n - 1) % len(WARDS), decile, rank)
    )
DISTRICTS = ["SO14", "SO15", "SO16", "SO17", "SO18", "SO19"]
# Roughly where each district lies (latitude, longitude): postcodes scatter about a kilometre around it.
DISTRICT_CENTRES = {
    "SO14": (50.905, -1.400),
    "SO15": (50.912, -1.425),
    "SO16": (50.935, -1.435),
    "SO17": (50.928, -1.395),
    "SO18": (50.925, -1.360),
    "SO19": (50.903, -1.365),
}


def write_deprivation():
    with open(HERE / "deprivation_sample.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "LSOA code (2011)",
                "LSOA name (2011)",
                "Local Authority District code (2019)",
                "Local Authority District name (2019)",
                "Index of Multiple Deprivation (IMD) Rank",
                "Index of Multiple Deprivation (IMD) Decile",
            ]
        )
        for code, name, _ward, decile, rank in LSOAS:
            writer.writerow([code, name, LAD_CODE, LA_NAME, rank, decile])


POSTCODES = []  # (postcode, lsoa index)


def write_postcodes():
    seen = set()
    while len(POSTCODES) < 320:
        lsoa = rng.randrange(len(LSOAS))
        district = DISTRICTS[lsoa % len(DISTRICTS)]
        postcode = f"{district} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        if postcode not in seen:
            seen.add(postcode)
            POSTCODES.append((postcode, lsoa))
    with open(HERE / "postcodes_sample.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "pcd",
                "pcds",
                "dointr",
                "doterm",
                "oslaua",
                "osward",
                "osward_name",
                "lsoa21cd",
                "msoa21cd",
                "ctry",
                "rgn",
                "imd",
                "lat",
                "long",
            ]
        )
        for n, (postcode, lsoa) in enumerate(POSTCODES):
            code, _name, ward, _decile, rank = LSOAS[lsoa]
            terminated = "202206" if n % 40 == 39 else ""  # a few closed postcodes, skipped by the import
            writer.writerow(
                [
                    f"{postcode.split()[0]:<4}{postcode.split()[1]}",
                    postcode,
                    "199906",
                    terminated,
                    LAD_CODE,
                    WARD_CODES[ward],
                    WARDS[ward],
                    code,
                    f"E02099{lsoa // 4 + 1:03d}",
                    "E92000001",
                    "E12000008",
                    rank,
                    f"{DISTRICT_CENTRES[postcode.split()[0]][0] + (rng.random() - 0.5) * 0.016:.6f}",
                    f"{DISTRICT_CENTRES[postcode.split()[0]][1] + (rng.random() - 0.5) * 0.024:.6f}",
                ]
            )


# ---- Schools ---------------------------------------------------------------------------------------------

PLACES = [
    "Northam Lane",
    "Kestrel Way",
    "Lantern Hill",
    "Harbour View",
    "Oakmere",
    "Saltmarsh",
    "Redwing",
    "Tidewater",
    "Bramble Heath",
    "Ferrier Green",
    "Copperfield",
    "Wharf End",
    "Larkspur",
    "Seaview Down",
    "Ashgrove",
    "Chandlers",
    "Millbrook Quay",
    "Foxglove",
    "Heronsgate",
    "Windmill Rise",
    "Orchard Vale",
    "Rope Walk",
    "Sandpiper",
    "Lockside",
    "Beacon Park",
    "Marlow Road",
    "Quayside",
    "Hollybank",
    "Thornhill Rise",
    "Cedar Row",
    "Pennant",
    "Goldcrest",
    "Riverside Mead",
    "Barley Fields",
    "Kingfisher",
    "Elm Tree",
    "Ravenswood",
    "Ships Hill",
    "Clover Down",
    "Stonechat",
    "Weston Marsh",
    "Pebble Lane",
    "Anchor Street",
    "Fennel Way",
    "Marigold",
    "Blackthorn",
]
SCHOOL_HEADER = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (code)",
    "EstablishmentStatus (name)",
    "OpenDate",
    "CloseDate",
    "PhaseOfEducation (code)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "Gender (name)",
    "ReligiousCharacter (name)",
    "SchoolCapacity",
    "CensusDate",
    "NumberOfPupils",
    "NumberOfBoys",
    "NumberOfGirls",
    "PercentageFSM",
    "Street",
    "Town",
    "Postcode",
    "UKPRN",
    "Easting",
    "Northing",
]
# (type code, type name, group, phase code, phase name, low, high, pupils range)
KINDS = {
    "primary": (
        "01",
        "Community school",
        "Local authority maintained schools",
        "2",
        "Primary",
        4,
        11,
        (180, 630),
    ),
    "infant": (
        "01",
        "Community school",
        "Local authority maintained schools",
        "2",
        "Primary",
        4,
        7,
        (150, 270),
    ),
    "junior": ("28", "Academy sponsor led", "Academies", "2", "Primary", 7, 11, (200, 360)),
    "academy_primary": ("34", "Academy converter", "Academies", "2", "Primary", 4, 11, (200, 420)),
    "voluntary_primary": (
        "02",
        "Voluntary aided school",
        "Local authority maintained schools",
        "2",
        "Primary",
        4,
        11,
        (180, 420),
    ),
    "secondary": ("34", "Academy converter", "Academies", "4", "Secondary", 11, 16, (750, 1200)),
    "secondary_sixth": ("28", "Academy sponsor led", "Academies", "4", "Secondary", 11, 18, (900, 1500)),
    "special": ("07", "Community special school", "Special schools", "0", "Not applicable", 2, 19, (60, 160)),
    "all_through": ("34", "Academy converter", "Academies", "7", "All-through", 4, 18, (1000, 1600)),
}
PLAN = (
    ["primary"] * 20
    + ["infant"] * 6
    + ["junior"] * 6
    + ["academy_primary"] * 8
    + ["voluntary_primary"] * 4
    + ["secondary"] * 6
    + ["secondary_sixth"] * 4
    + ["special"] * 4
    + ["all_through"] * 2
)
SUFFIX = {
    "primary": "Primary School",
    "infant": "Infant School",
    "junior": "Junior School",
    "academy_primary": "Primary Academy",
    "voluntary_primary": "Catholic Primary School",
    "secondary": "Academy",
    "secondary_sixth": "College",
    "special": "School",
    "all_through": "All-through School",
}
SCHOOLS = []  # dicts, also used for the population sample


def year_groups(low: int, high: int) -> list[str]:
    groups = []
    for age in range(low, high):
        if age <= 3:
            groups.append("N")
        elif age == 4:
            groups.append("R")
        elif age <= 17:
            groups.append(str(age - 4))
    return list(dict.fromkeys(groups))


def write_schools():
    urn = 990000
    names = iter(PLACES)
    for n, kind in enumerate(PLAN):
        urn += 1
        place = next(names) if n < len(PLACES) else f"{PLACES[n % len(PLACES)]} Park"
        name = f"{place} {SUFFIX[kind]}"
        if n == 40:
            name = "St Brannoc’s Catholic Primary School"  # a curly apostrophe: byte 0x92 in Windows-1252
        if n == 41:
            name = "Amélie Road Infant School"  # é: byte 0xE9 in Windows-1252
        SCHOOLS.append({"urn": urn, "kind": kind, "name": name, "la": LA_CODE, "status": "Open"})
    for name, kind in [("Old Dock Road Junior School", "junior"), ("Gasworks Lane Infant School", "infant")]:
        urn += 1
        SCHOOLS.append({"urn": urn, "kind": kind, "name": name, "la": LA_CODE, "status": "Closed"})
    for name, kind in [
        ("Meadowsweet Primary School", "primary"),
        ("Hazel Copse Academy", "secondary"),
        ("Downland Vale Primary School", "primary"),
        ("Chalkpit Lane Infant School", "infant"),
    ]:
        urn += 1
        SCHOOLS.append({"urn": urn, "kind": kind, "name": name, "la": "850", "status": "Open"})

    with open(HERE / "gias_sample.csv", "w", newline="", encoding="cp1252") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(SCHOOL_HEADER)
        for n, school in enumerate(SCHOOLS):
            type_code, type_name, group, phase_code, phase, low, high, (least, most) = KINDS[school["kind"]]
            live = [item for i, item in enumerate(POSTCODES) if i % 40 != 39]  # schools are at live postcodes
            postcode, lsoa = live[(n * 7) % len(live)]
            decile = LSOAS[lsoa][3]
            pupils = rng.randint(least, most) if school["status"] == "Open" else None
            # Schools in more deprived areas have more pupils on free school meals.
            fsm = round(min(max(rng.gauss(44 - 3.6 * decile, 5), 4), 65), 1) if pupils else None
            school.update(pupils=pupils, fsm=fsm, low=low, high=high, decile=decile)
            boys = round(pupils * rng.uniform(0.47, 0.53)) if pupils else None
            la_name = LA_NAME if school["la"] == LA_CODE else "Hampshire"
            closed = school["status"] == "Closed"
            writer.writerow(
                [
                    school["urn"],
                    school["la"],
                    la_name,
                    2000 + n,
                    school["name"],
                    type_code,
                    type_name,
                    group,
                    "2" if closed else "1",
                    school["status"],
                    "01-09-1975" if n % 3 else "",
                    "31-08-2019" if closed else "",
                    phase_code,
                    phase,
                    low,
                    high,
                    "Mixed",
                    "Roman Catholic" if "Catholic" in school["name"] else "Does not apply",
                    round(pupils * 1.1) if pupils else "",
                    "16-01-2025" if pupils else "",
                    pupils if pupils is not None else "",
                    boys if boys is not None else "",
                    pupils - boys if pupils else "",
                    "" if fsm is None or n == 12 else fsm,  # GIAS leaves some blank
                    f"{rng.randint(1, 180)} {school['name'].split()[0]} Road",
                    la_name,
                    postcode
                    if school["la"] == LA_CODE
                    else f"SO{rng.choice([21, 22, 50, 53])} {rng.randint(1, 9)}XX",
                    10090000 + n,
                    441000 + rng.randint(0, 6000),
                    111000 + rng.randint(0, 6000),
                ]
            )


# ---- Population: pupils on roll by year group and characteristic ------------------------------------------

ETHNIC = [("white", 75), ("asian", 10), ("black", 5), ("mixed", 6), ("other", 4)]


def split(total: int, shares: list[tuple[str, float]]) -> list[tuple[str, int]]:
    """Whole numbers in proportion to the shares that add up to the total (largest remainders)."""
    weight = sum(share for _, share in shares)
    exact = [(name, total * share / weight) for name, share in shares]
    counts = {name: int(value) for name, value in exact}
    left = total - sum(counts.values())
    for name, _value in sorted(exact, key=lambda item: item[1] - int(item[1]), reverse=True)[:left]:
        counts[name] += 1
    return [(name, counts[name]) for name, _ in shares]


def write_population():
    with open(HERE / "population_sample.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["URN", "YearGroup", "Characteristic", "Value", "Pupils"])
        for school in SCHOOLS:
            if school["la"] != LA_CODE or school["status"] != "Open":
                continue
            groups = year_groups(school["low"], school["high"])
            per_year = split(school["pupils"], [(group, 1) for group in groups])
            special = school["kind"] == "special"
            for group, total in per_year:
                fsm_share = school["fsm"] / 100
                ethnic = [(name, max(share + rng.gauss(0, share * 0.2), 0.5)) for name, share in ETHNIC]
                rows = [
                    ("all", "", total),
                    ("fsm", "", round(total * min(max(rng.gauss(fsm_share, 0.03), 0), 1))),
                    ("sen_support", "", round(total * (0.2 if special else rng.uniform(0.11, 0.17)))),
                    ("ehcp", "", round(total * (0.95 if special else rng.uniform(0.02, 0.04)))),
                    ("eal", "", round(total * min(max(rng.gauss(0.20, 0.06), 0), 1))),
                ]
                rows += [("ethnic_group", name, count) for name, count in split(total, ethnic)]
                rows += [("sex", name, count) for name, count in split(total, [("female", 1), ("male", 1)])]
                for characteristic, value, pupils in rows:
                    writer.writerow([school["urn"], group, characteristic, value, pupils])


if __name__ == "__main__":
    write_deprivation()
    write_postcodes()
    write_schools()
    write_population()
