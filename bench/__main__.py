"""`python -m bench run <name> …` (see bench/run.py)."""

from bench.run import main

main()
