"""``python -m villageplan``: the command line (see :mod:`villageplan.cli`)."""

from villageplan.cli import main

raise SystemExit(main())
