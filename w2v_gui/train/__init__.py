"""The Train tab's panels: corpus, parameters, training controls and plots, watched words, files."""
