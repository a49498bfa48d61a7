"""w2v-gui: train word2vec on your own text, watch it learn, explore the vectors.

One import name for the whole distribution: ``w2v_gui.core`` is the engine (the
``core/`` folder; pure NumPy, never imports Qt), ``w2v_gui.assets`` the bundled data
(``assets/``), and the rest of ``w2v_gui`` the Qt app. This module imports no Qt, so
``import w2v_gui.core`` stays free of it.
"""

from w2v_gui.core import prefer_single_threaded_blas

# Before anything imports NumPy: the app's own threads do the parallel work.
prefer_single_threaded_blas()
