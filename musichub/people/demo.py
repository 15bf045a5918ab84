"""The demo city's young people: ~3,000 invented children and teenagers, their families, consents, barriers
and support, spread over the demo schools and neighbourhoods in realistic proportions.

Call `load_demo_people()` after `load_demo_hub()` (instruments, genres), `load_demo_areas_and_schools()`
(schools, postcodes, deprivation) and `load_demo_catalogues()` (barriers, kinds of support); call
`link_demo_logins()` after the demo logins exist. Both are idempotent. Everything is generated from a seeded
random number generator, so every demo site holds the same people (ages follow today's date).

Every name is drawn at random from fixed lists of ordinary first names and surnames, so no record describes
a real child; guardian emails use the reserved example.org domain.
"""

import contextlib
import datetime
import random
import unicodedata

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from musichub.core.models import Genre, Instrument, User
from musichub.core.roles import Role

from .choices import EducationStatus, Ethnicity
from .consent_texts import CURRENT_VERSION
from .models import (
    Barrier,
    Consent,
    Family,
    FamilyGuardian,
    NamedBarrier,
    Neighbourhood,
    PostcodeArea,
    School,
    SupportKind,
    SupportRequest,
    YoungPerson,
)

SEED = 2012
YOUNG_PEOPLE = 3000
FAMILIES = 1400
FAMILY_EMAIL_DOMAIN = "families.example.org"
BATCH = 500

GIRLS = [
    "Amara", "Aisha", "Zara", "Maya", "Olivia", "Amelia", "Isla", "Ava", "Freya", "Poppy", "Sophia", "Grace",
    "Lily", "Evie", "Ruby", "Chloe", "Hannah", "Fatima", "Maryam", "Khadija", "Priya", "Anaya", "Simran", "Mei",
    "Yasmin", "Leila", "Nadia", "Zainab", "Ayesha", "Hafsa", "Imani", "Chiamaka", "Adaeze", "Abena", "Esi",
    "Keisha", "Jada", "Tia", "Nia", "Roisin", "Niamh", "Zuzanna", "Julia", "Wiktoria", "Oliwia", "Maja",
    "Elena", "Ioana", "Daria", "Sofia", "Lucia", "Ines", "Hana", "Noor", "Iman", "Ellie", "Millie", "Daisy",
    "Phoebe", "Martha", "Harriet", "Esme", "Layla", "Elif", "Zehra", "Ama", "Efua", "Thandiwe", "Rosa", "Lena",
]  # fmt: skip
BOYS = [
    "Oliver", "George", "Noah", "Leo", "Arthur", "Harry", "Jack", "Charlie", "Theo", "Oscar", "Freddie",
    "Alfie", "Jacob", "Muhammad", "Ibrahim", "Yusuf", "Zain", "Adam", "Ali", "Omar", "Hamza", "Ayaan", "Arjun",
    "Rohan", "Dev", "Kabir", "Ravi", "Wei", "Jun", "Kwame", "Kofi", "Tunde", "Chidi", "Emeka", "Jamal",
    "Marcus", "Tyrese", "Malachi", "Darius", "Callum", "Finn", "Cian", "Ronan", "Jakub", "Szymon", "Kacper",
    "Filip", "Mateusz", "Andrei", "Luca", "Mihai", "Tomas", "Diego", "Mateo", "Samuel", "Daniel", "Joseph",
    "Ethan", "Louis", "Reggie", "Elijah", "Isaac", "Harvey", "Kai", "Emre", "Hassan", "Bilal", "Kian", "Rory",
]  # fmt: skip
SURNAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel",
    "Khan", "Ahmed", "Hussain", "Ali", "Begum", "Shah", "Singh", "Kaur", "Sharma", "Chowdhury", "Rahman",
    "Islam", "Iqbal", "Mahmood", "Okafor", "Mensah", "Adeyemi", "Boateng", "Owusu", "Okoro", "Nwosu",
    "Campbell", "Francis", "Grant", "Lewis", "Murphy", "O'Brien", "Kelly", "Byrne", "Nowak", "Kowalski",
    "Lewandowski", "Zielinski", "Popescu", "Ionescu", "Chen", "Wang", "Li", "Nguyen", "Tran", "Yilmaz",
    "Demir", "Silva", "Santos", "Costa", "Fernandes", "Hughes", "Edwards", "Morris", "Cooper", "Ward", "King",
    "Baker", "Harris", "Martin", "Turner", "Hill", "Moore", "Carter", "Mitchell", "Phillips", "Bailey", "Bell",
    "Mason", "Cox", "Marshall", "Reid", "Osei", "Bangura", "Kamara", "Ferreira", "Novak", "Horvat", "Aziz",
]  # fmt: skip
ADULT_WOMEN = [
    "Sarah", "Emma", "Laura", "Rebecca", "Claire", "Nicola", "Rachel", "Amy", "Gemma", "Kelly", "Nasreen",
    "Shabana", "Farah", "Sunita", "Deepa", "Ngozi", "Abimbola", "Akosua", "Joanna", "Agnieszka", "Katarzyna",
    "Monika", "Mihaela", "Lin", "Samira", "Hollie", "Donna", "Michelle", "Yvonne", "Bernadette",
]  # fmt: skip
ADULT_MEN = [
    "David", "James", "Mark", "Paul", "Richard", "Daniel", "Andrew", "Chris", "Tom", "Matthew", "Imran",
    "Tariq", "Asif", "Sanjay", "Vikram", "Chinedu", "Kwabena", "Olu", "Piotr", "Tomasz", "Marek", "Radu",
    "Wei", "Lee", "Dean", "Gary", "Stephen", "Anthony", "Wayne", "Kevin",
]  # fmt: skip

# Census 2021 groups in roughly an English port city's proportions, then the detailed categories in each.
ETHNIC_GROUPS = [("white", 75), ("asian", 10), ("black", 5), ("mixed", 6), ("other", 4)]
ETHNIC_DETAIL = {
    "white": [("white_british", 82), ("white_irish", 2), ("white_gypsy_traveller", 1), ("white_roma", 1),
              ("white_other", 14)],
    "asian": [("asian_indian", 35), ("asian_pakistani", 20), ("asian_bangladeshi", 15), ("asian_chinese", 10),
              ("asian_other", 20)],
    "black": [("black_african", 65), ("black_caribbean", 20), ("black_other", 15)],
    "mixed": [("mixed_white_black_caribbean", 30), ("mixed_white_asian", 30), ("mixed_white_black_african", 15),
              ("mixed_other", 25)],
    "other": [("other_arab", 40), ("other_any", 60)],
}  # fmt: skip

NEXT_STEPS = [
    "Join a band with my friends", "Learn to read music", "Write my own songs", "Play in a concert",
    "Try the drums", "Get my Grade 3", "Make beats on my laptop", "Sing in a choir", "Learn guitar chords",
    "Record a song", "Play in the youth orchestra", "Learn to DJ", "Start a steel pan group at school",
]  # fmt: skip
ACCESS_NEEDS = [
    "Needs a quiet space to take breaks", "Uses a wheelchair: step-free access please",
    "Finds loud rooms hard; ear defenders help", "Needs instructions written down as well as said",
    "Gets tired quickly; shorter sessions help", "Partially sighted: large print music",
]  # fmt: skip
BARRIER_NOTES = {
    "cost": ["Lessons cost too much for us", "Can't afford an instrument and lessons"],
    "transport": ["No bus on Saturday mornings", "Mum works late and can't drive me"],
    "needs-an-instrument": ["We don't have one at home", "Would need to borrow a keyboard"],
    "confidence": ["Shy in big groups", "Worried I'm not good enough yet"],
    "caring-responsibilities": ["I look after my little brother after school"],
    "time-and-clashes": ["Clashes with football on Tuesdays"],
    "not-knowing-what-is-on": ["Didn't know there were free groups"],
}
SUPPORT_REASONS = [
    "Family on a low income", "Needs an instrument to practise at home", "Can't get to the centre by bus",
    "Would come with a friend", "Needs a quieter room", "Eligible for free school meals",
]  # fmt: skip
SELF_DESCRIBED = ["genderfluid", "questioning", "agender"]
RELATIONSHIPS = [("Mother", 50), ("Father", 30), ("Parent", 8), ("Grandparent", 6), ("Carer", 4), ("Aunt", 2)]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _school_year_start(today: datetime.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


def year_group_for(date_of_birth: datetime.date, today: datetime.date) -> str:
    """The English school year group of a child born on `date_of_birth` ("" past Year 13)."""
    start = _school_year_start(today)
    # Age on 31 August before the school year starts decides the year group.
    age = start - date_of_birth.year - (1 if (date_of_birth.month, date_of_birth.day) > (8, 31) else 0)
    if age < 3:
        return ""
    if age == 3:
        return "N"
    if age == 4:
        return "R"
    return str(age - 4) if age - 4 <= 13 else ""


def _age_at_start(year_group: str) -> int:
    return {"N": 3, "R": 4}.get(year_group) or int(year_group) + 4


def _age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    return _years_after(day, -years)


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Places:
    """The demo city's schools by the year groups they teach, and its postcodes with their area codes."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        schools = list(
            School.objects.filter(is_open=True).values(
                "pk",
                "phase",
                "establishment_type",
                "statutory_low_age",
                "statutory_high_age",
                "number_of_pupils",
            )
        )
        self.special = [s for s in schools if self._is_special(s)]
        self.mainstream = [s for s in schools if not self._is_special(s)]
        self._by_year: dict[str, list] = {}
        decile = dict(Neighbourhood.objects.values_list("lsoa_code", "imd_decile"))
        self.postcodes = [
            {
                "postcode": postcode,
                "postcode_district": postcode.split(" ", 1)[0],
                "lsoa_code": lsoa,
                "ward_code": ward,
                "imd_decile": decile.get(lsoa),
            }
            for postcode, lsoa, ward in PostcodeArea.objects.order_by("postcode").values_list(
                "postcode", "lsoa_code", "ward_code"
            )
        ]

    @staticmethod
    def _is_special(school) -> bool:
        return (
            "special" in (school["establishment_type"] or "").lower() or school["phase"] == "Not applicable"
        )

    @staticmethod
    def _teaches(school, year_group: str) -> bool:
        low, high = school["statutory_low_age"], school["statutory_high_age"]
        age = _age_at_start(year_group)
        if low is None or high is None:
            phase = (school["phase"] or "").lower()
            return ("primary" in phase and age <= 10) or ("secondary" in phase and 11 <= age <= 15)
        return low <= age <= high - 1

    def school_for(self, year_group: str, *, special: bool = False):
        pool = self.special if special else self.mainstream
        key = f"{year_group}:{special}"
        if key not in self._by_year:
            self._by_year[key] = [s for s in pool if self._teaches(s, year_group)]
        candidates = self._by_year[key]
        if not candidates:
            return None
        weights = [s["number_of_pupils"] or 200 for s in candidates]
        return self.rng.choices(candidates, weights=weights)[0]["pk"]

    def area(self) -> dict:
        if not self.postcodes:
            return {}
        return dict(self.rng.choice(self.postcodes))


@contextlib.contextmanager
def _keeping_timestamps(*models):
    """Let bulk_create store the created_at/updated_at the demo sets (registration dates in the past)."""
    fields = [
        field for model in models for field in model._meta.concrete_fields if getattr(field, "auto_now_add", False)
        or getattr(field, "auto_now", False)
    ]  # fmt: skip
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _aware(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 20), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _characteristics(rng: random.Random, *, age: int, imd_decile: int | None) -> dict:
    sex = _pick(rng, [("female", 485), ("male", 495), ("not_known", 15), ("prefer_not_to_say", 5)])
    gender, described = "not_known", ""
    roll = rng.random()
    if age >= 13 and roll < 0.015:
        gender = "non_binary"
    elif age >= 13 and roll < 0.02:
        gender, described = "self_described", rng.choice(SELF_DESCRIBED)
    elif age >= 13 and roll < 0.03:
        gender = "prefer_not_to_say"
    elif roll < 0.88 and sex in ("female", "male"):
        gender = "girl_or_woman" if sex == "female" else "boy_or_man"
    roll = rng.random()
    if roll < 0.04:
        ethnicity = Ethnicity.NOT_KNOWN.value
    elif roll < 0.05:
        ethnicity = Ethnicity.PREFER_NOT.value
    else:
        ethnicity = _pick(rng, ETHNIC_DETAIL[_pick(rng, ETHNIC_GROUPS)])
    # Free school meals follow deprivation: two in five in the most deprived tenth, one in ten in the least.
    fsm_chance = 0.30 if imd_decile is None else 0.42 - 0.035 * (imd_decile - 1)
    eal_chance = 0.05 if ethnicity in ("white_british", "not_known", "prefer_not_to_say") else 0.52

    def yes_no(chance, not_known=0.05, prefer_not=0.01):
        roll = rng.random()
        if roll < not_known:
            return "not_known"
        if roll < not_known + prefer_not:
            return "prefer_not_to_say"
        return "yes" if rng.random() < chance else "no"

    send = _pick(
        rng, [("none", 760), ("sen_support", 140), ("ehcp", 40), ("not_known", 50), ("prefer_not_to_say", 10)]
    )
    return {
        "sex": sex,
        "gender": gender,
        "gender_self_described": described,
        "ethnicity": ethnicity,
        "fsm": yes_no(fsm_chance),
        "send": send,
        "eal": yes_no(eal_chance),
        "care_experienced": yes_no(0.011),
        "young_carer": yes_no(0.032),
        "disability": yes_no(0.085),
    }


def _first_name(rng: random.Random, sex: str) -> str:
    if sex == "female":
        return rng.choice(GIRLS)
    if sex == "male":
        return rng.choice(BOYS)
    return rng.choice(GIRLS + BOYS)


def _dob_for_age(rng: random.Random, today: datetime.date, age: int) -> datetime.date:
    """A date of birth that makes someone exactly `age` today."""
    latest = _years_before(today, age)
    earliest = _years_before(today, age + 1) + datetime.timedelta(days=1)
    return earliest + datetime.timedelta(days=rng.randint(0, (latest - earliest).days))


def _place(rng: random.Random, places: _Places, person: dict, today: datetime.date) -> None:
    """School, year group and education status for a person with a date of birth and SEND status."""
    year_group = year_group_for(person["date_of_birth"], today)
    person["year_group"] = year_group
    person["school_id"] = None
    if not year_group:
        person["education_status"] = EducationStatus.IN_COLLEGE
        return
    roll = rng.random()
    if year_group in ("12", "13") and roll < 0.12:
        person["education_status"] = EducationStatus.IN_COLLEGE
        return
    if roll < 0.012:
        person["education_status"] = EducationStatus.HOME_EDUCATED
        return
    if roll < 0.018:
        person["education_status"] = EducationStatus.NOT_IN_SCHOOL
        return
    special = person.get("send") == "ehcp" and rng.random() < 0.35
    school = places.school_for(year_group, special=special) or places.school_for(year_group)
    if school is None:
        person["education_status"] = (
            EducationStatus.IN_COLLEGE if year_group in ("12", "13") else EducationStatus.IN_SCHOOL
        )
    else:
        person["education_status"] = EducationStatus.IN_SCHOOL
    person["school_id"] = school


def _musical_identity(rng: random.Random, instruments: list[int], genres: list[int], age: int) -> dict:
    return {
        "instruments": rng.sample(
            instruments, min(len(instruments), _pick(rng, [(0, 35), (1, 45), (2, 20)]))
        ),
        "genres": rng.sample(genres, min(len(genres), rng.randint(1, 3))),
        "next_steps": rng.choice(NEXT_STEPS) if age >= 8 and rng.random() < 0.3 else "",
        "access_needs": rng.choice(ACCESS_NEEDS) if rng.random() < 0.06 else "",
    }


def demo_people_loaded() -> bool:
    """Whether the demo families are already there (their guardians' addresses are the marker)."""
    return User.objects.filter(email__endswith=f"@{FAMILY_EMAIL_DOMAIN}").exists()


def load_demo_people() -> None:
    """Add ~3,000 invented young people with families, consents, barriers and support. Does nothing if present."""
    if demo_people_loaded():
        return
    with transaction.atomic(), _keeping_timestamps(User, Family, FamilyGuardian, YoungPerson, Consent,
                                                   NamedBarrier, SupportRequest):  # fmt: skip
        _Generator(random.Random(SEED), timezone.localdate()).run()  # noqa: S311 -- invented data, not security


class _Generator:
    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today
        self.now = timezone.now()
        self.places = _Places(rng)
        self.instruments = list(Instrument.objects.order_by("pk").values_list("pk", flat=True))
        self.genres = list(Genre.objects.order_by("pk").values_list("pk", flat=True))
        self.barriers = dict(Barrier.objects.values_list("slug", "pk"))
        self.support_kinds = dict(SupportKind.objects.values_list("slug", "pk"))
        self.staff = User.objects.filter(username="staff").first()

    # -- people ---------------------------------------------------------------------------------------------

    def _person(self) -> dict:
        rng, today = self.rng, self.today
        age = _pick(rng, [(age, 4 if age == 18 else 10) for age in range(5, 19)])
        date_of_birth = _dob_for_age(rng, today, age)
        return {"age": age, "date_of_birth": date_of_birth}

    def _activity(self, person: dict, *, stale: bool) -> None:
        rng, today = self.rng, self.today
        if stale:
            last = today - datetime.timedelta(days=rng.randint(7 * 365 + 2, 9 * 365))
            registered = last - datetime.timedelta(days=rng.randint(30, 400))
        elif rng.random() < 0.03:
            last, registered = None, today - datetime.timedelta(days=rng.randint(0, 90))
        else:
            last = today - datetime.timedelta(days=rng.randint(0, 730))
            registered = last - datetime.timedelta(days=rng.randint(0, 700))
        # Nobody registered before they were five.
        registered = max(registered, _years_after(person["date_of_birth"], 5))
        if last is not None and last < registered:
            last = registered
        person["last_activity_on"] = last
        person["registered_on"] = min(registered, today)

    def run(self) -> None:
        rng = self.rng
        people = [self._person() for _ in range(YOUNG_PEOPLE)]
        # Under-13s need a guardian, so they are all in a family; about a third of teenagers are too.
        for person in people:
            person["in_family"] = person["age"] < 13 or rng.random() < 0.35
        in_family = [p for p in people if p["in_family"]]
        on_their_own = [p for p in people if not p["in_family"]]
        # About 1% last took part more than seven years ago (so the retention rule has records to find): older
        # teenagers in families, who were at least five then.
        old_enough = [index for index, p in enumerate(in_family) if p["age"] >= 15]
        stale = set(rng.sample(old_enough, k=min(len(old_enough), YOUNG_PEOPLE // 100)))
        for index, person in enumerate(in_family):
            self._activity(person, stale=index in stale)
        families = self._families(in_family)
        for person in on_their_own:
            self._activity(person, stale=False)
            # A teenager registering themself is 13 or over on the day.
            person["registered_on"] = max(person["registered_on"], _years_after(person["date_of_birth"], 13))
            if (
                person["last_activity_on"] is not None
                and person["last_activity_on"] < person["registered_on"]
            ):
                person["last_activity_on"] = person["registered_on"]
        guardians = self._guardian_accounts(families)
        self._family_rows(families, guardians)
        for family in families:
            for person in family["children"]:
                self._fill(person, family=family)
        for person in on_their_own:
            person["last_name"] = rng.choice(SURNAMES)
            person["area"] = self.places.area()
            self._fill(person, family=None)
        everyone = [p for family in families for p in family["children"]] + on_their_own
        self._young_people(everyone)
        self._consents(everyone)
        self._barriers_and_support(everyone)

    def _families(self, members: list[dict]) -> list[dict]:
        rng = self.rng
        rng.shuffle(members)
        count = min(FAMILIES, len(members))
        sizes = [1] * count
        extra = len(members) - count
        open_slots = list(range(count))
        while extra > 0 and open_slots:
            slot = rng.choice(open_slots)
            sizes[slot] += 1
            extra -= 1
            if sizes[slot] == 3:
                open_slots.remove(slot)
        families, position = [], 0
        for size in sizes:
            surname = rng.choice(SURNAMES)
            children = members[position : position + size]
            position += size
            for child in children:
                # Most siblings share a surname; some families are blended.
                child["last_name"] = surname if rng.random() < 0.9 else rng.choice(SURNAMES)
            families.append({"surname": surname, "children": children, "area": self.places.area()})
        # Members left over (only when there are more than three per family) join the last families.
        for child in members[position:]:
            families[-1]["children"].append(child)
            child["last_name"] = families[-1]["surname"]
        return families

    def _guardian_accounts(self, families: list[dict]) -> list[User]:
        rng, users = self.rng, []
        number = 0
        for family in families:
            family["guardians"] = []
            for _ in range(2 if rng.random() < 0.35 else 1):
                number += 1
                woman = rng.random() < 0.6
                first = rng.choice(ADULT_WOMEN if woman else ADULT_MEN)
                last = family["surname"] if rng.random() < 0.85 else rng.choice(SURNAMES)
                relationship = _pick(rng, RELATIONSHIPS)
                if relationship in ("Mother", "Aunt") and not woman:
                    relationship = "Father" if relationship == "Mother" else "Parent"
                elif relationship == "Father" and woman:
                    relationship = "Mother"
                user = User(
                    username=f"demo-family-{number:04d}",
                    email=f"{_ascii(first)}.{_ascii(last)}.{number}@{FAMILY_EMAIL_DOMAIN}",
                    first_name=first,
                    last_name=last,
                    role=Role.GUARDIAN,
                    password=make_password(None),
                    date_joined=self.now,
                )
                users.append(user)
                family["guardians"].append((user, relationship))
        return User.objects.bulk_create(users, batch_size=BATCH)

    def _family_rows(self, families: list[dict], guardians) -> None:
        rows = []
        for family in families:
            registered = min(child["registered_on"] for child in family["children"])
            family["row"] = Family(created_at=_aware(registered, self.rng), updated_at=self.now)
            rows.append(family["row"])
        Family.objects.bulk_create(rows, batch_size=BATCH)
        links = [
            FamilyGuardian(
                family=family["row"], guardian=user, relationship=relationship,
                created_at=family["row"].created_at, updated_at=self.now,
            )
            for family in families
            for user, relationship in family["guardians"]
        ]  # fmt: skip
        FamilyGuardian.objects.bulk_create(links, batch_size=BATCH)

    def _fill(self, person: dict, *, family: dict | None) -> None:
        rng = self.rng
        area = (family or person)["area"]
        person.update(_characteristics(rng, age=person["age"], imd_decile=area.get("imd_decile")))
        person["first_name"] = _first_name(rng, person["sex"])
        _place(rng, self.places, person, self.today)
        person.update(_musical_identity(rng, self.instruments, self.genres, person["age"]))
        person["family"] = family
        if family is not None:
            person["registered_by"] = YoungPerson.RegisteredBy.GUARDIAN
            person["registered_by_user"] = family["guardians"][0][0]
        else:
            person["registered_by"] = _pick(
                rng,
                [(YoungPerson.RegisteredBy.SELF, 55), (YoungPerson.RegisteredBy.STAFF, 30),
                 (YoungPerson.RegisteredBy.IMPORT, 15)],
            )  # fmt: skip
            person["registered_by_user"] = self.staff if person["registered_by"] == "staff" else None

    def _young_people(self, everyone: list[dict]) -> None:
        rows = []
        for person in everyone:
            area = (person["family"] or person)["area"]
            created = _aware(person["registered_on"], self.rng)
            row = YoungPerson(
                first_name=person["first_name"],
                last_name=person["last_name"],
                preferred_name="",
                date_of_birth=person["date_of_birth"],
                family=person["family"]["row"] if person["family"] else None,
                education_status=person["education_status"],
                school_id=person["school_id"],
                year_group=person["year_group"],
                postcode=area.get("postcode", ""),
                postcode_district=area.get("postcode_district", ""),
                lsoa_code=area.get("lsoa_code", ""),
                ward_code=area.get("ward_code", ""),
                imd_decile=area.get("imd_decile"),
                next_steps=person["next_steps"],
                access_needs=person["access_needs"],
                sex=person["sex"],
                gender=person["gender"],
                gender_self_described=person["gender_self_described"],
                ethnicity=person["ethnicity"],
                fsm=person["fsm"],
                send=person["send"],
                eal=person["eal"],
                care_experienced=person["care_experienced"],
                young_carer=person["young_carer"],
                disability=person["disability"],
                registered_by=person["registered_by"],
                registered_by_user=person["registered_by_user"],
                last_activity_on=person["last_activity_on"],
                created_at=created,
                updated_at=created,
            )
            person["row"] = row
            rows.append(row)
        YoungPerson.objects.bulk_create(rows, batch_size=BATCH)
        instruments = YoungPerson.instruments.through
        genres = YoungPerson.genres.through
        instruments.objects.bulk_create(
            [
                instruments(youngperson=p["row"], instrument_id=pk)
                for p in everyone
                for pk in p["instruments"]
            ],
            batch_size=BATCH,
        )
        genres.objects.bulk_create(
            [genres(youngperson=p["row"], genre_id=pk) for p in everyone for pk in p["genres"]],
            batch_size=BATCH,
        )

    def _consents(self, everyone: list[dict]) -> None:
        rng, rows = self.rng, []
        for person in everyone:
            registered = person["registered_on"]
            given_at = _aware(registered, rng)
            family = person["family"]
            under_13 = _age_on(person["date_of_birth"], registered) < 13
            if family is not None and (under_13 or rng.random() < 0.6):
                guardian = family["guardians"][0][0]
                given_by, given_by_user = Consent.GivenBy.GUARDIAN, guardian
                given_by_name = f"{guardian.first_name} {guardian.last_name}"
            else:
                given_by, given_by_user = Consent.GivenBy.YOUNG_PERSON, None
                given_by_name = f"{person['first_name']} {person['last_name']}"
            if person["registered_by"] == YoungPerson.RegisteredBy.STAFF:
                method = _pick(rng, [(Consent.Method.PAPER, 50), (Consent.Method.PHONE, 25),
                                     (Consent.Method.IN_PERSON, 25)])  # fmt: skip
            else:
                method = Consent.Method.ONLINE if rng.random() < 0.9 else Consent.Method.PAPER
            common = {
                "young_person": person["row"],
                "given_by": given_by,
                "given_by_user": given_by_user,
                "given_by_name": given_by_name,
                "method": method,
                "wording_version": CURRENT_VERSION,
                "given_at": given_at,
                "created_at": given_at,
                "updated_at": given_at,
            }
            rows.append(Consent(purpose="data_processing", **common))
            for purpose, chance, withdrawn_chance in (("media", 0.75, 0.04), ("public_sharing", 0.55, 0.03)):
                if rng.random() >= chance:
                    continue
                consent = Consent(purpose=purpose, **common)
                if rng.random() < withdrawn_chance:
                    days = max(1, (self.today - registered).days)
                    consent.withdrawn_at = given_at + datetime.timedelta(days=rng.randint(1, days))
                    consent.withdrawn_at = min(consent.withdrawn_at, self.now)
                    consent.withdrawn_by = given_by_user
                rows.append(consent)
        Consent.objects.bulk_create(rows, batch_size=BATCH)

    def _barriers_and_support(self, everyone: list[dict]) -> None:
        rng = self.rng
        barrier_weights = [(slug, {"cost": 35, "transport": 20, "needs-an-instrument": 15, "confidence": 12}.get(slug, 5))
                           for slug in self.barriers]  # fmt: skip
        named, requests = [], []
        for person in everyone:
            guardian = person["family"]["guardians"][0][0] if person["family"] else None
            when = person["last_activity_on"] or person["registered_on"]
            moment = _aware(when, rng)
            if self.barriers and rng.random() < 0.35:
                chosen = set()
                for _ in range(_pick(rng, [(1, 65), (2, 25), (3, 10)])):
                    chosen.add(_pick(rng, barrier_weights))
                for slug in sorted(chosen):
                    notes = BARRIER_NOTES.get(slug)
                    named.append(
                        NamedBarrier(
                            young_person=person["row"], barrier_id=self.barriers[slug],
                            note=rng.choice(notes) if notes and rng.random() < 0.3 else "",
                            named_by=guardian, created_at=moment, updated_at=moment,
                        )
                    )  # fmt: skip
            if self.support_kinds and rng.random() < 0.20:
                status = _pick(rng, [(SupportRequest.Status.AWARDED, 60), (SupportRequest.Status.DECLINED, 20),
                                     (SupportRequest.Status.REQUESTED, 20)])  # fmt: skip
                decided = status != SupportRequest.Status.REQUESTED
                decided_at = (
                    min(moment + datetime.timedelta(days=rng.randint(2, 21)), self.now) if decided else None
                )
                requests.append(
                    SupportRequest(
                        young_person=person["row"],
                        kind_id=rng.choice(list(self.support_kinds.values())),
                        reason=rng.choice(SUPPORT_REASONS) if rng.random() < 0.7 else "",
                        status=status,
                        requested_by=guardian,
                        decided_by=self.staff if decided else None,
                        decided_at=decided_at,
                        created_at=moment,
                        updated_at=decided_at or moment,
                    )
                )
        NamedBarrier.objects.bulk_create(named, batch_size=BATCH)
        SupportRequest.objects.bulk_create(requests, batch_size=BATCH)


# ---- The demo logins' own records ----------------------------------------------------------------------------

PARENT_CHILDREN = [("Ama", "female", 14), ("Kwame", "male", 10)]
YOUNG_LOGIN_AGE = 15


def _demo_record(rng, places, today, *, first_name, last_name, sex, age, area, **fields) -> YoungPerson:
    person = {"date_of_birth": _dob_for_age(rng, today, age), "send": "none"}
    _place(rng, places, person, today)
    return YoungPerson.objects.create(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=person["date_of_birth"],
        education_status=person["education_status"],
        school_id=person["school_id"],
        year_group=person["year_group"],
        postcode=area.get("postcode", ""),
        postcode_district=area.get("postcode_district", ""),
        lsoa_code=area.get("lsoa_code", ""),
        ward_code=area.get("ward_code", ""),
        imd_decile=area.get("imd_decile"),
        sex=sex,
        gender="girl_or_woman" if sex == "female" else "boy_or_man",
        last_activity_on=today - datetime.timedelta(days=rng.randint(3, 40)),
        **fields,
    )


def _consent_all(young_person, *, given_by, given_by_user, given_by_name) -> None:
    now = timezone.now()
    for purpose in ("data_processing", "media", "public_sharing"):
        Consent.objects.create(
            young_person=young_person, purpose=purpose, given_by=given_by, given_by_user=given_by_user,
            given_by_name=given_by_name, wording_version=CURRENT_VERSION, given_at=now,
        )  # fmt: skip


@transaction.atomic
def link_demo_logins() -> None:
    """Give the demo guardian ("parent") a family of two children aged 10 and 14, and the demo young person
    ("young") their own record, aged 15. Idempotent; does nothing for a login that does not exist."""
    rng = random.Random(SEED + 1)  # noqa: S311 -- invented data, not security
    today = timezone.localdate()
    places = _Places(rng)
    parent = User.objects.filter(username="parent").first()
    if parent is not None and not Family.objects.filter(guardians=parent).exists():
        family = Family.objects.create()
        FamilyGuardian.objects.create(family=family, guardian=parent, relationship="Mother")
        area = places.area()
        for first_name, sex, age in PARENT_CHILDREN:
            child = _demo_record(
                rng, places, today, first_name=first_name, last_name=parent.last_name or "Mensah", sex=sex,
                age=age, area=area, family=family, registered_by=YoungPerson.RegisteredBy.GUARDIAN,
                registered_by_user=parent, ethnicity="black_african", fsm="no", send="none", eal="no",
            )  # fmt: skip
            _consent_all(
                child, given_by=Consent.GivenBy.GUARDIAN, given_by_user=parent,
                given_by_name=parent.get_full_name() or parent.username,
            )  # fmt: skip
    young = User.objects.filter(username="young").first()
    if young is not None and not YoungPerson.objects.filter(user=young).exists():
        record = _demo_record(
            rng, places, today, first_name=young.first_name or "Jay", last_name=young.last_name or "Nowak",
            sex="male", age=YOUNG_LOGIN_AGE, area=places.area(), user=young,
            registered_by=YoungPerson.RegisteredBy.SELF, ethnicity="white_other", fsm="yes", send="none", eal="yes",
        )  # fmt: skip
        record.next_steps = "Start a band and play a gig in the city"
        record.save(update_fields=["next_steps"])
        _consent_all(
            record, given_by=Consent.GivenBy.YOUNG_PERSON, given_by_user=young,
            given_by_name=young.get_full_name() or young.username,
        )  # fmt: skip
