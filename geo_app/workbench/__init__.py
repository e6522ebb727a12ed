"""Plan workbench: from a plan document to a draft layer catalog, without writing YAML.

The steps are small modules, each named for its job:

- ``importer``: .txt / .docx / text-layer .pdf -> text (clear errors for scans and odd encodings)
- ``normalize``: width folding, broken lines, page furniture -> text + offset map to the original
- ``gazetteer``: the plan's counties and neighbours, matched with ``geo_app.names`` (one rule)
- ``draft``: readable rules that propose place-bound items with verbatim quotes
- ``catalog_writer``: the draft as a catalog YAML file, written atomically
"""
