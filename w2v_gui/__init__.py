"""The Qt face of w2v-gui: shows core objects and forwards user actions to core."""

from core import prefer_single_threaded_blas

# Before anything imports NumPy: the app's own threads do the parallel work.
prefer_single_threaded_blas()
