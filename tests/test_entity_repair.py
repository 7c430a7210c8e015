"""The entity repair step: names the NER missed that the KB knows, types, titles, initials, common words."""
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Span
from spacy.training import Example

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "configs" / "knowledge_base.jsonl"


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Curzon"}, {"label": "ARCHIVE", "pattern": "AAN"}])
    names = nlp.add_pipe("historian_entity_repair_v1")
    train = nlp.make_doc("The baltic trade and the senat were discussed.")  # lower-case words seen in training
    names.initialize(lambda: [Example(train.copy(), train)], nlp=nlp, kb_path=str(KB),
                     rules_path=str(ROOT / "configs" / "entity_repair"))
    return nlp


def ents(doc):
    return [(e.text, e.label_) for e in doc.ents]


def repairing(found, train_text=None):
    """A pipeline whose "NER" finds `found` ({text: label}), then the repair step (with the shipped KB)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": label, "pattern": text} for text, label in found.items()])
    train = [nlp.make_doc(train_text)] if train_text else []
    nlp.add_pipe("historian_entity_repair_v1").initialize(
        (lambda: [Example(d.copy(), d) for d in train]) if train else None, kb_path=str(KB))
    return nlp


def test_names_the_kb_knows_are_added_in_any_inflection(nlp):
    doc = nlp("Greiser demanded it; the fate of Kronstadt hung in the balance, and Stresemanna nie było.")
    assert ents(doc) == [("Greiser", "PERSON"), ("Kronstadt", "LOC"), ("Stresemanna", "PERSON")]
    doc = nlp("отсутствие Симонса из Берлина")
    assert ("Симонса", "PERSON") in ents(doc)


def test_what_the_ner_found_is_kept_and_its_boundaries_respected(nlp):
    # "Lord" is a KB name (Robert H. Lord) but a title here, and it touches the entity "Curzon"
    assert ents(nlp("Whether Lord Curzon will consent is unknown.")) == [("Curzon", "PERSON")]


def test_common_words_and_a_fond_after_an_archive_are_no_names(nlp):
    # "Senat" is a KB organisation, but "senat" was seen in lower case in the training texts
    assert ents(nlp("Senat przestał liczyć się z Ligą.")) == [("Ligą", "ORG")]
    # the fond or series of an archival reference is not labelled
    assert ents(nlp("AAN, MSZ, sygn. 108, k. 44.")) == [("AAN", "ARCHIVE")]
    assert ents(nlp("AAN (Warsaw), Z Europe, Pologne, vol. 88.")) == [("AAN", "ARCHIVE")]
    assert ("Pologne", "LOC") in ents(nlp("The envoy left Pologne in 1926."))


def test_an_archive_cut_at_a_hyphen_takes_the_rest_of_its_name():
    doc = repairing({"BArch": "ARCHIVE"})("BArch-MA, RH 2/2207, Bl. 4.")
    assert ents(doc) == [("BArch-MA", "ARCHIVE")]


def test_a_word_opening_a_sentence_is_no_part_of_the_person_after_it():
    doc = repairing({"Directs Krestinsky": "PERSON"})("Extract from the protocol. Directs Krestinsky to wait.")
    assert ents(doc) == [("Krestinsky", "PERSON")]
    # a given name stays: "Nikolai Krestinsky"
    doc = repairing({"Nikolai Krestinsky": "PERSON"})("Extract from the protocol. Nikolai Krestinsky waited.")
    assert ents(doc) == [("Nikolai Krestinsky", "PERSON")]


def test_round_trip(nlp, tmp_path):
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    text = "Greiser met Curzon in Kronstadt."
    assert ents(loaded(text)) == ents(nlp(text))
    assert loaded.get_pipe("historian_entity_repair_v1").common == nlp.get_pipe("historian_entity_repair_v1").common


def test_scores_the_entities():
    from pipeline.entity_repair import EntityRepair

    nlp = spacy.blank("en")
    doc = nlp.make_doc("Greiser spoke.")
    ref = doc.copy()
    ref.ents = [Span(ref, 0, 1, label="PERSON")]
    scores = EntityRepair(nlp).score([Example(doc, ref)])
    assert scores["ents_r"] == 0.0


def test_a_person_takes_the_initials_before_it():
    nlp = repairing({"И. Ленину": "PERSON", "Politburo": "ORG", "Krassin": "PERSON"})
    assert ents(nlp("Письма В. И. Ленину о работе.")) == [("В. И. Ленину", "PERSON")]
    # only persons, and only initials: "M." before a name is Monsieur
    assert ents(nlp("Dr. В. Politburo")) == [("Politburo", "ORG")]
    assert ents(nlp("M. Krassin left.")) == [("Krassin", "PERSON")]


def test_a_name_the_kb_knows_under_one_other_type_takes_it():
    nlp = repairing({"Kronstadt": "PERSON", "Litwinowem": "LOC", "Berlin": "LOC", "League of Nations Archives": "ORG"})
    assert ents(nlp("the Kronstadt uprising; rozmowa z Litwinowem w Berlin")) == [
        ("Kronstadt", "LOC"), ("Litwinowem", "PERSON"), ("Berlin", "LOC")]
    # an archive taken for an organisation is an archive again, so its citations keep it
    assert ents(nlp("League of Nations Archives, R 3712, f. 14.")) == [("League of Nations Archives", "ARCHIVE")]


def test_a_one_word_name_that_is_a_common_word_is_dropped_unless_the_kb_knows_it():
    nlp = repairing({"Whether": "PERSON", "Eden": "PERSON", "Zorin": "PERSON"},
                    train_text="whether the garden of eden was there")
    # "whether" is a common word; "eden" is one too, but the KB knows Eden; "Zorin" is no common word
    assert ents(nlp("Whether Eden agreed, Zorin did not say.")) == [("Eden", "PERSON"), ("Zorin", "PERSON")]


def test_a_persons_span_starts_after_the_titles(nlp):
    doc = nlp.make_doc("Marszałek Edward Śmigły-Rydz i M. Curzon")
    doc.ents = [Span(doc, 0, 5, label="PERSON"), Span(doc, 6, 8, label="PERSON")]
    doc = nlp.get_pipe("historian_entity_repair_v1")(doc)
    assert ents(doc) == [("Edward Śmigły-Rydz", "PERSON"), ("Curzon", "PERSON")]


def test_a_place_used_as_an_adjective_is_no_entity():
    nlp = repairing({"Upper Silesian": "LOC", "Baltic": "LOC", "Kronstadt": "LOC"})
    assert ents(nlp("the Upper Silesian plebiscite; the Kronstadt uprising; ships in the Baltic.")) == [
        ("Kronstadt", "LOC"), ("Baltic", "LOC")]


def test_a_person_cut_at_a_hyphen_takes_the_rest_and_two_names_stay_two():
    nlp = repairing({"Антонову": "PERSON", "Stresemann": "PERSON", "Chicherin": "PERSON"})
    assert ents(nlp("Указание Антонову-Овсеенко.")) == [("Антонову-Овсеенко", "PERSON")]
    assert ents(nlp("The Stresemann-Chicherin talks.")) == [("Stresemann", "PERSON"), ("Chicherin", "PERSON")]


def test_a_double_surname_cut_or_split_at_its_hyphen_is_one_person():
    nlp = repairing({"Owsiejenko": "PERSON", "Antonowem": "PERSON", "Owsiejenką": "PERSON"})
    assert ents(nlp("23 sierpnia Antonow-Owsiejenko spotkał się z nim.")) == [("Antonow-Owsiejenko", "PERSON")]
    assert ents(nlp("Notatka z rozmowy z Antonowem-Owsiejenką.")) == [("Antonowem-Owsiejenką", "PERSON")]


def test_a_person_opening_with_a_patronymic_takes_the_given_name_before_it():
    nlp = repairing({"Georgievich Rakovsky": "PERSON"})
    assert ents(nlp("Krasin and Khristian Georgievich Rakovsky.")) == [
        ("Krasin", "PERSON"), ("Khristian Georgievich Rakovsky", "PERSON")]


def test_an_edge_drawn_one_token_off_is_moved_and_a_signature_is_no_name():
    nlp = repairing({"17 PA AA": "DATE", "12 March": "DATE", "I/134": "PERSON", "10 Downing Street": "LOC",
                     "RGASPI f.": "PERSON", "AVP": "ORG", "Kopp": "PERSON"})
    # the number makes a date of a KB archive; a real date keeps its number; "I/134" has no word in it
    assert ents(nlp("17 PA AA, R 28034k; 12 March; BArch, R 43 I/134; 10 Downing Street.")) == [
        ("PA AA", "ARCHIVE"), ("12 March", "DATE"), ("10 Downing Street", "LOC")]
    # a keyword taken in, a word left out; a name the KB knows keeps its edges
    assert ents(nlp("RGASPI f. 558; AVP RF, f. 082; Kopp UK")) == [
        ("RGASPI", "ARCHIVE"), ("AVP RF", "ARCHIVE"), ("Kopp", "PERSON")]


def test_a_name_next_to_a_date_is_added_but_not_next_to_a_name():
    nlp = repairing({"3 апреля 1926": "DATE", "Curzon": "PERSON"})
    assert ents(nlp("Крестинский встретился со Штреземаном 3 апреля 1926 г.")) == [
        ("Крестинский", "PERSON"), ("Штреземаном", "PERSON"), ("3 апреля 1926", "DATE")]
    assert ents(nlp("Lord Curzon")) == [("Curzon", "PERSON")]


def test_a_surname_taken_for_a_place_is_the_person_named_in_full():
    # (a surname the KB does not know: the KB alone would not tell)
    nlp = repairing({"Tomasz Kowalczyk": "PERSON", "Kowalczyk": "LOC", "Maklakov": "PERSON", "Paris": "LOC"})
    doc = nlp("Tomasz Kowalczyk was ambassador. Letter from Maklakov to Kowalczyk, Paris, 2 Feb. 1919.")
    assert ents(doc) == [("Tomasz Kowalczyk", "PERSON"), ("Maklakov", "PERSON"), ("Kowalczyk", "PERSON"),
                         ("Paris", "LOC")]
    # without the full name, or for a place the KB knows, the label stays
    assert ("Kowalczyk", "LOC") in ents(nlp("Letter from Maklakov to Kowalczyk."))
    nlp = repairing({"George Washington": "PERSON", "Washington": "LOC"})
    assert ents(nlp("George Washington slept here. Washington, 3 May 1920.")) == [
        ("George Washington", "PERSON"), ("Washington", "LOC")]


def test_the_noun_of_a_document_is_no_name():
    nlp = repairing({"Depesza": "PERSON", "Litwinowa": "PERSON", "Becka": "PERSON"})
    nlp.get_pipe("historian_entity_repair_v1").initialize(kb_path=str(KB), rules_path=str(ROOT / "configs" / "entity_repair"))
    doc = nlp("Depesza kondolencyjna Litwinowa do Becka, Moskwa, 13 V 1935.")
    assert ents(doc) == [("Litwinowa", "PERSON"), ("Becka", "PERSON"), ("Moskwa", "LOC")]


def test_a_given_name_and_a_surname_the_kb_knows_as_a_person_are_a_person_not_a_place():
    nlp = repairing({"Patka": "PERSON", "Mikołajem Krestinskim": "LOC", "Moskwa": "LOC", "Nowym Jorku": "LOC"})
    doc = nlp("Rozmowa Patka z Mikołajem Krestinskim, Moskwa; w Nowym Jorku.")
    assert ents(doc) == [("Patka", "PERSON"), ("Mikołajem Krestinskim", "PERSON"), ("Moskwa", "LOC"),
                         ("Nowym Jorku", "LOC")]


def test_a_name_starts_after_the_noun_of_a_document():
    nlp = repairing({"Nota Ludowego Komisariatu Spraw Zagranicznych": "PERSON", "Schreiben Hasses": "PERSON"})
    nlp.get_pipe("historian_entity_repair_v1").initialize(kb_path=str(KB), rules_path=str(ROOT / "configs" / "entity_repair"))
    doc = nlp("Nota Ludowego Komisariatu Spraw Zagranicznych do poselstwa. 5 Schreiben Hasses an Seeckt.")
    assert [e.text for e in doc.ents][:2] == ["Ludowego Komisariatu Spraw Zagranicznych", "Hasses"]
    assert doc.ents[1].label_ == "PERSON"
    # a reply opening a footnote's second document: "Ответ Хинчука от 19 января", "Antwort Becks"
    nlp = repairing({"Ответ Хинчука": "PERSON", "Antwort Becks": "PERSON"})
    nlp.get_pipe("historian_entity_repair_v1").initialize(kb_path=str(KB), rules_path=str(ROOT / "configs" / "entity_repair"))
    doc = nlp("Ответ Хинчука от 19 января. Antwort Becks, Berlin.")
    assert [e.text for e in doc.ents][:2] == ["Хинчука", "Becks"]


def test_a_common_word_opening_a_sentence_is_no_name():
    nlp = repairing({"Wymiana": "PERSON", "Stosunki": "PERSON", "Bauer": "PERSON", "Klimas": "PERSON"})
    doc = nlp("Wymiana posłów nastąpiła szybko. Stosunki przetrwały. Bauer wrote. Otto Bauer left. Klimas agreed.")
    # frequent Polish words go; "Bauer", capitalised inside a sentence too, and a rare name stay
    assert ents(doc) == [("Bauer", "PERSON"), ("Bauer", "PERSON"), ("Klimas", "PERSON")]


def test_two_people_run_into_one_span_are_split():
    nlp = repairing({"Ф. Циеленса К. Озолсу": "PERSON", "Чичерина Аралову": "PERSON", "Herbert S. Levine": "PERSON",
                     "М. Скуениекса": "LOC", "Гуковского В.И. Ленину": "PERSON", "Копп В.Л.": "PERSON"})
    doc = nlp("14 Письмо Ф. Циеленса К. Озолсу, с копией для М. Скуениекса. 2 Телеграмма Чичерина Аралову. "
              "See Herbert S. Levine, Free City. Письмо Гуковского В.И. Ленину. Копп В.Л. писал.")
    assert ents(doc) == [("Ф. Циеленса", "PERSON"), ("К. Озолсу", "PERSON"), ("М. Скуениекса", "PERSON"),
                         ("Чичерина", "PERSON"), ("Аралову", "PERSON"), ("Herbert S. Levine", "PERSON"),
                         ("Гуковского", "PERSON"), ("В.И. Ленину", "PERSON"), ("Копп В.Л.", "PERSON")]


def test_two_known_people_joined_by_a_lower_case_word_are_split():
    nlp = repairing({"Brockdorff-Rantzau von Wirth": "PERSON", "Ago von Maltzan": "PERSON"})
    doc = nlp("Am 2. September wurde Brockdorff-Rantzau von Wirth unterrichtet. Ago von Maltzan schwieg.")
    assert [e for e in ents(doc) if e[1] == "PERSON"] == [
        ("Brockdorff-Rantzau", "PERSON"), ("Wirth", "PERSON"), ("Ago von Maltzan", "PERSON")]


def test_a_german_noun_after_its_article_is_no_place_and_a_title_is_cut_off():
    nlp = repairing({"Bitte": "LOC", "Verbindungen": "LOC", "Reichswehrminister Geßler": "PERSON", "Stresemann": "PERSON"})
    nlp.get_pipe("historian_entity_repair_v1").initialize(kb_path=str(KB), rules_path=str(ROOT / "configs" / "entity_repair"))
    doc = nlp("Schreiben Stresemann an den Reichswehrminister Geßler mit der Bitte, die Verbindungen geheim zu halten.")
    assert ents(doc) == [("Stresemann", "PERSON"), ("Geßler", "PERSON")]


def test_a_lone_surname_of_a_person_named_in_full_before_is_that_person():
    nlp = repairing({"Ernst Zielke": "PERSON"}, train_text="The senate met.")
    doc = nlp("Zielke spoke first. Senate President Ernst Zielke protested. Zielke's note followed.")
    assert ents(doc) == [("Ernst Zielke", "PERSON"), ("Zielke", "PERSON")]  # after the full name only
    doc = nlp("Senate President Ernst Zielke protested. Zielke's note followed the zielke custom.")
    assert ents(doc) == [("Ernst Zielke", "PERSON")]  # a word written in lower case is no name


def test_an_inflected_cyrillic_surname_of_a_person_the_kb_writes_in_latin(nlp):
    # the KB has "Skirmunt" only; the Russian instrumental is still that person, a plain word is not
    doc = nlp("Донесение о беседе со Скирмунтом, 15 июля 1921 г. Беседа шла долго.")
    assert ("Скирмунтом", "PERSON") in ents(doc)
    assert not any(text == "Беседа" for text, _ in ents(doc))


def test_an_inflected_latin_surname_of_a_person_the_kb_writes_in_another_spelling(nlp):
    # the KB has "Józef Unschlicht" and "Unshlikht"; the German genitive of the surname alone is that person
    doc = nlp("Schreiben Unschlichts an den Volkskommissar über die Fliegerschule.")
    assert ("Unschlichts", "PERSON") in ents(doc)
    assert not any(text in ("Schreiben", "Volkskommissar", "Fliegerschule") for text, _ in ents(doc))


def test_a_calendar_entry_opening_with_its_date_keeps_the_day():
    nlp = repairing({"VIII 1921": "DATE"})
    assert ents(nlp("14 VIII 1921, Moskwa. Telegram posła do ministra."))[0] == ("14 VIII 1921", "DATE")
    # a footnote's first number is its own, and a roman month alone is no one's surname ("Edward VIII")
    doc = nlp.make_doc("14 VIII 1921, Moskwa. Telegram posła do ministra.")
    doc.user_data["segments"] = [{"start": 0, "end": len(doc.text), "kind": "footnote", "number": 14, "markers": []}]
    for _, pipe in nlp.pipeline:
        doc = pipe(doc)
    assert ents(doc)[0] == ("VIII 1921", "DATE")


def test_the_day_after_a_calendar_entrys_number_belongs_to_its_date():
    nlp = repairing({"June 1920": "DATE"})
    assert ents(nlp("6. 22 June 1920. Telegram from the mission."))[0] == ("22 June 1920", "DATE")
    # a number inside the paragraph is no entry's number
    assert ents(nlp("He wrote on 6. 22 June 1920 letters."))[0] == ("June 1920", "DATE")


def test_an_entry_number_taken_into_the_date_after_it_is_left_out():
    nlp = repairing({"3. 22.II.1924": "DATE", "3. Dezember 1928": "DATE"})
    assert ents(nlp("3. 22.II.1924. Rakovsky to Chicherin, letter."))[0] == ("22.II.1924", "DATE")
    # a German day written with its full stop is the date's own
    assert ents(nlp("3. Dezember 1928. Bericht an das Amt."))[0] == ("3. Dezember 1928", "DATE")


def test_a_headings_numbering_taken_into_a_name_is_dropped():
    """ "Część I. AAN" found as a person: the archive after the full stop; "J. Stalin" keeps its initial."""
    nlp = repairing({"Część I. AAN": "PERSON", "J. Stalin": "PERSON"})
    assert ents(nlp("Część I. AAN, zespół Ambasada RP w Moskwie."))[0] == ("AAN", "ARCHIVE")
    assert ents(nlp("J. Stalin wrote.")) == [("J. Stalin", "PERSON")]


def test_a_genitive_between_a_documents_noun_and_its_addressee_is_the_writer():
    """ "Bericht Olshausens an das Auswärtige Amt": the NER took the unknown name for a place."""
    nlp = spacy.blank("de")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": label, "pattern": text} for text, label in
                                               {"Olshausens": "LOC", "Auswärtige Amt": "ORG", "Berlin": "LOC"}.items()])
    nlp.add_pipe("historian_entity_repair_v1").initialize(kb_path=str(KB), rules_path=str(ROOT / "configs" / "entity_repair"))
    assert ents(nlp("Bericht Olshausens an das Auswärtige Amt, 3.6.1922.")) == [
        ("Olshausens", "PERSON"), ("Auswärtige Amt", "ORG")]
    # a word it did not find at all, before "für"; a place it knows stays a place
    assert ents(nlp("Denkschrift Petisnés für Berlin.")) == [("Petisnés", "PERSON"), ("Berlin", "LOC")]
    assert ents(nlp("Die Akten Berlin an der Spree.")) == [("Berlin", "LOC")]


def test_a_surname_in_another_case_taken_for_an_organisation_is_the_person():
    nlp = repairing({"Ф.А. Ротштейн": "PERSON", "Ротштейном": "ORG", "Тегеран": "LOC"})
    assert ents(nlp("В Тегеран прибыл Ф.А. Ротштейн. Лорейн встретился с Ротштейном.")) == [
        ("Тегеран", "LOC"), ("Ф.А. Ротштейн", "PERSON"), ("Ротштейном", "PERSON")]
