import sys

from cruddur.admin.cli import main

sys.exit(main())
