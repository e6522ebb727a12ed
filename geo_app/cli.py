"""Command line: ``python -m geo_app ...``. Thin wrappers over the same functions the app uses.

Every failure a user can cause (unknown region, bad format, existing file) ends with one
clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from geo_app import __version__


class UserError(Exception):
    """A problem with the user's input, reported as one line."""


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]


def _out_path(path: str, force: bool) -> Path:
    out = Path(path)
    if out.exists() and not force:
        raise UserError(f"{out} exists; pass --force to overwrite it")
    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    return out


def cmd_regions(args: argparse.Namespace) -> int:
    from geo_app import boundaries

    hits = boundaries.find_regions(args.query, limit=args.limit)
    if not hits:
        near = boundaries.suggest(args.query)
        hint = f"; did you mean: {', '.join(near)}?" if near else ""
        raise UserError(f"no region matches {args.query!r}{hint}")
    for r in hits:
        parent = r.prefecture_zh if r.level == "county" else (r.province_zh if r.level == "prefecture" else "")
        print(f"{r.adcode}\t{r.level}\t{r.name_zh}\t{r.name_en}\t{parent or ''}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from geo_app import export

    out = _out_path(args.out, args.force)
    result = export.export_layers(
        layers=_split(args.layers),
        regions=_split(args.region) if args.region else None,
        fmt=args.format,
        crs=args.crs,
        out=out,
    )
    print(f"wrote {result.path} ({result.count} features, {result.crs_label})")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from geo_app import catalog

    cat = catalog.load_catalog(Path(args.layers_dir)) if args.layers_dir else catalog.load_catalog()
    counts = cat.counts()
    print(counts.to_string())
    print(f"OK: {len(cat.features)} features in {len(cat.plans)} plans")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo_app",
        description="Map the place-bound items of regional development plans (Linxia 2022, Zhangye 2021).",
    )
    parser.add_argument("--version", action="version", version=f"geo_app {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("regions", help="list regions matching a name or adcode",
                       description="List Chinese provinces, prefectures and counties matching QUERY "
                                   "(adcode, Chinese name or short form such as 东乡县, or pinyin).")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=cmd_regions)

    p = sub.add_parser("export", help="write layers as GeoJSON and other GIS formats",
                       description="Export boundaries or plan layers for GIS tools.")
    p.add_argument("--layers", default="all",
                   help="comma list: counties, all, a plan id (linxia, zhangye), a category, or feature ids")
    p.add_argument("--region", help="comma list of adcodes or names (default: the plans' prefectures)")
    p.add_argument("--format", default="geojson", help="geojson (more formats: see README)")
    p.add_argument("--crs", default="EPSG:4326", help="EPSG:4326")
    p.add_argument("--out", required=True, help="output file")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("check", help="validate the layer catalog and print counts",
                       description="Validate layers/*.yaml against the schema and the plan texts.")
    p.add_argument("--layers-dir", help="folder of plan YAML files (default: layers/)")
    p.set_defaults(func=cmd_check)
    return parser  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (UserError, LookupError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
