"""Learn step 1: vectors and cosine similarity (people as five numbers)."""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QSlider,
)

from w2v_gui.core.vectors import Embeddings
from w2v_gui.explore.words import BarDelegate
from w2v_gui.learn.drawing import (
    CONTEXT_COLOUR,
    INPUT_COLOUR,
    HeatMap,
    coloured,
    fill,
    hbox,
    note,
    table,
    text_label,
)
from w2v_gui.learn.page import Page, prose

TRAITS = ("Openness", "Conscientiousness", "Extraversion", "Agreeableness", "Neuroticism")
# The article's numbers (Big Five scores rescaled to −1..1); "You" starts as its "Jay".
PEOPLE = {
    "You": (-0.4, 0.8, 0.5, -0.2, 0.3),
    "Person #1": (-0.3, 0.2, 0.3, -0.4, 0.9),
    "Person #2": (-0.5, -0.4, -0.2, 0.7, -0.1),
    "Person #3": (0.6, 0.7, -0.6, 0.1, -0.3),
}


class VectorsStep(Page):
    title = "1 · Vectors and cosine similarity"
    short = "1  Vectors, cosine"

    def __init__(self, story, parent=None):
        super().__init__(story, parent)
        self.text.setText(prose("vectors"))
        self.people = {k: np.array(v, dtype=np.float32) for k, v in PEOPLE.items()}
        self.person = QComboBox(objectName="learnPerson")
        self.person.addItems(list(self.people))
        self.person.currentTextChanged.connect(self._on_person_changed)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Edit", self.person)
        self.sliders: list[QSlider] = []
        self.values: list[QLabel] = []
        for i, trait in enumerate(TRAITS):
            s = QSlider(Qt.Orientation.Horizontal, objectName=f"learnTrait{i}")
            s.setRange(-100, 100)
            s.valueChanged.connect(self._on_slider_changed)
            v = QLabel(minimumWidth=38, alignment=Qt.AlignmentFlag.AlignRight)
            self.sliders.append(s)
            self.values.append(v)
            form.addRow(trait, hbox(s, v, stretch=False))
        self.controls.addLayout(form)
        self.answer = text_label(name="learnMostLike")
        self.controls.addWidget(self.answer)

        self.strips = HeatMap("learnPeopleStrips", "People as vectors")
        self.strips.setMinimumHeight(220)
        self.similar = table(("Person", "cosine with You", ""), "learnCosines", stretch=2)
        self.similar.setItemDelegateForColumn(2, BarDelegate(self.similar))
        self.similar.setMaximumHeight(110)
        self.formula = note(name="learnCosineFormula")
        self.picture.addWidget(self.strips, 1)
        self.picture.addWidget(self.formula)
        self.picture.addWidget(self.similar)
        self._loading = False
        self._on_person_changed(self.person.currentText())

    def _on_person_changed(self, name: str) -> None:
        self._loading = True
        for s, x in zip(self.sliders, self.people[name], strict=True):
            s.setValue(int(round(float(x) * 100)))
        self._loading = False
        self.refresh()

    def _on_slider_changed(self) -> None:
        if not self._loading:
            self.people[self.person.currentText()] = np.array(
                [s.value() / 100 for s in self.sliders], dtype=np.float32
            )
            self.refresh()

    def set_person(self, name: str, values) -> None:
        """Set one person's five numbers (as the sliders would)."""
        self.people[name] = np.asarray(values, dtype=np.float32)
        if self.person.currentText() == name:
            self._on_person_changed(name)
        else:
            self.refresh()

    def ranking(self) -> list[tuple[str, float]]:
        """Everyone else by cosine similarity with You: core's most_similar."""
        emb = Embeddings(list(self.people), np.vstack(list(self.people.values())))
        return emb.most_similar("You", topn=None)

    def refresh(self) -> None:
        for v, s in zip(self.values, self.sliders, strict=True):
            v.setText(f"{s.value() / 100:+.2f}")
        ranking = self.ranking()
        best, cos = ranking[0]
        names = list(self.people)
        self.strips.set_matrix(
            np.vstack(list(self.people.values())),
            names,
            {0: INPUT_COLOUR, names.index(best): CONTEXT_COLOUR},
            numbers=True,
            columns=[t[:5] + "." for t in TRAITS],
            limit=1.0,
        )
        fill(self.similar, [(n, c, "") for n, c in ranking])
        for r, (_, c) in enumerate(ranking):
            self.similar.item(r, 2).setData(Qt.ItemDataRole.UserRole, c)
        self.answer.setText(f"Most like you: {coloured(best, CONTEXT_COLOUR)} (cosine {cos:.2f})")
        a, b = self.people["You"].astype(np.float64), self.people[best].astype(np.float64)
        self.formula.setText(
            f"cos(You, {html.escape(best)}) = a·b / (|a|·|b|) = {a @ b:.3f} / "
            f"({np.linalg.norm(a):.3f} × {np.linalg.norm(b):.3f}) = <b>{cos:.3f}</b>"
        )
