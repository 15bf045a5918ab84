"""The answers the hub records for each characteristic it reports on.

Every characteristic allows "not known" and "prefer not to say" (DESIGN.md section 3). Ethnicity uses the
2021 Census categories for England and Wales, grouped as the census groups them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

NOT_KNOWN = "not_known"
PREFER_NOT = "prefer_not_to_say"


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_KNOWN = NOT_KNOWN, _("Not known")
    PREFER_NOT = PREFER_NOT, _("Prefer not to say")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NOT_KNOWN = NOT_KNOWN, _("Not known")
    PREFER_NOT = PREFER_NOT, _("Prefer not to say")


class Gender(models.TextChoices):
    GIRL = "girl_or_woman", _("Girl or woman")
    BOY = "boy_or_man", _("Boy or man")
    NON_BINARY = "non_binary", _("Non-binary")
    SELF_DESCRIBED = "self_described", _("In another way (describe it)")
    NOT_KNOWN = NOT_KNOWN, _("Not known")
    PREFER_NOT = PREFER_NOT, _("Prefer not to say")


class Send(models.TextChoices):
    NONE = "none", _("No special educational needs")
    SEN_SUPPORT = "sen_support", _("SEN support")
    EHCP = "ehcp", _("Education, health and care plan (EHCP)")
    NOT_KNOWN = NOT_KNOWN, _("Not known")
    PREFER_NOT = PREFER_NOT, _("Prefer not to say")


class EthnicGroup(models.TextChoices):
    """The five high-level groups (plus not known / prefer not to say), used for population comparisons."""

    ASIAN = "asian", _("Asian, Asian British or Asian Welsh")
    BLACK = "black", _("Black, Black British, Black Welsh, Caribbean or African")
    MIXED = "mixed", _("Mixed or Multiple ethnic groups")
    WHITE = "white", _("White")
    OTHER = "other", _("Other ethnic group")
    NOT_KNOWN = NOT_KNOWN, _("Not known")
    PREFER_NOT = PREFER_NOT, _("Prefer not to say")


class Ethnicity(models.TextChoices):
    """The 19 detailed categories of the 2021 Census for England and Wales."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", _("Asian: Bangladeshi")
    ASIAN_CHINESE = "asian_chinese", _("Asian: Chinese")
    ASIAN_INDIAN = "asian_indian", _("Asian: Indian")
    ASIAN_PAKISTANI = "asian_pakistani", _("Asian: Pakistani")
    ASIAN_OTHER = "asian_other", _("Asian: any other Asian background")
    BLACK_AFRICAN = "black_african", _("Black: African")
    BLACK_CARIBBEAN = "black_caribbean", _("Black: Caribbean")
    BLACK_OTHER = "black_other", _("Black: any other Black, Black British or Caribbean background")
    MIXED_WHITE_ASIAN = "mixed_white_asian", _("Mixed: White and Asian")
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", _("Mixed: White and Black African")
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_white_black_caribbean", _("Mixed: White and Black Caribbean")
    MIXED_OTHER = "mixed_other", _("Mixed: any other Mixed or multiple ethnic background")
    WHITE_BRITISH = "white_british", _("White: English, Welsh, Scottish, Northern Irish or British")
    WHITE_IRISH = "white_irish", _("White: Irish")
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", _("White: Gypsy or Irish Traveller")
    WHITE_ROMA = "white_roma", _("White: Roma")
    WHITE_OTHER = "white_other", _("White: any other White background")
    OTHER_ARAB = "other_arab", _("Other ethnic group: Arab")
    OTHER_ANY = "other_any", _("Other ethnic group: any other ethnic group")
    NOT_KNOWN = NOT_KNOWN, _("Not known")
    PREFER_NOT = PREFER_NOT, _("Prefer not to say")

    @classmethod
    def group_of(cls, value: str) -> str:
        """The census high-level group of a detailed category."""
        if value in (NOT_KNOWN, PREFER_NOT):
            return value
        return value.split("_", 1)[0]


class EducationStatus(models.TextChoices):
    IN_SCHOOL = "in_school", _("At school")
    HOME_EDUCATED = "home_educated", _("Home educated")
    IN_COLLEGE = "in_college", _("At college")
    NOT_IN_SCHOOL = "not_in_school", _("Not in school, college or home education")


class YearGroup(models.TextChoices):
    NURSERY = "N", _("Nursery")
    RECEPTION = "R", _("Reception")
    Y1 = "1", _("Year 1")
    Y2 = "2", _("Year 2")
    Y3 = "3", _("Year 3")
    Y4 = "4", _("Year 4")
    Y5 = "5", _("Year 5")
    Y6 = "6", _("Year 6")
    Y7 = "7", _("Year 7")
    Y8 = "8", _("Year 8")
    Y9 = "9", _("Year 9")
    Y10 = "10", _("Year 10")
    Y11 = "11", _("Year 11")
    Y12 = "12", _("Year 12")
    Y13 = "13", _("Year 13")


class ConsentPurpose(models.TextChoices):
    DATA_PROCESSING = "data_processing", _("Keeping and using their details to run music-making")
    MEDIA = "media", _("Photos, audio and video")
    PUBLIC_SHARING = "public_sharing", _("Sharing their achievements in public")


class Characteristic(models.TextChoices):
    """The characteristics population figures are broken down by (the population import's layout)."""

    ALL = "all", _("All pupils")
    FSM = "fsm", _("Free school meals")
    SEN_SUPPORT = "sen_support", _("SEN support")
    EHCP = "ehcp", _("EHCP")
    EAL = "eal", _("English as an additional language")
    ETHNIC_GROUP = "ethnic_group", _("Ethnic group")
    SEX = "sex", _("Sex")
