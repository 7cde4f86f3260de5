"""What the emulator holds (MOTO_CENSUS=<file>): no fix of moto, a measurement of it.

Every MOTO_CENSUS_SECONDS (default 60) a thread counts the objects the garbage collector tracks, by
type, and appends the types that grew since the last count to <file>, with what holds a sample of
the objects of the types that grew most (what refers to them, three steps up). A long run
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


def _holders(objects, targets, steps=3):
    """For each type named in `targets` (type name → its objects), what refers to them, `steps` up:
    "holder type ← its holder's type ← …", one pass of the heap's references a step (never
    gc.get_referrers: a heap scan for each object); each chain counted once per distinct top holder."""
    wanted = {id(obj): name for name, objs in targets.items() for obj in objs}
    frontier = {}  # id(top holder) → (top holder, target name, chain so far)
    for holder in objects:
        for referent in gc.get_referents(holder):
            name = wanted.get(id(referent))
            if name is not None:
                frontier[id(holder)] = (holder, name, _name(holder))
    found = {name: collections.Counter() for name in targets}
    for _ in range(steps - 1):
        held, above = set(), {}
        for outer in objects:
            for referent in gc.get_referents(outer):
                entry = frontier.get(id(referent))
                if entry is not None:
                    held.add(id(referent))
                    above[id(outer)] = (outer, entry[1], f"{entry[2]} ← {_name(outer)}")
        for key, (_, name, chain) in frontier.items():
            if key not in held:
                found[name][f"{chain} ← (a module, a frame or a root)"] += 1
        frontier = above
    for _, name, chain in frontier.values():
        found[name][chain] += 1
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
        # Nothing of this count may outlive it: a sample kept till the next count would be counted again, and grow.
        del objects, by_type, targets


def apply(path):
    every = float(os.environ.get("MOTO_CENSUS_SECONDS", "60"))
    threading.Thread(target=_count_forever, args=(path, every), name="census", daemon=True).start()
