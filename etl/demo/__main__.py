"""`python -m etl.demo OUT_DIR [--seed N] [--scale F]`."""

from etl.demo import main

raise SystemExit(main())
