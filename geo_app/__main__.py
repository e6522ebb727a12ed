"""``python -m geo_app``."""

from geo_app.cli import main

raise SystemExit(main())
