"""Reliability and security tests: bad inputs, faults, reproducibility, escaping, fuzzing."""
