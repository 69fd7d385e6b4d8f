"""The breakdowns of volunteers that have no reference table, and what their groups are called.

Areas, cohorts and event formats have their names in data/reference/; the sexes, age
bands and employment groups of the data contract (`contract.CATEGORY_SETS`) have them
here, once, in every language of the report (`term`, translated by terms.yml): the
chapters' tables and the return forms both name the groups from here.
"""

from __future__ import annotations

from volreport.core.i18n import term
from volreport.data import contract

SEXES = contract.CATEGORY_SETS["sex"]
AGE_BANDS = contract.CATEGORY_SETS["age_band"]
EMPLOYMENT = contract.CATEGORY_SETS["employment"]


def sex_names(language: str | None = None) -> dict[str, str]:
    """The sexes (SEXES) as tables name them, in the current language (or `language`)."""
    return {"female": term("Women", language), "male": term("Men", language)}


def age_band_names(language: str | None = None) -> dict[str, str]:
    """The age groups (AGE_BANDS) as tables name them, in the current language (or
    `language`)."""
    return {
        "under_18": term("Under 18", language),
        "18_29": term("18 to 29", language),
        "30_retirement": term("30 to retirement age", language),
        "retired": term("Retirement age", language),
    }


def employment_names(language: str | None = None) -> dict[str, str]:
    """The employment groups (EMPLOYMENT) as tables name them, in the current language (or
    `language`)."""
    return {
        "school": term("School pupils", language),
        "student": term("Students", language),
        "neet": term("Not in employment, education or training", language),
        "employed": term("Employed", language),
        "unemployed": term("Unemployed", language),
    }
