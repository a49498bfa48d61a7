"""The exploring panels: neighbours, analogy, map, strips, vocabulary, evaluation."""
