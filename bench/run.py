"""One command for the benchmarks of issue 8:

    .venv/bin/python -m bench run overhead [--n 20] [--concurrency 1] [--db sqlite]
    .venv/bin/python -m bench run burst [--n 10000] [--wards 100] [--concurrency 16]
    .venv/bin/python -m bench run reads [--sizes 10000 100000] [--db sqlite postgresql]
    .venv/bin/python -m bench run documents [--awardees 500]
    .venv/bin/python -m bench run audit [--n 2000] [--chains 1 200] [--db sqlite postgresql]
        [--pairs 5 50] [--pair-n 400]

Each prints its figures (a markdown table) and writes them as JSON + markdown under
bench/results/. `bench/pages.py` (every page with 10,000 nominations) runs on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run one benchmark")
    names = run.add_subparsers(dest="name", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--results-dir",
            type=Path,
            default=None,
            help="where to write the JSON and markdown (default bench/results/)",
        )
        sub.add_argument("--quiet", action="store_true", help="no progress line")

    overhead = names.add_parser("overhead", help="engine vs bare Temporal, same server")
    overhead.add_argument("--n", type=int, default=20, help="nominations of each kind")
    overhead.add_argument("--concurrency", type=int, default=1)
    overhead.add_argument("--warmup", type=int, default=2)
    overhead.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    common(overhead)

    burst = names.add_parser("burst", help="N nominations across many wards, year-end")
    burst.add_argument("--n", type=int, default=10_000, help="nominations in all")
    burst.add_argument("--wards", type=int, default=100)
    burst.add_argument(
        "--concurrency",
        type=int,
        default=16,
        help="API requests in flight at once (people working at the same time)",
    )
    burst.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    burst.add_argument(
        "--max-cached-workflows",
        type=int,
        default=None,
        help="tuning experiment: the worker's workflow cache (default: the engine's)",
    )
    burst.add_argument(
        "--max-concurrent-workflow-tasks",
        type=int,
        default=None,
        help="tuning experiment (default: the engine's)",
    )
    burst.add_argument(
        "--sample-histories", type=int, default=20, help="nominations whose histories are analysed"
    )
    burst.add_argument(
        "--worker-processes",
        type=int,
        default=0,
        help="run the worker as N `thidua worker` processes beside the API, as "
        "docker-compose does (default 0: inside the engine process, as "
        "`thidua up` does)",
    )
    burst.add_argument(
        "--profile",
        action="store_true",
        help="sample the main thread's stack (where the engine process spends time)",
    )
    common(burst)

    reads = names.add_parser("reads", help="list, board and nomination latency")
    reads.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    reads.add_argument(
        "--db", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    reads.add_argument("--repeat", type=int, default=40)
    reads.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="leave the garbage collector as is (default: gc.freeze() after start-up)",
    )
    common(reads)

    documents = names.add_parser("documents", help="a decision of N awardees rendered and signed")
    documents.add_argument("--awardees", type=int, default=500)
    documents.add_argument("--repeat", type=int, default=3)
    documents.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    common(documents)

    audit = names.add_parser("audit", help="the audit chain's cost per write (issue 18)")
    audit.add_argument("--n", type=int, default=2000, help="writes of each kind")
    audit.add_argument(
        "--chains",
        type=int,
        nargs="*",
        default=[1, 200],
        help="chains of the one-chain writes (none: skip that section)",
    )
    audit.add_argument("--concurrency", type=int, default=8)
    audit.add_argument(
        "--pairs",
        type=int,
        nargs="*",
        default=[],
        help="chain pairs of the two-chain writes, one by one vs locks first (none by default)",
    )
    audit.add_argument(
        "--pair-n", type=int, default=400, help="two-chain transactions of each mode"
    )
    audit.add_argument(
        "--db", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    common(audit)
    return parser


async def dispatch(args: argparse.Namespace) -> dict:
    if args.name == "overhead":
        from . import overhead

        return await overhead.run(
            args.n,
            concurrency=args.concurrency,
            db=args.db,
            warmup=args.warmup,
            quiet=args.quiet,
            results_dir=args.results_dir,
        )
    if args.name == "burst":
        from . import burst

        return await burst.run(
            args.n,
            wards=args.wards,
            concurrency=args.concurrency,
            db=args.db,
            max_cached_workflows=args.max_cached_workflows,
            max_concurrent_workflow_tasks=args.max_concurrent_workflow_tasks,
            sample_histories=args.sample_histories,
            quiet=args.quiet,
            results_dir=args.results_dir,
            profile=args.profile,
            worker_processes=args.worker_processes,
        )
    if args.name == "reads":
        from . import reads

        return await reads.run(
            args.sizes,
            backends=args.db,
            repeat=args.repeat,
            gc_freeze=not args.no_gc_freeze,
            quiet=args.quiet,
            results_dir=args.results_dir,
        )
    if args.name == "audit":
        from . import audit_chain

        return await audit_chain.run(
            args.n,
            chains=args.chains,
            backends=args.db,
            concurrency=args.concurrency,
            pairs=args.pairs,
            pair_n=args.pair_n,
            quiet=args.quiet,
            results_dir=args.results_dir,
        )
    from . import documents

    return await documents.run(
        args.awardees,
        repeat=args.repeat,
        db=args.db,
        quiet=args.quiet,
        results_dir=args.results_dir,
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result = asyncio.run(dispatch(args))
    print(result["markdown"])
    print("\nwritten: " + ", ".join(result["files"]), file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    # The Temporal SDK can abort at interpreter exit after all work is done (sdk-python#300):
    # the figures are written; leave without running the interpreter's shutdown.
    gc.collect()
    os._exit(0)


if __name__ == "__main__":
    main()
