from pathlib import Path

import pytest
import spacy

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_ebe918235459f401.txt"


@pytest.fixture(scope="session")
def seed_raw() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_clean(seed_raw):
    from pipeline.cleaning import clean

    return clean(seed_raw)


def make_rule_pipeline(patterns):
    """A small real pipeline: cleaning tokenizer, entity ruler, dates, linker, citations, events."""
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "historian.CleaningTokenizer.v1"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(patterns)
    nlp.add_pipe("historian_sentences_v1", config={"abbreviations_path": str(ROOT / "configs" / "sentences")})
    for name, factory in (("dates", "historian_dates_v1"), ("linker", "historian_linker_v1"),
                          ("citations", "historian_citations_v1"), ("events", "historian_events_v1")):
        nlp.add_pipe(factory, name=name)
    nlp.get_pipe("dates").initialize(tables_path=str(ROOT / "configs" / "dates"))
    nlp.get_pipe("linker").initialize(kb_path=str(ROOT / "configs" / "knowledge_base.jsonl"),
                                      given_names_path=str(ROOT / "configs" / "linking" / "given_names.txt"))
    nlp.get_pipe("citations").initialize(fields_path=str(ROOT / "configs" / "citations"))
    nlp.get_pipe("events").initialize(rules_path=str(ROOT / "configs" / "events"),
                                      kb_path=str(ROOT / "configs" / "knowledge_base.jsonl"))
    return nlp


@pytest.fixture(scope="session")
def rule_nlp():
    from pipeline.patterns import read_patterns

    people = [{"label": "PERSON", "pattern": p} for p in
              ["Kopp", "Chicherin", "Lenin", "Trotsky", "Viktor Kopp", "Ago von Maltzan", "Maltzan", "Simmons",
               "Seeckt", "Joffe", "Krasin", "Radek", "Voroshilov", "Ivan Maisky", "Molotov", "Halifax",
               "Sir Horace Rumbold", "M. de Panafieu", "Dirksen", "Л.Б. Красина", "Г.В. Чичерину", "Sikorskiego", "Stalinem", "Andersa",
               "Kota", "Mołotowa", "Becka", "Hitlerem", "Stalin", "Roosevelt", "Churchill", "Raczyński",
               "William Strang", "Sir William Seeds", "Paul-Émile Naggiar", "Hussein Ala", "Trygve Lie", "Hodgson",
               "Maxim Litvinov", "Curzon", "Baldwin", "Chamberlain", "Joynson-Hicks", "Birkenhead", "Stresemann", "Litvinov",
               "Hubert Gough", "Paderewskiego", "Chicherina", "Chicherinem", "Красин", "Tschitscherin", "Л.М. Карахана", "М.М. Литвинову",
               "Ататюрком", "Bülow", "Радек", "Пятаков", "Н.Н. Крестинским", "Aleksandrovsky", "Voikov", "Rathenau", "Ebert", "Wirth", "Brockdorff-Rantzau", "Philippe Berthelot", "Rakovsky", "Е. Сапеге", "П.Л. Войкова", "Dan, Fedor", "Nicolaevsky", "Karakhan", "Stebłowskiego"]]
    orgs = [{"label": "ORG", "pattern": p} for p in ["Politburo", "Reichswehr", "War Cabinet",
                                                     "International Committee of the Red Cross", "Cabinet",
                                                     "War Office", "Allied Military Mission", "DNVP", "Quai d'Orsay", "НКИД",
                                                     "Poselstwu RP w Moskwie", "Konsulat RP w Kijowie", "Konsulat RP w Charkowie", "РСФСР"]]
    locs = [{"label": "LOC", "pattern": p} for p in ["Berlin", "Moscow", "Riga", "Germany", "Poland", "Essen", "Warszawie", "Варшава", "Warsaw", "Charkowie", "Charków", "Kijowie", "Персии"]]
    archives = [{"label": "ARCHIVE", "pattern": p} for p in ["KA", "UM"]]  # short aliases the model finds
    return make_rule_pipeline(read_patterns(str(ROOT / "configs" / "patterns")) + people + orgs + locs + archives)
