"""The assessments' tests use the shared fixtures of parindex/conftest.py: `cycle`,
`assessment_a`, TODAY and DEADLINE."""

from parindex.conftest import DEADLINE, TODAY

__all__ = ["DEADLINE", "TODAY"]
