"""``python -m w2v_gui`` starts the app."""

import sys

from w2v_gui.app import main

sys.exit(main())
