"""`python -m forum`, the same as `forum`."""

from forum.cli import main

raise SystemExit(main())
