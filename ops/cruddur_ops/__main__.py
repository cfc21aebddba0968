import sys

from cruddur_ops.cli import main

sys.exit(main())
