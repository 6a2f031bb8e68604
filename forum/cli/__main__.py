"""`python -m forum.cli`, the same as `forum`."""

from forum.cli import main

raise SystemExit(main())
