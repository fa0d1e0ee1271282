"""Where things live by default: raw inputs and the warehouse under data/."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ETL_DATA = PROJECT_ROOT / "etl" / "data"  # the taxonomy, word lists and mappings
DEFAULT_RAW = PROJECT_ROOT / "data" / "raw"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse"
DEFAULT_EMBEDDED = PROJECT_ROOT / "data" / "embedded"
