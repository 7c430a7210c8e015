"""Sentence boundaries that respect citations, initials and footnote markers."""
import pytest
import spacy

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "historian.CleaningTokenizer.v1"}}})
    nlp.add_pipe("historian_sentences_v1", config={"abbreviations_path": str(ROOT / "configs" / "sentences")})
    return nlp


@pytest.mark.parametrize("text,sentences", [
    ("64 RGASPI, fond 17, op. 3, d. 2137, p. 64 (Kopp’s report of 2 March 1921). Next.",
     ["64 RGASPI, fond 17, op. 3, d. 2137, p. 64 (Kopp’s report of 2 March 1921).", "Next."]),
    ("As A.L.P. Dennis wrote in Sept. 1920, the war was lost.3 The Red Army retreated.",
     ["As A.L.P. Dennis wrote in Sept. 1920, the war was lost.3", "The Red Army retreated."]),
    ("ГАРФ, ф. 5, оп. 1, д. 2619, л. 3. Копп писал Чичерину.", ["ГАРФ, ф. 5, оп. 1, д. 2619, л. 3.", "Копп писал Чичерину."]),
    ("“It is over.” Lenin said so!", ["“It is over.”", "Lenin said so!"]),
    # an entry's heading stays with what it heads; a short sentence of other words does not
    ("No. 8. Ciphered telegram. Kopp to Chicherin, 3 March 1921. He agreed. Then Kopp left.",
     ["No. 8.", "Ciphered telegram. Kopp to Chicherin, 3 March 1921.", "He agreed.", "Then Kopp left."]),
    ("Record of conversation. Maiskii with Svinhufvud.", ["Record of conversation. Maiskii with Svinhufvud."]),
    # a finding aid's entries, run on after a dash, are sentences of their own; a dash inside one is not an end
    ("Bericht Nadolnys, Moskau, November 1933, Bl. 1–6 (Durchschlag). — Aufzeichnung über eine Unterredung mit "
     "Krestinski, Bl. 7–10. — Aufzeichnung des Botschaftsrats – ohne Datum.",
     ["Bericht Nadolnys, Moskau, November 1933, Bl. 1–6 (Durchschlag).", "— Aufzeichnung über eine Unterredung mit "
      "Krestinski, Bl. 7–10.", "— Aufzeichnung des Botschaftsrats – ohne Datum."]),
    # a number word opening a sentence is no footnote marker
    ("Kopp was received by Lenin. Two days later Trotsky saw him.",
     ["Kopp was received by Lenin.", "Two days later Trotsky saw him."]),
])
def test_sentences(nlp, text, sentences):
    assert [s.text.strip() for s in nlp(text).sents] == sentences


def test_segments_always_start_a_sentence(nlp):
    doc = nlp("Papée reported to Beck: «Senat przestał»\n\n2 Papée's report to Beck, Gdańsk, 6 lipca 1936.")
    assert [s.text.strip() for s in doc.sents] == ["Papée reported to Beck: «Senat przestał»",
                                                   "2 Papée's report to Beck, Gdańsk, 6 lipca 1936."]


def test_round_trip(nlp, tmp_path):
    nlp.to_disk(tmp_path / "m")
    loaded = spacy.load(tmp_path / "m")
    assert "op" in loaded.get_pipe("historian_sentences_v1").abbreviations


def test_no_sentence_starts_inside_an_entity(nlp):
    text = "Telegramm Neuraths an Avenol, Berlin, 19. Oktober 1933, R 3626, f. 1. Next."
    doc = nlp.make_doc(text)
    start = text.index("19.")
    doc.ents = [doc.char_span(start, start + len("19. Oktober 1933"), label="DATE")]
    doc = nlp.get_pipe("historian_sentences_v1")(doc)
    assert [s.text for s in doc.sents] == ["Telegramm Neuraths an Avenol, Berlin, 19. Oktober 1933, R 3626, f. 1.", "Next."]


def test_a_heading_after_a_formula_that_named_its_correspondents_ends_there():
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "historian.CleaningTokenizer.v1"}}})
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": p} for p in ("Patek", "Zaleski")])
    nlp.add_pipe("historian_sentences_v1", config={"abbreviations_path": str(ROOT / "configs" / "sentences")})
    sents = lambda text: [s.text.strip() for s in nlp(text).sents]
    assert sents("21. Patek to Zaleski, Moscow, 10 Jan. 1929. Telegram. He handed Litvinov the note.") == \
        ["21.", "Patek to Zaleski, Moscow, 10 Jan. 1929.", "Telegram.", "He handed Litvinov the note."]
    # before the formula the heading still stays with it
    assert sents("No. 8. Telegram. Patek to Zaleski, 3 March 1921.") == ["No. 8.", "Telegram. Patek to Zaleski, 3 March 1921."]
