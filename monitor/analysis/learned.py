"""A learned layer over the stance rules: logistic regression on the rules' verdict and
the words of the text, trained by `monitor train` on the labelled corpus.

The rules name phenomena; real text phrases them in more ways than rules list. The
model reads the rules' verdict as one feature among the text's words and word pairs, so
it keeps what the rules know and learns where they miss ("says no to", "hosed down").
Inference is a dictionary lookup per feature and a sum: no library, no download. The
weights ship with the package as `stance_model.json`; `classify` names the features
that decided.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from ..models import Stance, StanceResult

__all__ = ["MODEL_PATH", "StanceModel", "features"]

MODEL_PATH = Path(__file__).resolve().parent / "stance_model.json"
CLASSES = (Stance.CLAIM, Stance.DENIAL, Stance.CONFIRMATION, Stance.NEUTRAL)
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[\u3400-\u9fff]")


def features(text: str, rule: StanceResult) -> list[str]:
    """The words and adjacent word pairs of a text (CJK: characters and their pairs),
    lower-cased; the rules' verdict, and that verdict with the first word of the cue
    that decided it (a "denies" is surer than a "rejected")."""
    tokens = _TOKEN.findall(text.lower())
    pairs = [f"{a} {b}" for a, b in pairwise(tokens)]
    cue = _TOKEN.findall(rule.cue.lower()[:40])
    verdict = f"RULE:{rule.stance.value}"
    return [*tokens, *pairs, verdict, f"{verdict}:{cue[0] if cue else ''}"]


@dataclass(frozen=True, slots=True)
class StanceModel:
    weights: dict[str, tuple[float, float, float, float]]
    bias: tuple[float, float, float, float]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> StanceModel | None:
        """The shipped model, or None when there is none (the rules decide alone)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        if tuple(data["classes"]) != tuple(c.value for c in CLASSES):
            raise ValueError(f"{path}: classes {data['classes']} are not {CLASSES}")
        return cls(
            {name: tuple(w) for name, w in data["weights"].items()},
            tuple(data["bias"]),
        )

    def decide(self, text: str, rule: StanceResult) -> StanceResult:
        """The stance the model gives, with the rules' result as one of its inputs. The
        cue names the rules' cue when the model agrees, else the words that tipped it."""
        weights = self.weights
        s0, s1, s2, s3 = self.bias
        present = []
        for name in set(features(text, rule)):
            found = weights.get(name)
            if found is not None:
                w0, w1, w2, w3 = found
                s0, s1, s2, s3 = s0 + w0, s1 + w1, s2 + w2, s3 + w3
                present.append(name)
        scores = (s0, s1, s2, s3)
        best = max(range(len(CLASSES)), key=scores.__getitem__)
        stance = CLASSES[best]
        if stance is rule.stance:
            return rule
        margin = scores[best] - max(s for i, s in enumerate(scores) if i != best)
        tipping = sorted(
            (f for f in present if not f.startswith("RULE:")),
            key=lambda f: (
                weights[f][best] - max(w for i, w in enumerate(weights[f]) if i != best),
                f,
            ),
            reverse=True,
        )[:3]
        cue = f"learned: {', '.join(repr(f) for f in tipping)} (rules: {rule.stance.value}"
        cue += f", {rule.cue})" if rule.cue else ")"
        return StanceResult(stance, round(min(0.95, 0.5 + margin / 10), 3), cue, rule.speaker)


@lru_cache(maxsize=1)
def default_model() -> StanceModel | None:
    return StanceModel.load()
