"""The demo city's reference data: made-up schools, areas and population, imported through the real imports.

The files are in musichub/people/sample_data/ (invented; see generate.py there). Idempotent: the imports
update by natural key, so a second call changes nothing (each call is still recorded in the import history).
"""

from datetime import date
from pathlib import Path

from .imports import Source, run_import
from .models import ImportRun

SAMPLE_DATA = Path(__file__).resolve().parent / "sample_data"
DEMO_LA_CODE = "852"
DEMO_POPULATION_AS_OF = date(2025, 1, 16)  # the January 2025 school census day

DEMO_IMPORTS = [
    (ImportRun.Kind.DEPRIVATION, "deprivation_sample.csv", {}),
    (ImportRun.Kind.POSTCODES, "postcodes_sample.csv", {}),
    (ImportRun.Kind.SCHOOLS, "gias_sample.csv", {"la": DEMO_LA_CODE}),
    (ImportRun.Kind.POPULATION, "population_sample.csv", {"as_of": DEMO_POPULATION_AS_OF}),
]


def load_demo_areas_and_schools() -> None:
    """Import the four sample files (areas, then schools, then population). Raises RuntimeError if one fails."""
    for kind, filename, options in DEMO_IMPORTS:
        run = run_import(kind=kind, source=Source.from_path(SAMPLE_DATA / filename), options=options)
        if run.status != ImportRun.Status.COMPLETED:
            raise RuntimeError(f"the demo {kind} sample did not import: {run.problems[:3]}")
