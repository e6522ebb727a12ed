"""Plan workbench: from a plan document to a draft layer catalog, without writing YAML.

Small modules, each named for its job (``python -m geo_app draft`` runs ``workflow.draft_file``):

- ``importer``: .txt / .docx / text-layer .pdf -> text (clear errors for scans and odd encodings)
- ``normalize``: widths, traditional forms, broken lines, page furniture -> text + offset map
- ``gazetteer``: the plan's places and neighbours, matched with ``geo_app.names`` (one rule)
- ``segment``: sections, sentences and clauses
- ``rules``: the word lists (heads and categories, boundaries, status words, type words)
- ``reading``: a name read leftwards from its head; type words, lists
- ``items``: the items of a sentence (names, lists, quote, counties, status)
- ``patterns``: items without a head word (focus areas, local products, protected features, towns)
- ``draft``: the whole plan (merge repeated mentions, notes); ``model.DraftItem`` is what it yields
- ``locate``: location kind and geometry recipe (zone, stand_in at a seat, named_area, region_wide)
- ``naming``: feature ids and placeholder English names
- ``catalog_writer``: the draft as a catalog YAML file, written atomically (``geo_app.fileio``)

Reviewing (the app's 规划工作台 page, ``app/workbench_*.py``):

- ``document``: a catalog file as read (text, version, header, features); block-preserving rewrite
- ``edits``: review operations (accept, edit, counties, place, merge, reject, add, restore) and places
- ``review``: ``save``: locked, version-checked (conflicts, merge), validated like ``check``, atomic, recorded
- ``history``: the change history (``layers/history/<plan>.jsonl``) and undo
- ``plantext``: a quote in the plan text, the text around it, finding words, proposing a missed item
- ``preview``: the plan's counties, towns and rule features; an unsaved recipe's geometry
- ``strings``: the page's messages (zh/en)
"""
