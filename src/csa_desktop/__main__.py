"""`python -m csa_desktop` opens the GUI."""

import sys

from csa_desktop.app import main

sys.exit(main())
