"""Processed Docs -> corpus records (one per paragraph/footnote), e.g. for doccano pre-annotation."""
from typing import Dict, List

from spacy.tokens import Doc

from .tokenizer import get_segments


def doc_to_records(doc: Doc, doc_key: str) -> List[dict]:
    """Entities, event triggers and their relations, per segment, in the records format."""
    records = []
    events = doc._.events or []
    for k, seg in enumerate(get_segments(doc)):
        s0, s1 = seg["start"], seg["end"]
        entities: List[dict] = []
        by_char: Dict[tuple, int] = {}
        for ent in doc.ents:
            if s0 <= ent.start_char and ent.end_char <= s1:
                item = {"id": len(entities) + 1, "label": ent.label_, "start_offset": ent.start_char - s0,
                        "end_offset": ent.end_char - s0, "text": ent.text}
                if ent.label_ == "DATE":
                    item["date"] = ent._.date
                else:
                    item["entity_id"] = ent._.entity_id or ent.kb_id_ or None
                entities.append(item)
                by_char[(ent.start_char, ent.end_char)] = item["id"]
        relations, resolved = [], []
        for ev in events:
            t0, t1 = ev["trigger"]
            if not (s0 <= t0 and t1 <= s1):
                continue
            trig = {"id": len(entities) + 1, "label": ev["type"], "start_offset": t0 - s0, "end_offset": t1 - s0,
                    "text": doc.text[t0:t1]}
            if ev["type"] == "COMMUNICATION":
                trig["medium"] = ev.get("medium")
            entities.append(trig)
            roles = [(r, a) for r in ("sender", "recipient", "cc", "participant") for a in ev.get(r, [])]
            if ev.get("place"):
                roles.append(("place", ev["place"]))
            if ev.get("date") and ev["date"].get("start") is not None:
                roles.append(("date", ev["date"]))
            for role, arg in roles:
                target = by_char.get((arg.get("start"), arg.get("end")))
                if target is not None:
                    relations.append({"id": len(relations) + 1, "from_id": trig["id"], "to_id": target, "type": role})
                elif arg.get("entity_id"):
                    resolved.append({"from_id": trig["id"], "type": role, "entity_id": arg["entity_id"]})
        records.append({"id": f"{doc_key}#{k:03d}", "doc_key": doc_key, "genre": None, "segment": seg["kind"],
                        "footnote": seg.get("number"), "markers": [{"number": m["number"], "offset": m["offset"] - s0}
                                                                 for m in seg.get("markers", [])],
                        "doc_start": s0, "text": doc.text[s0:s1], "entities": entities, "relations": relations,
                        "resolved_args": resolved, "citations": []})
    return records
