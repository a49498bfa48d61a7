"""The maths behind the pictures of the vectors: 2-D maps, colour strips, vocabulary plots.

Pure NumPy, no Qt: the GUI's map, strip and vocabulary panels only draw what these
functions return, so every number in a picture can be tested here. One module per concern
(import from them, not from this package):

- :mod:`~w2v_gui.core.pictures.words` chooses the words: :func:`find_words`,
  :func:`neighbourhood`, :func:`most_frequent`, :func:`analogy`.
- :mod:`~w2v_gui.core.pictures.projection`: :func:`pca` projects vectors to 2-D (SVD, with
  a sign convention so the same vectors always give the same picture), :func:`word_map`
  applies it to chosen words and :func:`parallelogram` draws an analogy in the plane.
- :mod:`~w2v_gui.core.pictures.tsne`: :func:`tsne` lays words out by their neighbours
  (openTSNE, imported only when asked; progress and stop through its callbacks).
- :mod:`~w2v_gui.core.pictures.clusters`: :func:`kmeans` and :func:`frequency_bands`
  colour a map's points.
- :mod:`~w2v_gui.core.pictures.labels`: :func:`thin_labels` picks which labels of a crowded
  scatter plot to draw.
- :mod:`~w2v_gui.core.pictures.strips`: :func:`strip_rows`, :func:`diverging_colours`,
  :func:`symmetric_limit` and :func:`column_order` make "The Illustrated Word2Vec"'s
  coloured vector strips.
- :mod:`~w2v_gui.core.pictures.vocabulary`: :func:`zipf`, :func:`zipf_fit`,
  :func:`min_count_curve` and :func:`vocabulary_table` describe the vocabulary.
"""
