"""A small learned argument classifier for events: which entity plays which role.

For a trigger and a candidate entity in its sentence (or the person a pronoun
points to), a multinomial logistic regression over hashed features (cue words
between them, order, distance, labels, possessives, the rule-based guess)
predicts sender, recipient, cc, participant or none. It is trained at
`initialize` from the annotated relations, so corrections pulled from doccano
change it on the next training run. numpy only: no extra dependency.
"""
from __future__ import annotations

import zlib
from typing import Collection, Dict, List, Optional, Sequence

import numpy as np

ROLES = ("none", "sender", "recipient", "cc", "participant")
N_FEATURES = 1 << 16


def _h(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (N_FEATURES - 1)


def pair_features(doc, sent, trigger, ent, pronoun: bool, rule_role: Optional[str], trigger_type: str,
                  triggers: Collection[str] = ()) -> List[str]:
    """Feature strings for (trigger token, candidate span) in a sentence.

    triggers: the trigger words; one between the candidate and this trigger
    ("received by Voroshilov and held talks with Tukhachevsky") makes it the other's argument.
    """
    feats = [f"bias|{trigger_type}", f"tw={trigger.lower_}|{trigger_type}", f"label={ent.label_}",
             f"rule={rule_role}|{trigger_type}", f"pron={pronoun}|{trigger_type}"]
    if pronoun:
        pron = [t.lower_ for t in sent if t.lower_ in ("he", "she", "his", "her", "him", "they")]
        feats.append(f"pron_word={pron[0] if pron else ''}")
        return feats
    before = ent.end <= trigger.i
    dist = (trigger.i - ent.end) if before else (ent.start - trigger.i)
    bucket = "0" if dist <= 1 else "1" if dist <= 3 else "2" if dist <= 7 else "3"
    side = "L" if before else "R"
    feats += [f"side={side}|{trigger_type}", f"dist={side}{bucket}|{trigger_type}",
              f"side_tw={side}|{trigger.lower_}"]
    prev = doc[ent.start - 1].lower_ if ent.start > sent.start else "<s>"
    nxt = doc[ent.end].lower_ if ent.end < sent.end else "</s>"
    feats += [f"prev={prev}|{side}", f"next={nxt}|{side}", f"prev_tw={prev}|{trigger.lower_}"]
    lo, hi = (ent.end, trigger.i) if before else (trigger.i + 1, ent.start)
    between = [t.lower_ for t in doc[lo:hi]]
    for w in set(between[:12]):
        feats.append(f"btw={w}|{side}")
    if between:
        feats.append(f"btw_first={between[0]}|{side}")
        feats.append(f"btw_last={between[-1]}|{side}")
    if any(t.lower_ in triggers for t in doc[lo:hi]):
        feats.append(f"trigger_between|{side}")
    agents_between = sum(1 for t in doc[lo:hi] if t.ent_type_ in ("PERSON", "ORG") and t.ent_iob_ == "B")
    feats.append(f"agents_between={min(agents_between, 2)}|{side}")
    if nxt in ("'s", "’s"):
        feats.append(f"possessive|{side}|{bucket}")
    if "(" in between or any(w.startswith("cop") for w in between):
        feats.append(f"copies_between|{side}")
    return feats


class ArgumentClassifier:
    """Softmax regression on hashed features, trained with plain SGD."""

    def __init__(self) -> None:
        self.W: Optional[np.ndarray] = None

    @property
    def trained(self) -> bool:
        return self.W is not None

    def fit(self, X: Sequence[List[str]], y: Sequence[str], epochs: int = 30, lr: float = 0.3,
            l2: float = 1e-4, seed: int = 0) -> None:
        W = np.zeros((N_FEATURES, len(ROLES)), dtype=np.float32)
        idx = [np.array(sorted({_h(f) for f in feats}), dtype=np.int64) for feats in X]
        labels = np.array([ROLES.index(lab) for lab in y])
        rng = np.random.default_rng(seed)
        order = np.arange(len(idx))
        for epoch in range(epochs):
            rng.shuffle(order)
            step = lr / (1 + epoch * 0.2)
            for k in order:
                cols = idx[k]
                scores = W[cols].sum(axis=0)
                p = np.exp(scores - scores.max())
                p /= p.sum()
                p[labels[k]] -= 1.0
                W[cols] -= step * (p[None, :] + l2 * W[cols])
        self.W = W

    def predict_proba(self, feats: List[str]) -> Dict[str, float]:
        if self.W is None:
            raise ValueError("the argument classifier is not trained")
        cols = np.array(sorted({_h(f) for f in feats}), dtype=np.int64)
        scores = self.W[cols].sum(axis=0)
        p = np.exp(scores - scores.max())
        p /= p.sum()
        return dict(zip(ROLES, p.tolist()))

    def to_bytes(self) -> bytes:
        import srsly

        if self.W is None:
            return srsly.msgpack_dumps({"W": None})
        rows = np.nonzero(np.abs(self.W).sum(axis=1))[0]
        return srsly.msgpack_dumps({"rows": rows.tolist(), "W": self.W[rows].tolist()})

    def from_bytes(self, data: bytes) -> "ArgumentClassifier":
        import srsly

        msg = srsly.msgpack_loads(data)
        if msg.get("W") is None:
            self.W = None
            return self
        W = np.zeros((N_FEATURES, len(ROLES)), dtype=np.float32)
        W[np.array(msg["rows"], dtype=np.int64)] = np.array(msg["W"], dtype=np.float32)
        self.W = W
        return self
