"""Hiring Radar ETL: raw job postings -> canonical schema -> tagged Parquet warehouse."""
