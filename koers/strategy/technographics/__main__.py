"""``python -m koers.strategy.technographics FILE.csv [--json] [--lang nl]``."""

from __future__ import annotations

import sys

from koers.strategy.technographics.cli import main

raise SystemExit(main(sys.argv[1:]))
