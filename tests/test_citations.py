"""Every citation form of the seed, parsed into archive, fond, opis, delo, pages."""
import pytest

CASES = [
    ("See RGASPI, fond 17, op. 3, d. 2137, pp. 61–62.", "rgaspi", "17", "3", "2137", "61–62"),
    ("RGVA, fond 104 (Управление), op. 15, d. 17, p. 2.", "rgva", "104", "15", "17", "2"),
    ("45 RGASPI, fond 17, op. 3, d. 2137, pp. 33–35v (Kopp’s report).", "rgaspi", "17", "3", "2137", "33–35v"),
    ("49 RGASPI, fond 17, op. 3, d. 2137, p. 42v.", "rgaspi", "17", "3", "2137", "42v"),
    ("ГАРФ, ф. 5, оп. 1, д. 2619, л. 3 об.", "garf", "5", "1", "2619", "3 об."),
    ("Telegram from Chicherin to Kopp, 3 May 1921, f. 04, op. 32, d. 208, l. 5.", None, "04", "32", "208", "5"),
]


@pytest.mark.parametrize("text,archive,fond,opis,delo,pages", CASES)
def test_citation_forms(rule_nlp, text, archive, fond, opis, delo, pages):
    doc = rule_nlp(text)
    (cit,) = doc._.citations
    assert ((cit["archive"] or {}).get("entity_id"), cit["fond"], cit["opis"], cit["delo"], cit["pages"]) == \
        (archive, fond, opis, delo, pages)


def test_ibid_resolves_to_previous_citation(rule_nlp):
    doc = rule_nlp("41 RGASPI, fond 17, op. 3, d. 2137, pp. 19–25.\n\n42 Ibid., pp. 28–30 (Kopp’s report).")
    first, second = doc._.citations
    assert second["archive"]["entity_id"] == "rgaspi" and second["delo"] == "2137" and second["pages"] == "28–30"


def test_kept_at_gives_archive_only(rule_nlp):
    (cit,) = rule_nlp("The report, kept at the AVPRF, was never published.")._.citations
    assert cit["archive"]["entity_id"] == "avprf" and cit["fond"] is None and cit["pages"] is None


def test_no_citation_in_plain_text(rule_nlp):
    assert rule_nlp("Kopp returned to Berlin on 14 June.")._.citations == []
