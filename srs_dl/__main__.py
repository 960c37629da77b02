from srs_dl.cli import main

raise SystemExit(main())
