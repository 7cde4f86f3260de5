"""What the emulator holds (MOTO_CENSUS=<file>): no fix of moto, a measurement of it.

Every MOTO_CENSUS_SECONDS (default 60) a thread counts the objects the garbage collector tracks, by
type, and appends the types that grew since the last count to <file>, with what holds a sample of
the objects of the types that grew most (what refers to them, two steps up). A long run
that grows shows here what it keeps. Each count holds the GIL for a second or so: for diagnosis, not
for a run whose speed is measured.
"""

import collections
import gc
import os
import random
import threading
import time


def _name(obj):
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def _holders(objects, targets):
    """For each type named in `targets` (type name → its objects), what refers to them, two steps up:
    "holder type ← its holder's type" counted over two passes of the heap's references (never
    gc.get_referrers: a heap scan for each object)."""
    wanted = {id(obj): name for name, objs in targets.items() for obj in objs}
    holders = {}  # id(holder) → (holder, target name)
    for holder in objects:
        for referent in gc.get_referents(holder):
            name = wanted.get(id(referent))
            if name is not None:
                holders[id(holder)] = (holder, name)
    found = {name: collections.Counter() for name in targets}
    held = set()
    for outer in objects:
        for referent in gc.get_referents(outer):
            entry = holders.get(id(referent))
            if entry is not None:
                held.add(id(referent))
                found[entry[1]][f"{_name(entry[0])} ← {_name(outer)}"] += 1
    for key, (holder, name) in holders.items():
        if key not in held:
            found[name][f"{_name(holder)} ← (a module, a frame or a root)"] += 1
    return {name: counter.most_common(5) for name, counter in found.items()}


def _count_forever(path, every):
    before = collections.Counter()
    while True:
        time.sleep(every)
        objects = gc.get_objects()
        by_type = collections.defaultdict(list)
        for obj in objects:
            by_type[f"{type(obj).__module__}.{type(obj).__qualname__}"].append(obj)
        counts = collections.Counter({name: len(objs) for name, objs in by_type.items()})
        grew = [(name, counts[name] - before[name]) for name in counts if counts[name] > before[name]]
        grew.sort(key=lambda item: -item[1])
        lines = [f"{time.strftime('%H:%M:%S')} {len(objects)} objects; grew:"]
        for name, delta in grew[:12]:
            lines.append(f"  +{delta} {name} ({counts[name]})")
        targets = {name: by_type[name] for name, _ in grew[:5] if not name.startswith("builtins.")}
        for name, held in _holders(objects, targets).items():
            lines.append(f"  held: {name} ← {held}")
        with open(path, "a") as out:
            out.write("\n".join(lines) + "\n")
        before = counts
        del objects, by_type


def apply(path):
    every = float(os.environ.get("MOTO_CENSUS_SECONDS", "60"))
    threading.Thread(target=_count_forever, args=(path, every), name="census", daemon=True).start()
