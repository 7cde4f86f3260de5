"""moto_server with the fixes that make moto answer as AWS does where a Terraform-deployed stack relies on it.

    python3 emulation/moto/launcher.py -H 127.0.0.1 -p 4566      (the same arguments as moto_server)
    python3 emulation/moto/launcher.py --check-version          (exit 0 when moto is the pinned version)

Version. The fixes reach into moto's internals and were tested with one version of moto, the one
emulation/moto/requirements.txt pins: the launcher refuses any other (exit 1, saying how to get the
pinned one) before it imports a fix, and --check-version is that check alone.

Fixes. Each is a module of fixes/<service>/ whose docstring says what moto does, what AWS does and
what the fix changes; its apply() patches moto in place. FIXES lists them in the order they are
applied: where two fixes wrap the same method of moto, the later one wraps the earlier (the order is
noted where it matters). The proofs are test/emulation/moto/fixes/, on a bare emulator, and
test/unit/emulation/moto/fixes.test.ts for the bounds on what moto keeps, in process.

Profiling: MOTO_PROFILE=<file> samples where the emulator's CPU goes (profiling.py); bench/README.md
says how to read what it writes.
"""

import importlib
import os
import re
import sys

FIXES = [
    # moto itself: its models are freed once unused (first: every object made after holds to it).
    "core.instances_not_kept",
    # DynamoDB. The rollback before the lock: a transaction's snapshot is then taken under the lock.
    "dynamodb.item_level_rollback",
    "dynamodb.transaction_isolation",
    "dynamodb.query_one_partition",
    "dynamodb.answers_as_json",
    "dynamodb.update_expression_parsed_once",
    "dynamodb.walker_types_once",
    "dynamodb.ttl_expiry",
    # DynamoDB Streams. retention wraps the append and the transaction the DynamoDB fixes and
    # no_mapping_delivery left; the wait wraps the append last: it wakes its waiters once the record is there.
    "dynamodbstreams.no_mapping_delivery",
    "dynamodbstreams.retention",
    "dynamodbstreams.iterator_expiry",
    "dynamodbstreams.wait_for_record",
    # SQS. send_without_recount wraps the attributes last: during a send nothing else is computed.
    "sqs.redrive_allow_policy",
    "sqs.policy_kept",
    "sqs.redrive_policy_compact",
    "sqs.retention_without_recount",
    "sqs.send_without_recount",
    "sqs.no_mapping_delivery",
    "sqs.deleted_receipts",
    "sns.sent_notifications",
    "ses.sent_emails",
    "ses.sent_messages",
    "ses.list_identities_path",
    "logs.query_definitions",
    "core.method_names_once",
    # moto_server itself.
    "server.modules_listed_once",
    "server.log_writer",
    "server.local_endpoints",
]


def _pinned_moto():
    """The version emulation/moto/requirements.txt pins (its `moto[server]==X` line)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "requirements.txt")
    with open(path, encoding="utf-8") as requirements:
        for line in requirements:
            match = re.match(r"\s*moto\[server\]==([^\s#;]+)", line)
            if match:
                return match.group(1)
    raise SystemExit(f"{path} pins no moto[server]==<version>")


def _check_moto_version():
    """Exits (status 1) unless moto is the pinned version with its server extra, saying how to get it."""
    pinned = _pinned_moto()
    how = (
        f"`make install` puts it in the project's .venv (or: {sys.executable} -m pip install -r emulation/moto/requirements.txt"
        " in a virtual environment; PYTHON=<interpreter> chooses the Python that runs it)"
    )
    try:
        import moto
    except ImportError:
        raise SystemExit(f"launcher.py needs moto {pinned} (moto[server]=={pinned}); {sys.executable} has no moto: {how}")
    if moto.__version__ != pinned:
        raise SystemExit(
            f"launcher.py needs moto {pinned} (moto[server]=={pinned}), the version its fixes are tested with;"
            f" {sys.executable} has moto {moto.__version__}: {how}"
        )
    try:
        import moto.server  # noqa: F401  (the server extra: flask, werkzeug)
    except ImportError as missing:
        raise SystemExit(f"moto {pinned} is installed without its server extra ({missing}): {how}")


def apply_fixes():
    for name in FIXES:
        importlib.import_module(f"fixes.{name}").apply()


if __name__ == "__main__":
    sys.dont_write_bytecode = True  # no __pycache__ beside the fixes: the source tree stays as checked out
    _check_moto_version()
    if sys.argv[1:] == ["--check-version"]:
        print(f"moto {_pinned_moto()} ({sys.executable})")
        sys.exit(0)
    apply_fixes()
    if os.environ.get("MOTO_PROFILE"):
        import profiling

        profiling.apply(os.environ["MOTO_PROFILE"])
    if os.environ.get("MOTO_CENSUS"):
        import census

        census.apply(os.environ["MOTO_CENSUS"])
    from moto.server import main

    sys.exit(main())
