"""aceskit menus for interactive Nuke sessions: Nodes > aceskit, plus the settings callbacks."""

import aceskit_nuke.ui

aceskit_nuke.ui.build_menu()
aceskit_nuke.ui.register_callbacks()
