"""The Learn tab: a stepper over how word2vec works, one module per step."""
