"""Command line: ``python -m geo_app ...``. Thin wrappers over the same functions the app uses.

Every failure a user can cause (unknown region, bad format, existing file, an output path that
is a device, a folder or under a file) ends with one clear line on stderr and exit code 2; a
failure of the machine (disk full, permission denied) with one line and exit code 1; never a
traceback (set GEO_APP_DEBUG=1 to see one). Outputs are written atomically: a failed write
leaves no partial file and an existing file as it was.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from geo_app import __version__
from geo_app.fileio import OutputPathError, atomic_write_bytes, atomic_write_text, check_output_path


class UserError(Exception):
    """A problem with the user's input, reported as one line."""


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]


def _out_path(path: str, force: bool) -> Path:
    """``--out`` checked: only a regular file may be replaced, and only with ``--force``."""
    return check_output_path(path, force)


def _shown(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def cmd_regions(args: argparse.Namespace) -> int:
    from geo_app import boundaries

    hits = boundaries.find_regions(args.query, limit=args.limit)
    if not hits:
        near = boundaries.suggest(args.query)  # no fuzzy search for over-long queries
        hint = f"; did you mean: {', '.join(near)}?" if near else ""
        raise UserError(f"no region matches {_shown(args.query)!r}{hint}")
    for r in hits:
        parent = r.prefecture_zh if r.level == "county" else (r.province_zh if r.level == "prefecture" else "")
        print(f"{r.adcode}\t{r.level}\t{r.name_zh}\t{r.name_en}\t{parent or ''}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from geo_app import export

    fmt = export.check_format(args.format, args.out)
    export.check_combination(fmt, args.crs)
    out = _out_path(args.out, args.force)
    result = export.export_layers(
        layers=_split(args.layers),
        regions=_split(args.region) if args.region else None,
        county=_split(args.county) if args.county else None,
        fmt=fmt,
        crs=args.crs,
        out=out,
        force=args.force,
        data=_strict_data(),
    )
    print(result.summary())
    return 0


def _export_epilog() -> str:
    """The export help's format and CRS lists, from the writer registry (one source of truth)."""
    from geo_app.export import CRS_LABELS, FORMATS, crs_label

    lines = ["formats (--format; guessed from the --out suffix when omitted):"]
    lines += [f"  {k:<8} {w.label_en}; writes {w.ext}; CRS: {', '.join(w.crs_ok)}" for k, w in FORMATS.items()]
    lines += ["coordinate systems (--crs):"]
    lines += [f"  {c:<10} {crs_label(c, 'en')}" for c in CRS_LABELS]
    lines += [
        "  EPSG:45xx  an explicit CGCS2000 3-degree Gauss-Kruger zone (EPSG:4534-4554)",
        "auto-gk takes the zone of each plan region; a selection over regions in two zones stops and names them.",
        "GCJ02 files carry a CRS named 'GCJ-02 ... NOT WGS 84' and _GCJ02 in their names.",
        "Region-wide items have no geometry: null in GeoJSON, table region_wide_items in GeoPackage,",
        "region_wide_items.csv in the shapefile zip, empty lon/lat in CSV, no-geometry placemarks in KML.",
        "layers (--layers, comma list): all | counties | a plan id or short name | a category |",
        "  a location kind (site, region_wide, ...) | plan:category | feature ids",
        "examples:",
        "  python -m geo_app export --layers counties --region ADCODE_OR_NAME --out counties.geojson",
        "  python -m geo_app export --layers PLAN_ID --crs auto-gk --out plan.gpkg",
        "  python -m geo_app export --layers all --county COUNTY_NAME --format csv --out county.csv.zip",
    ]
    return "\n".join(lines)


def cmd_image(args: argparse.Namespace) -> int:
    from geo_app import printmap

    printmap.check_options(args.out, args.size, args.lang)
    out = _out_path(args.out, args.force)
    result = printmap.render_map(  # written atomically (fileio.atomic_write_bytes)
        out,
        size=args.size,
        lang=args.lang,
        layers=_split(args.layers),
        region=args.region,
        title=args.title,
        dpi=args.dpi,
        data=_strict_data(),
    )
    print(result.summary())
    return 0


def _strict_data():
    """The map data, stopping on any catalog problem (listed, as ``check`` lists them): a file
    for a GIS team or a print must not silently lack the items of a broken plan file."""
    from geo_app.mapdata import load_map_data

    return load_map_data(strict=True)


def _choice(catalog, value: str):
    """The region choice ``--region`` names (all, a plan id, a region adcode), or a UserError."""
    from geo_app import regions

    choice = regions.resolve_choice(catalog, value)
    if choice is None:
        names = ", ".join(regions.region_choices(catalog))
        raise UserError(f"unknown region {_shown(value)!r}; choose one of {names}")
    return choice


def _lang(value: str) -> str:
    if value not in ("zh", "en"):
        raise UserError(f"unknown language {_shown(value)!r}; choose zh or en")
    return value


def cmd_html(args: argparse.Namespace) -> int:
    out = _out_path(args.out, args.force)  # first: a refused --out needs no map
    from geo_app.web.spec import MapSpec
    from geo_app.web.standalone import standalone_html

    data = _strict_data()
    choice = _choice(data.catalog, args.region)
    spec = MapSpec(lang=_lang(args.lang), plans=choice.plans, frame=choice.adcodes, mode="standalone")
    html = standalone_html(data, spec, title=args.title)
    atomic_write_text(out, html)
    print(f"wrote {out} ({len(html.encode('utf-8')) / 1e6:.1f} MB, self-contained: opens offline by double-click)")
    return 0


def cmd_deck(args: argparse.Namespace) -> int:
    args.format = args.format or ("pdf" if args.out.lower().endswith(".pdf") else "html")
    if args.format not in ("html", "pdf"):
        raise UserError(f"unknown deck format {_shown(args.format)!r}; choose html or pdf")
    _lang(args.lang)
    out = _out_path(args.out, args.force)  # before the map is built: a refused --out costs nothing
    from geo_app import deck, scenes
    from geo_app.web.layers import layer_keys

    data = _strict_data()
    decks = scenes.load_decks(layer_keys(data), set(data.features["id"]))
    wanted = _split(args.decks) if args.decks else list(decks)
    unknown = [d for d in wanted if d not in decks]
    if unknown:
        raise UserError(f"unknown deck {', '.join(map(_shown, unknown))}; choose from {', '.join(decks)}")
    chosen = [decks[d] for d in wanted]
    for d in chosen:
        for problem in d.problems:
            print(f"warning: {problem} (scene skipped)", file=sys.stderr)
    n = sum(len(d.scenes) for d in chosen)
    if args.format == "html":
        atomic_write_text(out, deck.deck_html(data, chosen, args.lang))
    else:
        from geo_app.printmap import deck_pdf_bytes

        def progress(fraction: float, message: str) -> None:
            if sys.stderr.isatty():
                print(f"\r{fraction:4.0%}  {message[:60]:<60}", end="" if fraction < 1 else "\n", file=sys.stderr)

        atomic_write_bytes(out, deck_pdf_bytes(data, chosen, args.lang, progress=progress))
    print(f"wrote {out} ({n} scenes, {args.format})")
    return 0


def cmd_warm(args: argparse.Namespace) -> int:
    """Build the disk caches the app reads at start (after installing or editing a catalog)."""
    import time

    from geo_app.boundaries import region_index
    from geo_app.mapdata import load_map_data
    from geo_app.web.topo import topology_url

    t0 = time.time()
    region_index()
    data = load_map_data(strict=False)
    for datum in ("WGS84", "GCJ02"):
        topology_url(data, datum)
    n, plans = len(data.features), len(data.catalog.plans)
    print(f"caches ready in {time.time() - t0:.1f} s ({n} features in {plans} plans)")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from geo_app import catalog

    cat = catalog.load_catalog(Path(args.layers_dir)) if args.layers_dir else catalog.load_catalog()
    print(cat.counts().to_string())
    print()
    print(cat.location_counts().to_string())
    print(f"OK: {len(cat.features)} features in {len(cat.plans)} plans")
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    from geo_app.workbench.workflow import draft_file

    result = draft_file(
        args.plan_file,
        plan_id=args.plan_id,
        regions=_split(args.region),
        out=_out_path(args.out, args.force),
        text_out=args.text_out,
        force=args.force,
        title_zh=args.title_zh,
        title_en=args.title_en,
        issuer_zh=args.issuer_zh,
        issued=args.issued,
    )
    print(result.summary())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo_app",
        description="Map the place-bound items of regional development plans (the plans in layers/*.yaml).",
    )
    parser.add_argument("--version", action="version", version=f"geo_app {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "regions",
        help="list regions matching a name or adcode",
        description="List Chinese provinces, prefectures and counties matching QUERY "
        "(adcode, Chinese name or short form such as 甘南州, or pinyin).",
    )
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=cmd_regions)

    from geo_app.export import CRS_LABELS, FORMATS

    p = sub.add_parser(
        "export",
        help=f"write plan layers and boundaries ({', '.join(FORMATS)})",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Export plan layers and county boundaries for GIS tools. Every export carries a metadata "
        "note (plans, date, CRS and datum treatment, location kinds, sources and licences, selection).",
        epilog=_export_epilog(),
    )
    p.add_argument(
        "--layers",
        default="all",
        help="comma list: all, counties, a plan id, a category id, a location kind, plan:category, "
        "or feature ids (default: all)",
    )
    p.add_argument(
        "--region",
        help="comma list: a region choice (all, a plan id, a region adcode of a "
        "multi-region plan) or any adcode or name (short forms accepted): the county "
        "boundaries to export; plan items are kept when linked to them "
        "(default: the plans' regions)",
    )
    p.add_argument(
        "--county", help="comma list of counties (adcode or name): keep the items linked to them, clipped to them"
    )
    p.add_argument(
        "--format",
        default=None,
        metavar="FORMAT",
        help=f"{' | '.join(FORMATS)} (default: from the --out suffix, else geojson)",
    )
    p.add_argument(
        "--crs", default="EPSG:4326", metavar="CRS", help=f"{' | '.join(CRS_LABELS)} | EPSG:45xx (default: EPSG:4326)"
    )
    p.add_argument("--out", required=True, help="output file (shp and csv: a .zip)")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "image",
        help="draw a print-ready static map (PNG at 300 dpi or vector PDF)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Draw the plan layers on the county map for slides and documents: every area item coloured, "
        "hatched and labelled, region-wide items listed in the legend, a locator, title, scale bar, "
        "north arrow, sources and date. Chinese text uses the Noto Sans CJK font "
        "(Debian: apt-get install fonts-noto-cjk).",
        epilog="""examples:
  python -m geo_app image --out map.png                       # A4 landscape, every plan, Chinese
  python -m geo_app image --out plan.pdf --region PLAN_ID --size 16:9 --lang en
  python -m geo_app image --out belts.png --layers industrial_belt,ecology --title 产业带与生态""",
    )
    p.add_argument("--out", required=True, help="output file: .png (300 dpi) or .pdf (vector)")
    p.add_argument(
        "--size",
        default="a4",
        metavar="SIZE",
        help="a4 (landscape, 297 x 210 mm) | 16:9 (13.333 x 7.5 in, slides) (default: a4)",
    )
    p.add_argument("--lang", default="zh", metavar="LANG", help="zh | en (default: zh)")
    p.add_argument(
        "--layers",
        default="all",
        help="comma list: all, a plan id, a category, plan:category, feature ids (default: all)",
    )
    p.add_argument(
        "--region",
        default=None,
        metavar="REGION",
        help="a region choice: all (every plan; regions far apart get a panel each), a plan id, or "
        "the adcode of one region of a multi-region plan (default: the first choice)",
    )
    p.add_argument("--title", help="title (default: the plans' titles); drawn literally")
    p.add_argument("--dpi", type=int, default=300, help="PNG resolution (default: 300)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_image)

    p = sub.add_parser(
        "check",
        help="validate the layer catalog and print counts",
        description="Validate layers/*.yaml against the schema and the plan texts.",
    )
    p.add_argument("--layers-dir", help="folder of plan YAML files (default: layers/)")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("warm", help="build the caches the app reads at start (run after installing)")
    p.set_defaults(func=cmd_warm)
    p = sub.add_parser(
        "html",
        help="write a self-contained offline HTML map",
        description="Write one HTML file with every JS/CSS inlined: layers, layer control, legend, "
        "popups with quotes, title, scale bar, north arrow, fullscreen, search and the "
        "offline basemap. Opens by double-click with no network.",
    )
    p.add_argument("--out", required=True, help="output .html file")
    p.add_argument(
        "--region",
        default="all",
        help="a region choice: all (default), a plan id, or a region adcode of a multi-region plan",
    )
    p.add_argument("--lang", default="zh", help="zh (default) or en")
    p.add_argument("--title", help="title shown on the map (default: the app title)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_html)

    p = sub.add_parser(
        "deck",
        help="write the presentation decks (offline HTML or PDF)",
        description="Write the scenes of scenes/*.yaml as one offline HTML file (arrow keys step "
        "through scenes, N shows speaker notes) or a PDF with one 16:9 page per scene.",
    )
    p.add_argument("--out", required=True, help="output .html or .pdf file")
    p.add_argument("--format", default=None, help="html (default for .html) or pdf (default for .pdf)")
    p.add_argument("--decks", help="comma list of deck ids (default: all decks in scenes/)")
    p.add_argument("--lang", default="zh", help="zh (default) or en")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_deck)

    p = sub.add_parser(
        "draft",
        help="propose a draft layer catalog from a plan document (.txt, .docx or text-layer .pdf)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Read a plan document and propose every place-bound item (belts, clusters, parks and zones, "
        "bases, reserves, scenic sites, platforms, county designations) with its verbatim quote, "
        "category, counties, status and location kind. Offline: rules and the boundary gazetteer. "
        "Every feature is written with review: draft.",
        epilog="""examples:
  python -m geo_app draft data/plans/myplan.txt --plan-id myplan --region <adcodes> --out layers/myplan.yaml
  python -m geo_app draft plan.docx --plan-id dingxi --region 621100 --title-zh 定西市规划 --out layers/dingxi.yaml
A document that is not a UTF-8 .txt inside data/plans/ is first saved there as data/plans/<ID>.txt
(or --text-out), because every quote is checked against that text.""",
    )
    p.add_argument("plan_file", metavar="PLAN_FILE", help="the plan: .txt (UTF-8, UTF-16 or GBK), .docx or .pdf")
    p.add_argument("--plan-id", required=True, help="short ASCII id [a-z0-9-], the prefix of every feature id")
    p.add_argument(
        "--region",
        required=True,
        metavar="ADCODES",
        help="comma list of the plan's regions: adcodes or names (province, prefecture or county)",
    )
    p.add_argument("--title-zh", help="plan title (default: read from the text)")
    p.add_argument("--title-en", help="English title (default: a placeholder to translate)")
    p.add_argument("--issuer-zh", help="issuing office (default: read from the text)")
    p.add_argument("--issued", help="issue date YYYY-MM-DD (default: read from the text)")
    p.add_argument("--out", required=True, help="the catalog file to write, e.g. layers/<ID>.yaml")
    p.add_argument("--text-out", help="where to save the plan text (default: data/plans/<ID>.txt when needed)")
    p.add_argument("--force", action="store_true", help="overwrite an existing --out (and saved text)")
    p.set_defaults(func=cmd_draft)
    return parser


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 600 else text[:600] + "…"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code (2: the input, 1: the machine or a bug)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (KeyError, IndexError) as exc:  # lookups that failed inside the code are bugs, not input
        return _bug(exc)
    except (UserError, LookupError, ValueError, FileNotFoundError, OutputPathError) as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # disk full, permission denied, read-only file system: fileio names the file
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:
        return _bug(exc)


def _bug(exc: Exception) -> int:
    """A bug: still one line for the user; GEO_APP_DEBUG=1 shows the traceback."""
    if os.environ.get("GEO_APP_DEBUG"):
        raise exc
    print(f"error: unexpected {type(exc).__name__}: {_one_line(exc)} (GEO_APP_DEBUG=1 for details)", file=sys.stderr)
    return 1
