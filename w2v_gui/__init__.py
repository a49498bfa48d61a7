"""The Qt face of w2v-gui: shows core objects and forwards user actions to core."""
