"""Archival citations in every scheme the corpus uses, parsed into archive, fond, opis, delo, pages."""
import json

import pytest
import spacy

from pathlib import Path

from pipeline.citations import CitationComponent

ROOT = Path(__file__).resolve().parent.parent

CASES = [
    # Russian fond/opis/delo/list, Latin and Cyrillic keywords
    ("See RGASPI, fond 17, op. 3, d. 2137, pp. 61–62.", "rgaspi", "17", "3", "2137", "61–62"),
    ("RGVA, fond 104 (Управление), op. 15, d. 17, p. 2.", "rgva", "104", "15", "17", "2"),
    ("45 RGASPI, fond 17, op. 3, d. 2137, pp. 33–35v (Kopp’s report).", "rgaspi", "17", "3", "2137", "33–35v"),
    ("49 RGASPI, fond 17, op. 3, d. 2137, p. 42v.", "rgaspi", "17", "3", "2137", "42v"),
    ("ГАРФ, ф. 5, оп. 1, д. 2619, л. 3 об.", "garf", "5", "1", "2619", "3 об."),
    ("ГАРФ, ф. Р-130, оп. 4, д. 12, лл. 3–5 об.", "garf", "Р-130", "4", "12", "3–5 об."),
    ("АВПРФ. Ф. 04. Оп. 13. Д. 45. Л. 23.", "avprf", "04", "13", "45", "23"),
    # a volume (tom) between opis and file holds the file: kept as written, like a folder (папка)
    ("Szyfrogram, 7 XII 1931, AWPFR, f. 0122, op. 15, t. 149, d. 52, k. 3.", "avprf", "0122", "15", "t. 149, d. 52", "3"),
    ("RGASPI, f. 17, op. 3, d. 2137, ll. 40–40v and 42.", "rgaspi", "17", "3", "2137", "40–40v and 42"),
    ("Telegram from Chicherin to Kopp, 3 May 1921, f. 04, op. 32, d. 208, l. 5.", None, "04", "32", "208", "5"),
    # descriptions between the parts are skipped; the sentence ends the citation
    ("RGASPI, fond 17, op. 2, Minutes of the plenary meetings of the Central Committee, d. 31, "
     "Minutes of the meeting of 16 July 1920, pp. 1–2.", "rgaspi", "17", "2", "31", "1–2"),
    ("RGASPI, fond 17, op. 2, d. 32, item 5: conference with Germany. Trotsky’s telegram, vol. 2, p. 242.",
     "rgaspi", "17", "2", "32", None),
    ("Rossiyskiy Gosudarstvennyi Voyennyi Arkhiv (Russian State Military Archive, hereinafter: RGVA), "
     "fond 4, op. 3, d. 1575, p. 2.", "rgva", "4", "3", "1575", "2"),
    # German: volume and folio, Bundesarchiv series/file
    ("Maltzan's memorandum, 2 Apr. 1922, PA AA, R 28207, Bl. 41–44.", "pa_aa", None, None, "R 28207", "41–44"),
    ("Papée to Gravina, 14 June 1932, League of Nations Archives, R 3712/4A/1234.", "league_archives", None, None,
     "R 3712/4A/1234", None),
    ("BArch, RH 2/2207, Bl. 31.", "bundesarchiv", "RH 2", None, "2207", "31"),
    ("Seeckt's reply, Bundesarchiv, Freiburg, N 247/88, Bl. 1–9.", "bundesarchiv", "N 247", None, "88", "1–9"),
    ("Bundesarchiv, RH 2/2215, Bl. 1–64, here Bl. 12–15.", "bundesarchiv", "RH 2", None, "2215", "12–15"),
    ("PA AA, Nachlass Brockdorff-Rantzau, H 233104–233107; see also Helbig, p. 150.",
     "pa_aa", "Nachlass Brockdorff-Rantzau", None, None, "H 233104–233107"),
    ("PA AA, Nachlass Brockdorff-Rantzau, H 225410–225418, hier H 225415 f.",
     "pa_aa", "Nachlass Brockdorff-Rantzau", None, None, "H 225415 f."),
    # British: class and piece, folios
    ("TNA, FO 371/10739, f. 88.", "tna_kew", "FO 371", None, "10739", "88"),
    # a numbered paper of a class/piece volume is a level of its file
    ("TNA, FO 418/60, no. 87. Printed: Cmd. 1890, p. 2.", "tna_kew", "FO 418", None, "60, no. 87", None),
    ("the cabinet minutes in TNA (formerly the Public Record Office), CAB 23/95, ff. 179–185.",
     "tna_kew", "CAB 23", None, "95", "179–185"),
    ("The intercepts are in TNA, HW 12/12.", "tna_kew", "HW 12", None, "12", None),
    # Polish: named fond, sygnatura, karta; container levels kept as written
    ("AAN, MSZ, sygn. 6709, k. 14–17.", "aan", "MSZ", None, "6709", "14–17"),
    ("AAN, Poselstwo RP w Berlinie, sygn. 1012, k. 44–49, 52 and 60.",
     "aan", "Poselstwo RP w Berlinie", None, "1012", "44–49, 52 and 60"),
    ("CAW, I.303.4.2005, k. 7–9.", "caw", "I.303.4", None, "2005", "7–9"),
    ("Józef Piłsudski Institute of America, Lipski Papers, folder 4, k. 112–118.",
     "pilsudski_institute_america", "Lipski Papers", None, "folder 4", "112–118"),
    ("Hoover Institution Archives, Komitet Narodowy Polski records, box 12, folder 4. Cf. Davies.",
     "hoover_archives", "Komitet Narodowy Polski records", None, "box 12, folder 4", None),
    # a file keyword after a box is one more level; a Finnish class and file, then its folder
    ("KA, Ståhlberg papers, box 31, file 2. The minutes of the session, vol. 4, are lost.",
     "national_archives_finland", "Ståhlberg papers", None, "box 31, file 2", None),
    ("Paasikivi's report to Holsti, 13 June 1920, UM 5C/12, folder 8.",
     "finnish_mfa_archive", "5C", None, "12, folder 8", None),
    # a Japanese classification number and its volume are one file; a Bundesarchiv class with a Roman part
    ("Matsudaira to Uchida, 25 Sept. 1922, Gaimushō Gaikō Shiryōkan, 1.2.1.9-5, vol. 1. See Lensen, p. 68.",
     "diplomatic_archives_japan", None, None, "1.2.1.9-5, vol. 1", None),
    ("Statement of accounts of the GEFU, BArch, RH 12-I/57, Bl. 44–51.", "bundesarchiv", "RH 12-I", None, "57",
     "44–51"),
    # a French series and article; a Houghton call number and its item, in brackets or after a comma
    ("Daily reports of the Préfecture de police, Archives nationales, F7 13490; cf. Conte, pp. 188–195.",
     "archives_nationales", "F7", None, "13490", None),
    ("Rakovsky to Trotsky, 2.VIII.1928, Houghton Library, Trotsky papers, bMS Russ 13.1 (4286).",
     "houghton_library", "bMS Russ 13.1", None, "4286", None),
    ("Another copy is among the exile papers at the Houghton Library, bMS Russ 13, T 982.",
     "houghton_library", "bMS Russ 13", None, "T 982", None),
    # French: named series, volume, folio
    ("Archives diplomatiques (La Courneuve), Z Europe, URSS, vol. 352, f. 41.",
     "archives_diplomatiques", "Z Europe, URSS", None, "352", "41"),
    # pieces in several parts, lettered volumes, file numbers without fond
    ("TNA, PREM 3/354/8, ff. 12–14.", "tna_kew", "PREM 3", None, "354/8", "12–14"),
    ("BArch, RW 4/v. 578, Bl. 5.", "bundesarchiv", "RW 4", None, "v. 578", "5"),
    ("PA AA, R 28034k, Bl. 2.", "pa_aa", None, None, "R 28034k", "2"),
    ("UN Archives, S-0472-0012-03, p. 4.", "un_archives", None, None, "S-0472-0012-03", "4"),
    ("NARA, RG 59, 760C.61/1012, p. 2.", "nara", "RG 59", None, "760C.61/1012", "2"),
    # Baltic: two page keywords in a row, the first numbers the file (lieta)
    ("Latvian State Historical Archives (LVVA), f. 1468, apr. 1, l. 9, lp. 14.", "lvva", "1468", "1", "9", "14"),
    # an acronym fond after its keyword; a carton level
    ("Vojenský historický archiv (Prague), fond ČSNR, kart. 14, fol. 22–23.",
     "vha_prague", "ČSNR", None, "kart. 14", "22–23"),
    # a place between the archive and the signature is not the fond
    ("Historisches Archiv Krupp, Essen, FAH 4 E 112, p. 3.", "krupp_archive", "FAH 4 E", None, "112", "3"),
    # Polish collections in London: collection and file
    ("PISM, PRM 40/4, k. 1–22.", "pism", "PRM", None, "40/4", "1–22"),
    # an American record group without a file
    ("Files of the U.S. Embassy in Warsaw are in NARA, RG 84.", "nara", "RG 84", None, None, None),
    # the acronym that closes a gloss of the archive's name carries the citation
    ("Papers of the Polish delegation (PISM), KOL 12/3, k. 4.", "pism", "KOL", None, "12/3", "4"),
    # the AVPRF's folder (папка) between opis and file stays with the file
    ("AVPRF, f. 0122, op. 5, p. 108, d. 5, l. 3.", "avprf", "0122", "5", "p. 108, d. 5", "3"),
    # the same folder in the Russian style, parts separated by full stops; the file as written
    ("АВП РФ. Ф. 04. Оп. 32. П. 208. Д. 53. Л. 3.", "avprf", "04", "32", "П. 208. Д. 53", "3"),
    # "f." / "ff." after a folio: and the next ones, part of the pages
    ("PA AA, R 28034k, Bl. 45 f.; see Carr.", "pa_aa", None, None, "R 28034k", "45 f."),
    ("BArch, R 43 I/134, Bl. 5 ff.", "bundesarchiv", "R 43 I", None, "134", "5 ff."),
    # a PA AA volume with its thousands marked is still a volume, no fond
    ("PA AA, R 28.034, Bl. 6–11.", "pa_aa", None, None, "R 28.034", "6–11"),
    ("PA AA, R 94 413, Bl. 12–14.", "pa_aa", None, None, "R 94 413", "12–14"),
    # a fond named by its class and number after the keyword
    ("Beneš's note, AKPR, fond T 1/34, kart. 2.", "akpr", "T 1/34", None, "kart. 2", None),
    # a class/piece signature whose piece opens with a Roman number
    ("SAPMO-BArch, RY 5/I 6/3/87, Bl. 40–52.", "bundesarchiv", "RY 5", None, "I 6/3/87", "40–52"),
    # Latvian keywords after their ordinal numbers
    ("Нота, 12 августа 1921 г.: LVVA, 2575. f., 15. apr., 123. l., 4. lp.", "lvva", "2575", "15", "123", "4"),
    # the seat of the archive is no part of the fond, whose keyword is dropped
    ("Raport, Archiwum Akt Nowych w Warszawie, zespół Ambasada RP w Moskwie, sygn. 12, k. 7.", "aan",
     "Ambasada RP w Moskwie", None, "12", "7"),
    ("BArch, R 3101/13410, Bl. 2–4.", "bundesarchiv", "R 3101", None, "13410", "2–4"),
    # a Foreign Office paper's registry number after its piece is no file; British folios without a full stop
    ("TNA, FO 371/5431, N 1624/1624/38, fols 23–31, notes of a conversation.", "tna_kew", "FO 371", None, "5431",
     "23–31"),
    # a verso written onto the folio; fond/opis/delo in short; a transliterated folder
    ("RGAE, f. 413, op. 2, d. 1, l. 45ob.", "rgae", "413", "2", "1", "45ob."),
    ("RGASPI 17/162/5, ll. 12–13.", "rgaspi", "17", "162", "5", "12–13"),
    ("AVPRF, f. 0122, op. 5, papka 108, d. 5, l. 3.", "avprf", "0122", "5", "papka 108, d. 5", "3"),
    # the full stop after a verso closes the citation, and stays with it
    ("ГАРФ, ф. 5, оп. 1, д. 2619, л. 14–17 об. See also Carr, p. 4.", "garf", "5", "1", "2619", "14–17 об."),
    # capitalised Latin keywords, period-separated or spelled out
    ("Report on Lipetsk, 14 November 1930, RGVA. F. 308k. Op. 3. D. 47. L. 12–19.", "rgva", "308k", "3", "47", "12–19"),
    ("The file in the RGVA: Fond 104, opis 4, delo 562, listy 33–35v.", "rgva", "104", "4", "562", "33–35v"),
    # the fond's name in brackets after "f.", which is also a folio keyword
    ("RGASPI, f. 17 (Politburo), op. 3, d. 5, l. 3.", "rgaspi", "17", "3", "5", "3"),
    # the storage unit (единица хранения) of RGASPI, RGALI and RGAE stands for the delo
    ("РГАСПИ. Ф. 558. Оп. 11. Ед. хр. 71. Л. 4.", "rgaspi", "558", "11", "71", "4"),
    ("RGASPI, f. 558, op. 11, ed. khr. 71, l. 4.", "rgaspi", "558", "11", "71", "4"),
    # English translations of the keywords, and no commas between the parts
    ("RGASPI, Fund 17, Inventory 3, File 2137, Pages 61–62.", "rgaspi", "17", "3", "2137", "61–62"),
    ("RGASPI f. 17 op. 3 d. 2137 l. 64.", "rgaspi", "17", "3", "2137", "64"),
    # a named series and its subdivision, even when that is a place
    ("Note by Massigli, 12 Oct. 1936, AMAE, Z Europe, Dantzig, vol. 61, ff. 88–90.",
     "archives_diplomatiques", "Z Europe, Dantzig", None, "61", "88–90"),
    # a Czech carton and its volume, or its signature, are one file written as in the text
    ("3 Girsa's report to Beneš, AMZV, II. sekce, kart. 274, sv. 3.", "amzv", "II. sekce", None, "kart. 274, sv. 3", None),
    ("6 AMZV, fond EB, kart. 45, sign. R 136/2.", "amzv", "EB", None, "kart. 45, sign. R 136/2", None),
    # an Italian busta and its fascicolo are one file written as in the text
    ("The Italian record: ASMAE, Affari Politici 1919–1930, URSS, busta 1520, fasc. 3.", "asmae",
     "Affari Politici 1919–1930, URSS", None, "busta 1520, fasc. 3", None),
    # NARA's decimal file is the file of its record group
    ("Kelley's memorandum, NARA, RG 59, Decimal File 711.61/287; printed in FRUS.", "nara", "RG 59", None,
     "711.61/287", None),
]


def _key(cit):
    return ((cit["archive"] or {}).get("entity_id"), cit["fond"], cit["opis"], cit["delo"], cit["pages"])


@pytest.mark.parametrize("text,archive,fond,opis,delo,pages", CASES)
def test_citation_forms(rule_nlp, text, archive, fond, opis, delo, pages):
    doc = rule_nlp(text)
    (cit,) = doc._.citations
    assert _key(cit) == (archive, fond, opis, delo, pages)


IBID_CASES = [
    ("LVVA, 2575. f., 15. apr., 123. l., 4. lp.; ответная нота: Turpat, 9. lp.",
     [("lvva", "2575", "15", "123", "4"), ("lvva", "2575", "15", "123", "9")]),
    # the next file after a gloss in brackets and a short description
    ("РГАСПИ. Ф. 17. Оп. 3. Д. 97. Л. 2 (протокол заседания); проект решения с правкой Ленина: Д. 98. Л. 1–1 об.",
     [("rgaspi", "17", "3", "97", "2"), ("rgaspi", "17", "3", "98", "1–1 об.")]),
    # another item of a collection cited by its item numbers in brackets; a gloss in brackets is no item
    ("12 Radek to Trotsky, Houghton Library, bMS Russ 13.1 (4183); Trotsky's reply, 17 June 1928, ibid. (8291).",
     [("houghton_library", "bMS Russ 13.1", None, "4183", None), ("houghton_library", "bMS Russ 13.1", None, "8291", None)]),
    ("RGASPI, fond 17, op. 3, d. 5, l. 4; ibid. (copy).",
     [("rgaspi", "17", "3", "5", "4"), ("rgaspi", "17", "3", "5", "4")]),
    ("41 RGASPI, fond 17, op. 3, d. 2137, pp. 19–25.\n\n42 Ibid., pp. 28–30 (Kopp’s report).",
     [("rgaspi", "17", "3", "2137", "19–25"), ("rgaspi", "17", "3", "2137", "28–30")]),
    ("PA AA, R 29713, Bl. 88; der Text der Antwort Stalins ebd., Bl. 102.",
     [("pa_aa", None, None, "R 29713", "88"), ("pa_aa", None, None, "R 29713", "102")]),
    ("АВПРФ, ф. 06, оп. 1, д. 8, л. 5; русский черновик там же, л. 6.",
     [("avprf", "06", "1", "8", "5"), ("avprf", "06", "1", "8", "6")]),
    ("TNA, FO 371/5421, f. 12; the minute on it, ibid., f. 14.",
     [("tna_kew", "FO 371", None, "5421", "12"), ("tna_kew", "FO 371", None, "5421", "14")]),
    ("AAN, MSZ, sygn. 1012, k. 44–49; ibid., k. 38 (the instruction of 28 kwietnia 1933).",
     [("aan", "MSZ", None, "1012", "44–49"), ("aan", "MSZ", None, "1012", "38")]),
    # the Russian "Там же." takes its folio after a full stop
    ("РГВА. Ф. 33987. Оп. 3. Д. 1. Л. 1–5 об.\n\n2 Там же. Л. 9.",
     [("rgva", "33987", "3", "1", "1–5 об."), ("rgva", "33987", "3", "1", "9")]),
    # "Ibid." after a book is that book, not the archive
    ("AAN, MSZ, sygn. 6709, k. 14; P. Wandycz, Soviet-Polish Relations (Cambridge, Mass., 1969), p. 250; "
     "ibid., p. 252.", [("aan", "MSZ", None, "6709", "14")]),
    ("1 RGASPI, fond 17, op. 3, d. 2137, p. 5; E.H. Carr, The Bolshevik Revolution (London, 1953), p. 12."
     "\n\n2 Ibid., p. 13.", [("rgaspi", "17", "3", "2137", "5")]),
    # a Polish book's pages are "s." ("strona")
    ("5 AAN, MSZ, sygn. 6713, k. 88–89.\n\n6 Zob. M. Leczyk, Polityka, s. 290–292; ibidem, s. 293.",
     [("aan", "MSZ", None, "6713", "88–89")]),
]


IBID_CASES.append(
    # folios ("Bl.") after a book are still the archive's
    ("1 Report, BArch, RH 2/2215, Bl. 1–64; see also S. Gorlov, Sovershenno sekretno (Moscow, 1999), pp. 189–196."
     "\n\n2 Ibid., Bl. 63.", [("bundesarchiv", "RH 2", None, "2215", "1–64"), ("bundesarchiv", "RH 2", None, "2215", "63")]))


IBID_CASES += [
    # "f." after a folio, then a new sentence: the Ibid. ends at the folio
    ("PA AA, R 28035, Bl. 40–43; die Weisung ebd., Bl. 88 f. Die sowjetische Aufzeichnung: AVPRF, f. 04, op. 13, "
     "d. 42, l. 51–53.", [("pa_aa", None, None, "R 28035", "40–43"), ("pa_aa", None, None, "R 28035", "88 f."),
                          ("avprf", "04", "13", "42", "51–53")]),
    # two in one footnote, the second after a colon
    ("PA AA, R 28041, Bl. 20–24; das Telegramm ebd., Bl. 26. Aufzeichnung über den Empfang am 30.4.1926: Ebd., "
     "Bl. 141–144.", [("pa_aa", None, None, "R 28041", "20–24"), ("pa_aa", None, None, "R 28041", "26"),
                      ("pa_aa", None, None, "R 28041", "141–144")]),
    # the same archive, a fond named before another file
    ("PA AA, R 28044, Bl. 210–218; Aufzeichnung Stresemanns, ebd., Büro RM, R 29253, Bl. 2–11.",
     [("pa_aa", None, None, "R 28044", "210–218"), ("pa_aa", "Büro RM", None, "R 29253", "2–11")]),
]


IBID_CASES += [
    # a fond named with no archive is in the archive cited before it; the Ibid. after it follows it
    ("4 Kopp's letter to Trotsky, RGASPI, fond 325, op. 1, d. 406, pp. 2–7; the copy with Lenin's marginalia is in "
     "fond 2, op. 2, d. 626, pp. 1–3.\n\n5 Lenin's note to Chicherin, ibid., p. 4.",
     [("rgaspi", "325", "1", "406", "2–7"), ("rgaspi", "2", "2", "626", "1–3"), ("rgaspi", "2", "2", "626", "4")]),
    # an opis without its fond is one of the fond just cited
    ("13 RGASPI, fond 17, op. 3, d. 483, l. 4 (protocol no. 40); the draft by Chicherin is in the \"special file\": "
     "op. 162, d. 2, l. 31.", [("rgaspi", "17", "3", "483", "4"), ("rgaspi", "17", "162", "2", "31")]),
    # a file's letter after a space
    ("AAN, MSZ, sygn. 6744 A, k. 12–15; tekst projektu: tamże, k. 16.",
     [("aan", "MSZ", None, "6744 A", "12–15"), ("aan", "MSZ", None, "6744 A", "16")]),
    # the next file cited by its number alone stays in the folder (папка) of the file before it
    ("15 AVPRF, f. 0138, op. 19, p. 128, d. 4, ll. 40–41; d. 5, l. 3.\n\n16 Potemkin's directive, ibid., d. 4, l. 44.",
     [("avprf", "0138", "19", "p. 128, d. 4", "40–41"), ("avprf", "0138", "19", "p. 128, d. 5", "3"),
      ("avprf", "0138", "19", "p. 128, d. 4", "44")]),
    # the next folder of the same box; a fond after a file belongs to another citation
    ("Hoover Institution Archives, Nicolaevsky Collection, box 12, folder 4. Ibid., folder 5, holds the order.",
     [("hoover_archives", "Nicolaevsky Collection", None, "box 12, folder 4", None),
      ("hoover_archives", "Nicolaevsky Collection", None, "box 12, folder 5", None)]),
    ("Hoover Institution Archives, Maklakov Papers, box 14, folder 6, and the copy of the journal in GARF, "
     "f. R-5867, op. 1, d. 23, ll. 4–9.",
     [("hoover_archives", "Maklakov Papers", None, "box 14, folder 6", None), ("garf", "R-5867", "1", "23", "4–9")]),
    # "Op. cit." marks a book: the Ibid. after it is that book's
    ("1 RGASPI, f. 17, op. 3, d. 120, l. 2.\n\n2 Borzęcki J. Op. cit. P. 250–262; ibid. P. 270.",
     [("rgaspi", "17", "3", "120", "2")]),
]


@pytest.mark.parametrize("text,expected", IBID_CASES)
def test_ibid_resolves_to_previous_archival_citation(rule_nlp, text, expected):
    assert [_key(c) for c in rule_nlp(text)._.citations] == expected


@pytest.mark.parametrize("text", [
    "The report, kept at the AVPRF, was never published.",
    "Discussion of Chicherin’s letter (from the AVPRF fonds) after Черноперов, ‘Дипломат В.Л. Копп’, pp. 386–387.",
    "Quoted from Kopp’s telegram (from the fond kept at the AVPRF) after Черноперов, p. 256.",
    "16 Notatka Łukasiewicza z rozmowy z Kopp, 29 XI 1932; zapis przechowywany jest w AVPRF.",
    "10 Denkschrift für Ebert, 15.8.1922; das Original liegt im AVPRF.",
    "21 Raport z 19 X 1932, którego oryginał zachował się w AVPRF.",
    # the files named in the cue are not a body of records the sentence is about
    "17 Die Instruktion ist in den Akten des AVPRF nur als Entwurf erhalten.",
    "4 Телеграмма Красина в этом деле отсутствует; ее текст известен по копии в AVPRF.",
])
def test_kept_at_gives_archive_only(rule_nlp, text):
    (cit,) = rule_nlp(text)._.citations
    assert _key(cit) == ("avprf", None, None, None, None)


@pytest.mark.parametrize("text", [
    "Die amtliche Überlieferung der Botschaft liegt im AVPRF, Moskau.",
    "Korespondencja poselstwa z lat 1938–1939 przechowywana jest w AVPRF.",
])
def test_the_place_of_a_body_of_records_is_no_citation(rule_nlp, text):
    assert rule_nlp(text)._.citations == []


@pytest.mark.parametrize("text", [
    "Kopp returned to Berlin on 14 June.",
    "Papers. PA AA, Nachlass Brockdorff-Rantzau.",
    "For the text see Dokumenty i materiały, vol. 3 (Warszawa, 1964), pp. 578–617.",
    "Документы внешней политики СССР, т. 3 (Москва, 1959), с. 75–77; там же, с. 80.",
    "Repositories: AAN; Józef Piłsudski Institute of America (PIA); TNA; PA AA; AVPRF.",
    "Piłsudski wrote on 2 V 1921, 3 XI 1920 and 4 X 1919.",
])
def test_no_citation(rule_nlp, text):
    assert rule_nlp(text)._.citations == []


def test_the_next_file_after_a_semicolon_and_a_documents_description_ending_in_a_colon(rule_nlp):
    doc = rule_nlp("2 Stomonyakov's report to Krasin, Berlin, 14 Dec. 1920, RGAE, f. 413, op. 2, d. 1740, ll. 5–8; "
                   "Krasin's telegram in reply, London, 20 Dec. 1920: d. 1741, l. 3.")
    assert [_key(c) for c in doc._.citations] == [("rgae", "413", "2", "1740", "5–8"), ("rgae", "413", "2", "1741", "3")]


def test_a_documents_copies_in_two_archives_after_a_semicolon(rule_nlp):
    doc = rule_nlp("17 Die Instruktion ist in den Akten des PA AA nur als Entwurf erhalten; die Reinschrift liegt im "
                   "Bundesarchiv.")
    assert [_key(c) for c in doc._.citations] == [("pa_aa", None, None, None, None),
                                                  ("bundesarchiv", None, None, None, None)]


def test_ibid_after_an_edition_cited_with_in_is_no_archival_citation(rule_nlp):
    doc = rule_nlp("5 Schreiben Maltzans, PA AA, R 94 413, Bl. 12–14.\n\n6 Aufzeichnung Maltzans, in: Akten zur "
                   "deutschen auswärtigen Politik, Serie A, Bd. VI, Nr. 43; ebd., Nr. 44, der Entwurf.")
    assert [_key(c) for c in doc._.citations] == [("pa_aa", None, None, "R 94 413", "12–14")]


def test_second_signature_after_and_keeps_the_archive(rule_nlp):
    doc = rule_nlp("TNA, PREM 3/355/7, ff. 312–318, and CAB 65/41, f. 22.")
    assert [_key(c) for c in doc._.citations] == [("tna_kew", "PREM 3", None, "355/7", "312–318"),
                                                  ("tna_kew", "CAB 65", None, "41", "22")]


def test_signature_without_pages_takes_the_header_archive(rule_nlp):
    text = "Letter from Herriot to Chicherin, 94 AP 121."
    assert [_key(c) for c in rule_nlp(text)._.citations] == [(None, "94 AP", None, "121", None)]
    (cit,) = rule_nlp("Calendar. Archives nationales, Paris.\n\n" + text)._.citations
    assert _key(cit) == ("archives_nationales", "94 AP", None, "121", None)


def test_a_finding_aid_entry_starts_with_its_signature(rule_nlp):
    doc = rule_nlp("Calendar. Archives nationales, Paris.\n\n94 AP 121. Mission en Russie. Télégrammes, avril 1917.")
    assert [_key(c) for c in doc._.citations] == [("archives_nationales", "94 AP", None, "121", None)]


def test_calendar_header_implies_archive(rule_nlp):
    doc = rule_nlp("Calendar of documents. Politisches Archiv des Auswärtigen Amts (PA AA), Berlin.\n\n"
                   "Telegram from Dirksen to Bülow, 1.10.1931, R 9389, Bl. 201.")
    (cit,) = doc._.citations
    assert _key(cit) == ("pa_aa", None, None, "R 9389", "201") and cit["segment"] == 1


@pytest.mark.parametrize("header,entries,expected", [
    ("Calendar of documents. Archiwum Akt Nowych (AAN), Warsaw.",
     ["Letter from Beck to Lipski, 3.05.1934, sygn. 1012, k. 44–49.",
      "Telegram from Lipski to Beck, 5 May 1934, MSZ, sygn. 6709, k. 14."],
     [("aan", None, None, "1012", "44–49"), ("aan", "MSZ", None, "6709", "14")]),
    ("Calendar. Hoover Institution Archives.",
     ["Letter from Hoover to Brown, 4 Aug. 1921, box 12, folder 4.", "Cable from Brown to Hoover, 21 Aug. 1921, box 13."],
     [("hoover_archives", None, None, "box 12, folder 4", None), ("hoover_archives", None, None, "box 13", None)]),
    ("Calendar. Archives diplomatiques (La Courneuve).",
     ["Télégramme de Herbette à Briand, 12 mars 1926, vol. 352, f. 41.",
      "Dépêche de Herbette à Briand, 20 mars 1926, Z Europe, URSS, vol. 353, ff. 12–15."],
     [("archives_diplomatiques", None, None, "352", "41"), ("archives_diplomatiques", "Z Europe, URSS", None, "353", "12–15")]),
    ("Calendar. Lithuanian Central State Archives (LCVA).",
     ["Telegram from Kopp to Radek, 22 Sept. 1920, f. 383, ap. 7, b. 104, l. 12.",
      "Note from Radek to Kopp, 25 Sept. 1920, ap. 7, b. 105, l. 3."],
     [("lcva", "383", "7", "104", "12"), ("lcva", None, "7", "105", "3")]),
    # the signature after the entry's full stop; a finding aid's capitalised boxes, a folder before its title
    ("Calendar of documents. Politisches Archiv des Auswärtigen Amts (PA AA), Berlin.",
     ["1. Brockdorff-Rantzau to the Auswärtiges Amt, Moscow, 3 January 1923. R 28034k, Bl. 12–14.",
      "2. Telegram from Maltzan to Brockdorff-Rantzau, Berlin, 5.1.1923. Ibid., Bl. 15."],
     [("pa_aa", None, None, "R 28034k", "12–14"), ("pa_aa", None, None, "R 28034k", "15")]),
    ("Register of the papers. Repository: Hoover Institution Archives, Stanford, California.",
     ["Box 1, Folder 3. Correspondence with Bakhmeteff, 1921–1923.",
      "Box 2, folder 5: Letters from Girs, Rome, vol. 2, 1922."],
     [("hoover_archives", None, None, "Box 1, Folder 3", None), ("hoover_archives", None, None, "Box 2, folder 5", None)]),
    # the title's archive, though the header names the PA AA later as an exception; a series opening the
    # entry's sentence, or written after its date
    ("Calendar of documents. Reports of the Polish embassy in Berlin. Archiwum Akt Nowych (AAN), Warsaw. The German "
     "records of the conversations are held by the PA AA and cited with its name.",
     ["1. Report from Lipski to Beck, Berlin, 3 May 1934, no. 12/34. Ambasada Berlin, teczka 7, k. 3–5."],
     [("aan", "Ambasada Berlin", None, "teczka 7", "3–5")]),
    ("Calendar of documents. Archiwum Akt Nowych (AAN), Warsaw.",
     ["1. Report from Lipski to Beck, Berlin, 14 II 1935, Ambasada RP w Berlinie, sygn. 12, k. 3–4.",
      "2. Letter from Beck to Lipski, 20 II 1935, German translation, sygn. 14, k. 5."],
     [("aan", "Ambasada RP w Berlinie", None, "12", "3–4"), ("aan", None, None, "14", "5")]),
    # a registry number standing alone is a paper of the header's series; "see" opens a signature
    ("Calendar of Foreign Office documents. The National Archives, Kew, FO 371.",
     ["12. Minute by Gregory for Curzon, 3 Feb. 1922. N 1204/18/38.",
      "40. Hodgson to Curzon, Moscow, 31.XII.1923. FO 371/9369, N 10114/1/38; for the discussion in Cabinet see "
      "CAB 23/46, f. 201."],
     [("tna_kew", "FO 371", None, None, None), ("tna_kew", "FO 371", None, "9369", None),
      ("tna_kew", "CAB 23", None, "46", "201")]),
    # a finding aid's items cited by their number in brackets, in the collection the header's call number gives
    ("Leon Trotsky exile papers, 1929–1940. Call number: bMS Russ 13.1. Repository: Houghton Library. Items are "
     "cited by call number and item number in parentheses: bMS Russ 13.1 (4512).",
     ["(4512) Sedov, Lev. Letter to Trotsky, Paris, 12 Feb. 1936. 2 p. A copy is in RGASPI, f. 325, op. 1, d. 125.",
      "(8101–8105) Trotsky to Natalia Sedova, 5 letters, 1933."],
     [("houghton_library", "bMS Russ 13.1", None, "4512", None), ("rgaspi", "325", "1", "125", None),
      ("houghton_library", "bMS Russ 13.1", None, "8101–8105", None)]),
    # an entry citing the AVPRF's folder and file, the folder's keyword opening a sentence
    ("Calendar of documents. AVPRF, Moscow, fond 0122 (Referentura po Pol'she), opis 5.",
     ["2. Obolensky to Chicherin, Warsaw, 14.VI.1921. Telegram. Arrived with his staff. P. 1, d. 2, l. 4.",
      "3. Obolensky to Karakhan, Warsaw, 5 July 1921. Letter. Ibid., ll. 7–15."],
     [("avprf", "0122", "5", "P. 1, d. 2", "4"), ("avprf", "0122", "5", "P. 1, d. 2", "7–15")]),
    # the leaves of another archive's file after a semicolon are not the entry's
    ("Register of the Boris I. Nicolaevsky Collection. Hoover Institution Archives.",
     ["Box 16, Folder 5. Circular letter to the party groups abroad, Paris, 1 October 1939. Mimeographed, 3 l. "
      "Other copies: RGASPI, f. 275, op. 1, d. 98, l. 4; d. 99, l. 1."],
     [("hoover_archives", None, None, "Box 16, Folder 5", None), ("rgaspi", "275", "1", "98", "4"),
      ("rgaspi", "275", "1", "99", "1")]),
    # a British Library volume cited without the library; the header's range of volumes cites nothing; an
    # entry opening with its folios alone is in the volume the entry before cited
    ("Papers of Lord D'Abernon. Repository: British Library, London. Reference: Add MS 48922–48954.",
     ["Add MS 48928. Records of conversations, 1921–1922. 146 folios.",
      "ff. 1–6. Record of a conversation with Wirth, Berlin, 11 May 1921.",
      "Add MS 48929, ff. 5–9: record of a conversation with Stresemann, 2 Sept. 1923."],
     [("british_library", "Add MS", None, "48928", None), ("british_library", "Add MS", None, "48928", "1–6"),
      ("british_library", "Add MS", None, "48929", "5–9")]),
    # a copy the entry locates after another archive's file ("...; the copy received in London: d. 226") is in
    # the calendar's own fond, a lower-case folder too
    ("Calendar of documents. AVPRF, Moscow, fond 0122 (Referentura po Pol'she), opis 5.",
     ["7. Karakhan to Skirmunt, Warsaw, 18 Sept. 1921. Note. Copy in RGASPI, f. 159, op. 2, d. 41, l. 5; the "
      "legation's draft with corrections in Karakhan's hand: p. 2, d. 1, ll. 9–14.",
      "13. Extract from the protocol of the Politburo, 20 Oct. 1921. RGASPI, f. 17, op. 3, d. 218, l. 2; the copy "
      "received in Warsaw: d. 226, l. 1."],
     [("rgaspi", "159", "2", "41", "5"), ("avprf", "0122", "5", "p. 2, d. 1", "9–14"),
      ("rgaspi", "17", "3", "218", "2"), ("avprf", "0122", "5", "226", "1")]),
    # a guide's fond and opis, each with its title; an entry opening with its file, with or without leaves
    ("Russian State Archive of Socio-Political History (RGASPI), Moscow. Fond 159: Georgy Vasilyevich Chicherin "
     "(1872–1936). Opis 2: Correspondence and official papers, 1886–1936. 74 files.",
     ["File 4. Letters from Chicherin to his uncle, St Petersburg, 1891–1903. Ll. 1–57.",
      "File 41. Letters from Chicherin to Krestinsky, Moscow, 1922–1925. 84 ll."],
     [("rgaspi", "159", "2", "4", "1–57"), ("rgaspi", "159", "2", "41", None)]),
    # a signature after a quotation that ends the entry's sentence
    ("Calendar of Foreign Office documents. The National Archives, Kew, FO 371.",
     ["8. Minute by Tyrrell for Chamberlain, 5 May 1926. Chamberlain's note: \"I agree.\" FO 371/11793, "
      "C 5520/234/18, ff. 12–19.", "9. Erskine to Chamberlain, Warsaw, 10 May 1926. Ibid., f. 22."],
     [("tna_kew", "FO 371", None, "11793", "12–19"), ("tna_kew", "FO 371", None, "11793", "22")]),
    # an entry opening with its leaves and a colon, in the volume the entry before cited; a volume after "is"
    ("Findbuch. Bundesarchiv, Abteilung Militärarchiv, Freiburg, Nachlass Hammerstein (N 97).",
     ["N 97/2. Correspondence with Seeckt, 1920–1926, Bl. 1–5.",
      "Bl. 6–12: letter from Seeckt to Hammerstein on his first talks with Kopp, Berlin, summer 1921.",
      "1 The report of the delegation, Moscow, Sept. 1929, is N 97/7, Bl. 40–52."],
     [("bundesarchiv", "N 97", None, "2", "1–5"), ("bundesarchiv", "N 97", None, "2", "6–12"),
      ("bundesarchiv", "N 97", None, "7", "40–52")]),
    # a register's collection number is no fond of its boxes; a heading after the folder ends it
    ("Register of the Russia. Posol'stvo (U.S.) records. Collection Number: XX010. Repository: Hoover Institution "
     "Archives, Stanford, California.",
     ["Box 1, Folder 3. Correspondence with Bakhmeteff, 1921–1923.",
      "Box 96, Folder 4. Émigré politics. Letter from Avksentiev to Ughet, Paris, 7 March 1925."],
     [("hoover_archives", None, None, "Box 1, Folder 3", None), ("hoover_archives", None, None, "Box 96, Folder 4", None)]),
    # a mission's files named before their package ("Paket", a container of the PA AA)
    ("Calendar of documents. Politisches Archiv des Auswärtigen Amts (PA AA), Berlin, files of the legation.",
     ["No. 1. Rauscher an Stresemann, Bericht, Warschau, 18.5.1926. On the regime. Botschaft Warschau, Paket 41, Bl. 3–9."],
     [("pa_aa", "Botschaft Warschau", None, "Paket 41", "3–9")]),
    # a header giving its fond and opis, and another opis of the fond named for some entries: the first is theirs
    ("Обзор документов. По материалам Архива внешней политики Российской Федерации (АВП РФ), фонд 0138 "
     "(Референтура по Чехословакии), опись 15. Документы, переданные в оп. 16, отмечены номером описи.",
     ["№ 1. Письмо Александровского Стомонякову. Прага, 3 марта 1934 г. Полпред сообщает. П. 40, д. 3, л. 5–7 об."],
     [("avprf", "0138", "15", "П. 40, д. 3", "5–7 об.")]),
    # items under a volume heading cited by the frames of the film
    ("Politisches Archiv des Auswärtigen Amts (PA AA), Berlin, Nachlass Brockdorff-Rantzau, Bd. 1–22. Extent: 22 volumes.",
     ["Bd. 9: Correspondence with Chicherin, 1922–1926.",
      "Letter from Chicherin to Brockdorff-Rantzau, Moscow, 4 Nov. 1922, H 225101–225102. — The ambassador's reply "
      "of the following day, H 225103."],
     [("pa_aa", "Nachlass Brockdorff-Rantzau", None, "9", "H 225101–225102"),
      ("pa_aa", "Nachlass Brockdorff-Rantzau", None, "9", "H 225103")]),
    # a register's preferred-citation template names the collection, no fond of its boxes
    ("Register of the Mikhail N. de Giers Papers. Repository: Hoover Institution Archives, Stanford, California. "
     "Preferred citation: [Identification of item], Box/Folder, Mikhail N. de Giers Papers, Hoover Institution Archives.",
     ["Box 3, Folder 1: Letters from Bakhmeteff to Giers, Washington, 1921."],
     [("hoover_archives", None, None, "Box 3, Folder 1", None)]),
    # a fond named in the header with its acronym in brackets goes by the acronym
    ("Calendar of documents. Archiwum Akt Nowych (AAN), Warsaw, zespół Ministerstwo Spraw Zagranicznych (MSZ).",
     ["1. Zaleski to the legation in Moscow, Warsaw, 3 June 1926. Circular telegram. Sygn. 6709, k. 1–2."],
     [("aan", "MSZ", None, "6709", "1–2")]),
    # the archives a header says are cited by name are no citations; a volume the note says a copy "is now"
    ("Bundesarchiv-Militärarchiv (BA-MA), Freiburg, N 42: Nachlass Schleicher. Copies in the Political Archive of "
     "the Federal Foreign Office (PA AA) are cited with the name of the archive.",
     ["N 42/21: Correspondence with Groener, 1926–1929, Bl. 12–19.",
      "Archivist's note. The carbon copy he sent to Schleicher is now N 42/22, Bl. 23–29."],
     [("bundesarchiv", "N 42", None, "21", "12–19"), ("bundesarchiv", "N 42", None, "22", "23–29")]),
])
def test_calendar_entries_without_the_archive_name(rule_nlp, header, entries, expected):
    """A calendar or finding aid names its archive once; its entries cite files, volumes and boxes."""
    doc = rule_nlp("\n\n".join([header] + entries))
    assert [_key(c) for c in doc._.citations] == expected


def test_a_register_with_numbered_series_and_a_series_heading_that_gives_the_box(rule_nlp):
    doc = rule_nlp("Register of the papers. Repository: Hoover Institution Archives, Stanford, California.\n\n"
                   "Scope and content. Series 1, Correspondence, 1919–1932. Series 2, Riga peace conference.\n\n"
                   "1 Letter from Kopp to Radek, Moscow, 14 March 1924, Series 1, Box 3, Folder 12.\n\n"
                   "Series 12. The Soviet embassy in Paris, 1925–1932. Box 17.\n\n"
                   "Folder 1. Report of Kopp to Chicherin, Paris, 27 Feb. 1926.\n\n"
                   "Folder 2. Letter from Chicherin to Kopp, 3 March 1926.\n\n"
                   "Series 13. Printed matter. Boxes 18–19.\n\n"
                   "Folder 4. Cuttings, 1927.")
    assert [_key(c) for c in doc._.citations] == [
        ("hoover_archives", None, None, "Series 1, Box 3, Folder 12", None),
        ("hoover_archives", None, None, "Box 17, Folder 1", None),
        ("hoover_archives", None, None, "Box 17, Folder 2", None),
        ("hoover_archives", None, None, "Folder 4", None)]


def test_a_box_on_a_line_of_its_own_heads_the_folders_under_it(rule_nlp):
    doc = rule_nlp("Register of the papers. Repository: Hoover Institution Archives, Stanford, California.\n\n"
                   "Access. The papers are open; materials in Series 5 may be consulted on microfilm only.\n\n"
                   "Series 2. Correspondence, 1917–1930.\n\nBox 12\n\n"
                   "Folder 1: Telegram from Kopp to Radek, 14 June 1920.\n\nFolder 2: Letters from Chicherin.\n\n"
                   "Box 13\n\nFolder 1: Letter, Radek to Kopp, Paris, 17 Feb. 1921.")
    assert [_key(c) for c in doc._.citations] == [
        ("hoover_archives", None, None, "Box 12, Folder 1", None),
        ("hoover_archives", None, None, "Box 12, Folder 2", None),
        ("hoover_archives", None, None, "Box 13, Folder 1", None)]


def test_a_book_in_a_calendar_is_no_archival_citation(rule_nlp):
    doc = rule_nlp("Calendar. Hoover Institution Archives.\n\nLetter from Hoover to Brown, 4 Aug. 1921, printed in "
                   "Documents, vol. 3, p. 75.\n\nTelegram from Brown to Hoover no. 45, 5 Aug. 1921.")
    assert doc._.citations == []


def test_a_header_in_two_paragraphs_still_names_the_archive(rule_nlp):
    doc = rule_nlp("Calendar of documents, 1923.\n\nPolitisches Archiv des Auswärtigen Amts (PA AA), Berlin.\n\n"
                   "Telegram from Dirksen to Bülow, 1.10.1931, R 9389, Bl. 201.")
    assert [_key(c) for c in doc._.citations] == [("pa_aa", None, None, "R 9389", "201")]
    # an archive named after the entries have begun is no header
    doc = rule_nlp("Calendar.\n\nTelegram from Dirksen to Bülow, 1.10.1931, R 9388, Bl. 2.\n\n"
                   "Politisches Archiv des Auswärtigen Amts (PA AA), Berlin.\n\n"
                   "Telegram from Dirksen to Bülow, 1.10.1931, R 9389, Bl. 201.")
    assert [_key(c)[0] for c in doc._.citations] == [None, None]


def test_header_archive_is_the_one_the_kb_knows(rule_nlp):
    # the NER may take the office that holds the archive for a second archive the KB does not know
    from spacy.tokens import Span

    text = ("Calendar. League of Nations Archives, held by the United Nations Office at Geneva.\n\n"
            "Note by Avenol, mid-June 1934, R 3627, ff. 14–18.")
    doc = rule_nlp.make_doc(text)
    start = text.index("United Nations Office")
    doc.user_data["segments"] = rule_nlp(text).user_data["segments"]
    for name, proc in rule_nlp.pipeline:
        if name == "linker":
            span = doc.char_span(start, start + len("United Nations Office"), label="ARCHIVE")
            doc.ents = list(doc.ents) + [span]
        doc = proc(doc)
    assert [_key(c) for c in doc._.citations] == [("league_archives", None, None, "R 3627", "14–18")]


@pytest.mark.parametrize("header,archive", [
    ("Calendar. Bundesarchiv (BArch), Berlin-Lichterfelde, R 43 I (Reichskanzlei). Originals kept in the "
     "Politisches Archiv des Auswärtigen Amts are cited with the name of the archive.", "bundesarchiv"),
    ("Calendar. Archives nationales, Paris, 94 AP. Copies in the PA AA are cited as such.", "archives_nationales"),
    ("Calendar. Files from the PA AA and the Bundesarchiv.", None),
    # a finding aid's repository field: the other archive is the history of the papers
    ("Guide to the trophy fonds. Captured records kept in the Bundesarchiv since 1945. "
     "Repository: PA AA, Kurstraße 36, Berlin.", "pa_aa"),
    ("Guide to the trophy fonds. Repository: PA AA, Berlin; copies, Repository: Bundesarchiv, Koblenz.", None),
])
def test_header_with_several_archives_takes_the_one_given_with_its_holdings(rule_nlp, header, archive):
    doc = rule_nlp(header + "\n\nTelegram from Dirksen to Bülow, 1.10.1931, R 43 I/130, Bl. 2–4; "
                            "a copy in PA AA, R 28207, Bl. 12 f.")
    assert [_key(c) for c in doc._.citations] == [(archive, "R 43 I", None, "130", "2–4"),
                                                  ("pa_aa", None, None, "R 28207", "12 f.")]


@pytest.mark.parametrize("header,entry,expected", [
    ("Calendar. Archiwum Akt Nowych (AAN), Warszawa, zespół Ambasada RP w Berlinie. Entries give the signature (sygn.).",
     "Raport posła do ministra, Berlin, 27 I 1934, sygn. 118, k. 4–7.", ("aan", "Ambasada RP w Berlinie", None, "118", "4–7")),
    ("Calendar. RGASPI, Moscow, fond 495 (records of the ECCI).",
     "Letter from the ECCI to the KPD, 3 March 1924, op. 292, d. 12, l. 5–9.", ("rgaspi", "495", "292", "12", "5–9")),
    ("Kalendarz. Instytut Polski i Muzeum im. gen. Sikorskiego (PISM), Londyn, kol. 34 (papers of August Zaleski).",
     "Raport posła do ministra, Berlin, 27 I 1928, teczka 7, k. 4–7.", ("pism", "kol. 34", None, "teczka 7", "4–7")),
    # an organisation after the archive is its holder as often as its fond: none
    ("Calendar. The National Archives, Kew, War Office.",
     "Letter from Kopp to Chicherin, 3 May 1921, vol. 12, f. 4.", ("tna_kew", None, None, "12", "4")),
    # two fonds in the header: none for the entries
    ("Calendar. The National Archives, Kew: Foreign Office (FO 371) and Cabinet papers (CAB 23).",
     "Letter from Kopp to Chicherin, 3 May 1921, vol. 12, f. 4.", ("tna_kew", None, None, "12", "4")),
    # the fond named before its archive, in a header that names other archives too (their copies are
    # described, not cited)
    ("Podstawą kalendarium jest zespół Ambasada RP w Moskwie w Archiwum Akt Nowych (AAN) w Warszawie. Dokumenty "
     "z innych zespołów oraz odpisy przechowywane w PISM cytuje się z nazwą archiwum; odpowiedniki sowieckie "
     "według sygnatur AWPRF.",
     "14 VIII 1921, Moskwa. — Telegram posła do MSZ. Sygn. 1, k. 1–2.", ("aan", "Ambasada RP w Moskwie", None, "1", "1–2")),
    # a complete keyword-less signature takes no fond from the header
    ("Calendar. Politisches Archiv des Auswärtigen Amts (PA AA), Berlin, fond 9.",
     "Telegram from Dirksen to Bülow, 1.10.1931, R 9389, Bl. 201.", ("pa_aa", None, None, "R 9389", "201")),
])
def test_header_fond_goes_to_entries_that_give_only_a_file(rule_nlp, header, entry, expected):
    assert [_key(c) for c in rule_nlp(header + "\n\n" + entry)._.citations] == [expected]


def test_next_file_after_a_gloss_keeps_fond_and_opis(rule_nlp):
    doc = rule_nlp("12 RGASPI, f. 17, op. 3, d. 97, l. 2 (protocol of 27 July 1920); d. 99, l. 1 (protocol of 3 Aug. 1920).")
    assert [_key(c) for c in doc._.citations] == [("rgaspi", "17", "3", "97", "2"), ("rgaspi", "17", "3", "99", "1")]


def test_next_file_after_semicolon_in_a_finding_aid_keeps_fond_and_opis(rule_nlp):
    doc = rule_nlp("Guide. Russian State Military Archive (RGVA), Moscow.\n\n"
                   "Letter from Smilga to Sklyansky, Smolensk, 2 July 1920, f. 4, op. 14, d. 12, l. 3; d. 14, l. 5 (copy).")
    assert [_key(c) for c in doc._.citations] == [("rgva", "4", "14", "12", "3"), ("rgva", "4", "14", "14", "5")]


def test_a_volume_signature_without_folios_is_an_entry_under_the_header_archive(rule_nlp):
    doc = rule_nlp("Calendar. League of Nations Archives, Geneva.\n\n"
                   "Report from Gravina to Drummond, 14 Jan. 1930, R 3712, 4/23345. See Kimmich (New Haven, 1968), pp. 112–115.")
    assert [_key(c) for c in doc._.citations] == [("league_archives", None, None, "R 3712", None)]
    # without a header the bare signature is no citation
    assert rule_nlp("Report from Gravina to Drummond, 14 Jan. 1930, R 3712.")._.citations == []


@pytest.mark.parametrize("text,expected", [
    # "Там же" after a Russian book reference is the book's
    ("АВПРФ, ф. 082, оп. 9, п. 21, д. 4, л. 17–18. Ср.: Ахтамзян А.А. Рапалльская политика. М., 1974. "
     "С. 172–174; Там же. С. 180.", [("avprf", "082", "9", "п. 21, д. 4", "17–18")]),
    ("РГАСПИ. Ф. 159. Оп. 2. Д. 52. Л. 31–33 об.; помета Сталина на копии: Там же. Л. 40.",
     [("rgaspi", "159", "2", "52", "31–33 об."), ("rgaspi", "159", "2", "52", "40")]),
    # "хранится в": the archive holds the original
    ("Подлинник хранится в АВПРФ; копия: РГАСПИ. Ф. 558. Оп. 11. Д. 765. Л. 5.",
     [("avprf", None, None, None, None), ("rgaspi", "558", "11", "765", "5")]),
])
def test_russian_book_references_and_holdings(rule_nlp, text, expected):
    assert [_key(c) for c in rule_nlp(text)._.citations] == expected


def test_a_fond_named_before_its_archive(rule_nlp):
    doc = rule_nlp("TNA, CAB 65/41, f. 22; the Polish minutes are in the Mikołajczyk papers at the Hoover Institution, box 3.")
    assert [_key(c) for c in doc._.citations] == [("tna_kew", "CAB 65", None, "41", "22"),
                                                  ("hoover_archives", "Mikołajczyk papers", None, "box 3", None)]
    # a fond the citation names itself wins
    (cit,) = rule_nlp("The Seeckt papers at the Bundesarchiv, N 247/88, Bl. 3.")._.citations
    assert _key(cit) == ("bundesarchiv", "N 247", None, "88", "3")


INVENTORY_HEADER = ("Российский государственный архив социально-политической истории (РГАСПИ), Москва. Ф. 495 "
                    "(Исполнительный комитет Коммунистического Интернационала), оп. 123: Коммунистическая партия Польши.")


@pytest.mark.parametrize("entry,expected", [
    ("Д. 41. Письмо ЦК КПРП в ЦК РКП(б) о дискуссии, Варшава, 23 декабря 1923 г. Л. 1–4 об.",
     [("rgaspi", "495", "123", "41", "1–4 об.")]),
    ("File 48. Report of Domski to the ECCI Secretariat on the arrests, Warsaw, 3 Jan. 1925, ff. 2–9.",
     [("rgaspi", "495", "123", "48", "2–9")]),
    # the entry's own opis wins over the header's
    ("Letter from the ECCI to the KPD, 3 March 1924, op. 292, d. 12, l. 5–9.", [("rgaspi", "495", "292", "12", "5–9")]),
])
def test_inventory_entries_take_fond_and_opis_from_the_header(rule_nlp, entry, expected):
    doc = rule_nlp(INVENTORY_HEADER + "\n\n" + entry)
    # the header describes the holdings: no citation of its own
    assert [_key(c) for c in doc._.citations] == expected


@pytest.mark.parametrize("text,expected", [
    ("Findbuch. Bundesarchiv Koblenz, Nachlass Rudolf Nadolny (N 1024).\n\n"
     "N 1024/13: Schriftwechsel mit Bülow, 1933–1934. — Brief Bülows an Nadolny, Berlin, 20. Dezember 1933, "
     "Bl. 1–4. — Telegramm Bülows an Nadolny, 20. März 1934, Bl. 30: Sondierungen; Entwurf im PA AA, "
     "R 31485, Bl. 7. — der Entwurf ebd., Bl. 37–39. — Telegramm Nadolnys an Bülow, Moskau, 29. März 1934, "
     "Bl. 40–41, mit der Empfehlung.",
     [("bundesarchiv", "N 1024", None, "13", "1–4"), ("bundesarchiv", "N 1024", None, "13", "30"),
      ("pa_aa", None, None, "R 31485", "7"), ("pa_aa", None, None, "R 31485", "37–39"),
      ("bundesarchiv", "N 1024", None, "13", "40–41")]),
    # a dash between items ends a citation ("Bl. 40 f. — Aufzeichnung"); "Bl. 1–14, hier Bl. 7" cites Bl. 7
    ("Findbuch zum Bestand. Bundesarchiv, Freiburg, N 123 (Nachlass Köstring).\n\n"
     "N 123/7: Berichte und Briefe, 1937. — Notizen über die Prozesse, Januar–Juli 1937, Bl. 1–14, hier "
     "Bl. 7. — Brief an Beck, Moskau, 30. Juni 1937, Bl. 22 f. — Antwort Becks, 19.7.1937, Bl. 26; "
     "das Gegenstück: BArch, RH 2/2209, Bl. 40 f. — Aufzeichnung über ein Gespräch mit Woroschilow, "
     "7. November 1937, Bl. 40–42.",
     [("bundesarchiv", "N 123", None, "7", "7"), ("bundesarchiv", "N 123", None, "7", "22 f."),
      ("bundesarchiv", "N 123", None, "7", "26"), ("bundesarchiv", "RH 2", None, "2209", "40 f."),
      ("bundesarchiv", "N 123", None, "7", "40–42")]),
])
def test_a_file_heading_lends_its_file_to_every_item_cited_by_its_leaves(rule_nlp, text, expected):
    assert [_key(c) for c in rule_nlp(text)._.citations] == expected


def test_a_volume_heading_lends_its_file_to_the_items_of_the_paragraphs_below(rule_nlp):
    doc = rule_nlp("Findbuch. Politisches Archiv des Auswärtigen Amts (PA AA), Berlin, Nachlass Kopp, Bd. 1–7.\n\n"
                   "Bd. 3: Korrespondenz mit Chicherin, 1921–1922.\n\n"
                   "Privatbrief Kopps an Chicherin, Berlin, 12. Mai 1921, Bl. 14–17; Abschrift: R 29713, Bl. 5. Ebd., "
                   "Bl. 18: die Antwort.\n\nBd. 4: Berichte, 1923.\n\nBericht Kopps an Chicherin, 3. März 1923, Bl. 2.")
    # the header's extent ("Bd. 1–7") describes the holdings; the headings cite nothing themselves
    assert [_key(c) for c in doc._.citations] == [
        ("pa_aa", "Nachlass Kopp", None, "3", "14–17"), ("pa_aa", None, None, "R 29713", "5"),
        ("pa_aa", None, None, "R 29713", "18"), ("pa_aa", "Nachlass Kopp", None, "4", "2")]


@pytest.mark.parametrize("sentence_end", ["1923. ", "1923, recommending acceptance.1 ", "1923: 'Die Lage'.12 "])
def test_a_header_series_with_ff_and_a_named_fond_after_a_sentence(rule_nlp, sentence_end):
    # the signature opens a sentence, also after a footnote mark ('acceptance.1 R 31489')
    nlp_doc = rule_nlp("Calendar of documents. Politisches Archiv des Auswärtigen Amts (PA AA), Berlin: the political volumes, R 31488 ff., "
                       "and the files of the embassy. The Archive of Foreign Policy of the Russian Federation (AVPRF) "
                       "holds the Soviet records.\n\nNo. 4. Telegram from Kopp to Chicherin, 15 Sept. " + sentence_end +
                       "R 31489, Bl. 17–19.")
    assert [_key(c) for c in nlp_doc._.citations] == [("pa_aa", None, None, "R 31489", "17–19")]


def test_a_folder_between_opis_and_file_under_the_header_fond(rule_nlp):
    doc = rule_nlp("Calendar. Archive of Foreign Policy of the Russian Federation (AVPRF), fond 0135 (Referentura).\n\n"
                   "No. 2. Ciphered telegram. Karakhan to the mission, 30 May 1927. Op. 10, p. 101, d. 3, l. 12.\n\n"
                   "No. 3. Telegram. Kopp to Chicherin, 2 June 1927, AVPRF, f. 0135, op. 10, p. 101, d. 4, l. 2.")
    # the header's fond describes the holdings even where an entry names the archive itself
    assert [_key(c) for c in doc._.citations] == [("avprf", "0135", "10", "p. 101, d. 3", "12"),
                                                  ("avprf", "0135", "10", "p. 101, d. 4", "2")]


@pytest.mark.parametrize("text,expected", [
    ("Raport Wysockiego do Zaleskiego, 27 I 1928, AAN, zespół nr 322, sygn. nr 6709, k. 3.",
     [("aan", "322", None, "6709", "3")]),
    ("Letter from Kopp to Chicherin, 3 May 1921, RGASPI, fond No. 17, op. 3, d. 2137, l. 4.",
     [("rgaspi", "17", "3", "2137", "4")]),
    # "tamże" after a Polish book imprint without a comma ("Londyn 1972") is the book's
    ("Telegram Szembeka do Becka, AAN, MSZ, sygn. 6654, k. 3. Diariusz i teki Jana Szembeka, t. IV, "
     "Londyn 1972, s. 61–63; tamże, s. 65.", [("aan", "MSZ", None, "6654", "3")]),
])
def test_number_signs_and_polish_imprints(rule_nlp, text, expected):
    assert [_key(c) for c in rule_nlp(text)._.citations] == expected


def test_a_named_fond_before_a_frame_signature_under_the_header_archive(rule_nlp):
    doc = rule_nlp("Calendar. Politisches Archiv des Auswärtigen Amts (PA AA), Berlin.\n\n"
                   "Privatbrief Brockdorff-Rantzaus an Stresemann, Moskau, 28. April 1926, Entwurf, R 28041, Bl. 130–134; "
                   "die Ausfertigung im Nachlass Brockdorff-Rantzau, H 225790–225794.")
    assert [_key(c) for c in doc._.citations] == [
        ("pa_aa", None, None, "R 28041", "130–134"),
        ("pa_aa", "Nachlass Brockdorff-Rantzau", None, None, "H 225790–225794")]


def test_the_repositories_a_calendar_header_names_are_no_citations(rule_nlp):
    text = ("Calendar of documents on Polish-Soviet relations. Compiled from the files kept at the Polish Institute and "
            "Sikorski Museum, from the AVPRF and from TNA.\n\n"
            "Note from Kot to Vyshinsky, Kuibyshev, 13 Oct. 1941, PISM, A.11.49/Sow/3, k. 12–14.")
    assert [_key(c) for c in rule_nlp(text)._.citations] == [("pism", "A.11.49", None, "Sow/3", "12–14")]
    # the same words in a narrative's first paragraph cite the archive, for a document
    text = "The report kept at the AVPRF tells another story.\n\nOn 3 May Kopp wrote to Chicherin."
    assert [_key(c) for c in rule_nlp(text)._.citations] == [("avprf", None, None, None, None)]
    # and describe holdings for a body of records
    text = "The files kept at the AVPRF tell another story.\n\nOn 3 May Kopp wrote to Chicherin."
    assert rule_nlp(text)._.citations == []


def test_header_with_several_archives_implies_none(rule_nlp):
    doc = rule_nlp("Repositories: AAN; TNA; PA AA.\n\nTelegram from Dirksen to Bülow, 1.10.1931, R 9389, Bl. 201.")
    (cit,) = doc._.citations
    assert _key(cit) == (None, None, None, "R 9389", "201")


def test_bad_pattern_names_file_and_key(tmp_path):
    table = json.loads((__import__("pathlib").Path(__file__).parent.parent / "configs" / "citations" /
                        "fields.json").read_text(encoding="utf-8"))
    table["pages"].append("Bl(")
    (tmp_path / "fields.json").write_text(json.dumps(table), encoding="utf-8")
    with pytest.raises(ValueError, match=r"fields\.json: pages\[\d+\]"):
        CitationComponent(spacy.blank("en"), "citations", str(tmp_path))


def test_table_round_trips(rule_nlp, tmp_path):
    comp = rule_nlp.get_pipe("citations")
    comp.to_disk(tmp_path / "citations")
    other = CitationComponent(spacy.blank("en"), "citations").from_disk(tmp_path / "citations")
    assert other.fields == comp.fields
    assert _key(other.parser.parse("TNA, FO 371/10739, f. 88.", [(0, 3, "tna_kew", "TNA")])[0]) == \
        ("tna_kew", "FO 371", None, "10739", "88")


def test_the_next_file_of_the_same_fond_after_a_semicolon(rule_nlp):
    doc = rule_nlp("RGVA, f. 4, op. 14, d. 12, l. 3; d. 14, l. 5; op. 15, d. 2, l. 1. A date 12/3/1921, p. 4.")
    assert [_key(c) for c in doc._.citations] == [
        ("rgva", "4", "14", "12", "3"), ("rgva", "4", "14", "14", "5"), ("rgva", "4", "15", "2", "1")]


def test_a_fond_taken_for_an_archive_and_numbers_in_a_gloss(rule_nlp):
    from conftest import make_rule_pipeline
    from pipeline.patterns import read_patterns

    nlp = make_rule_pipeline(read_patterns(str(ROOT / "configs" / "patterns")) +
                             [{"label": "ARCHIVE", "pattern": "Prezydium Rady Ministrów"}])
    doc = nlp("zob. też AAN, Prezydium Rady Ministrów, sygn. 58, k. 11–12.")
    assert [_key(c) for c in doc._.citations] == [("aan", "Prezydium Rady Ministrów", None, "58", "11–12")]
    # the numbers in brackets after the archive; the parts end where the next archive is named
    doc = rule_nlp("It rests on the AVPRF (f. 06), on the delegation records in NARA, RG 43, and on more.")
    assert [_key(c) for c in doc._.citations] == [("avprf", "06", None, None, None), ("nara", "RG 43", None, None, None)]


def test_here_narrows_the_pages_in_polish_and_a_capital_keyword_starts_a_citation(rule_nlp):
    doc = rule_nlp("Calendar. Archiwum Akt Nowych (AAN), Warsaw.\n\n"
                   "Instrukcja ministra, 23 X 1934, sygn. 121, k. 1–64, tu k. 12–15.\n\n"
                   "Ribbentrop met Lipski on 24 October 1938. Sygn. 152, k. 1–19, here k. 4–6.")
    assert [_key(c) for c in doc._.citations] == [("aan", None, None, "121", "12–15"), ("aan", None, None, "152", "4–6")]


def test_the_next_file_after_a_short_description_but_not_a_book(rule_nlp):
    doc = rule_nlp("Krestinsky's letter to Stalin, RGASPI, f. 558, op. 11, d. 775, l. 3–6; the copy forwarded to "
                   "Chicherin, d. 776, l. 12. TNA, FO 371/26755, f. 201; Documents on Polish-Soviet Relations, "
                   "vol. 1 (London: Heinemann, 1961), pp. 141–142.")
    assert [_key(c) for c in doc._.citations] == [
        ("rgaspi", "558", "11", "775", "3–6"), ("rgaspi", "558", "11", "776", "12"),
        ("tna_kew", "FO 371", None, "26755", "201")]
    # a description naming a publication, and a book's volume and pages: no file of the archive
    doc = rule_nlp("Litvinov's record, AVPRF, f. 05, op. 15, p. 106, d. 31, ll. 60–68; the communiqué in DVP, "
                   "vol. 18, pp. 333–334.")
    assert [_key(c) for c in doc._.citations] == [("avprf", "05", "15", "p. 106, d. 31", "60–68")]
    # the next file of the same opis may open with its folder
    doc = rule_nlp("Molotov's record, AVPRF, f. 06, op. 3, p. 1, d. 5, ll. 40–48; record of the meeting of 9 April, "
                   "p. 1, d. 6, ll. 1–9.")
    assert [_key(c) for c in doc._.citations] == [("avprf", "06", "3", "p. 1, d. 5", "40–48"),
                                                  ("avprf", "06", "3", "p. 1, d. 6", "1–9")]


def test_a_german_volume_and_a_named_series(rule_nlp):
    from conftest import make_rule_pipeline
    from pipeline.patterns import read_patterns

    # the NER took the series for a place; a place the KB does not know may name the fond, a known one does not
    nlp = make_rule_pipeline(read_patterns(str(ROOT / "configs" / "patterns")) +
                             [{"label": "LOC", "pattern": p} for p in ("Botschaft Tokio", "Essen")])
    doc = nlp("From a telegram of Neurath (PA AA, Botschaft Tokio, Bd. 118, Bl. 20–24).")
    assert [_key(c) for c in doc._.citations] == [("pa_aa", "Botschaft Tokio", None, "118", "20–24")]
    doc = nlp("Historisches Archiv Krupp, Essen, FAH 4 E 112, p. 3.")
    assert [_key(c) for c in doc._.citations] == [("krupp_archive", "FAH 4 E", None, "112", "3")]


@pytest.mark.parametrize("text,expected", [
    # a second file with its own fond keeps the archive of the citation before it
    ("5 Protocol of the Politburo, 2 Aug. 1923, RGASPI, f. 17, op. 3, d. 370, l. 4; the text of the decision in the "
     "special folder, f. 17, op. 162, d. 1, l. 22.", [("rgaspi", "17", "3", "370", "4"), ("rgaspi", "17", "162", "1", "22")]),
    # "kept in the" archive: a citation of the archive only
    ("6 Sun's letter to the Central Executive Committee, 11 Mar. 1925. The signed original is kept in the AVPRF.",
     [("avprf", None, None, None, None)]),
])
def test_footnote_citations(rule_nlp, text, expected):
    assert [_key(c) for c in rule_nlp(text)._.citations] == expected


def test_an_inventory_entry_keeps_its_verso_and_the_leaves_its_description_names_are_no_items(rule_nlp):
    doc = rule_nlp("РГАСПИ. Ф. 495. Оп. 18. Секретариат ИККИ.\n\n"
                   "Д. 170. Протокол заседания Президиума ИККИ, 21 сентября 1923 г. Л. 1–35 об. На л. 30–35 об. — "
                   "проект резолюции.")
    assert [_key(c) for c in doc._.citations] == [("rgaspi", "495", "18", "170", "1–35 об.")]


def test_an_entry_that_gives_only_its_leaves_is_kept_in_the_volume_the_entry_before_cited(rule_nlp):
    doc = rule_nlp("Aktenverzeichnis. Politisches Archiv des Auswärtigen Amts (PA AA), Gesandtschaft Warschau.\n\n"
                   "Nr. 1. Drahtbericht Rauschers, Warschau, 16. Juni 1925. R 82401, Bl. 12–14; BArch, R 43 I/127, Bl. 8.\n\n"
                   "Nr. 2. Weisung Stresemanns an Rauscher, 30.6.1925. Der Gesandte solle schweigen. Bl. 40 f.\n\n"
                   "Nr. 3. Note Zaleskis an Rauscher, 12. März 1927. Übersetzung der Gesandtschaft, Bl. 47–49; "
                   "das Konzept in AAN, MSZ, sygn. 4712, k. 15–17.")
    assert [_key(c) for c in doc._.citations] == [
        ("pa_aa", None, None, "R 82401", "12–14"), ("bundesarchiv", "R 43 I", None, "127", "8"),
        ("pa_aa", None, None, "R 82401", "40 f."),
        ("pa_aa", None, None, "R 82401", "47–49"), ("aan", "MSZ", None, "4712", "15–17")]
    # leaves a sentence of the entry's description names are not the entry's ("auf Bl. 3 die Unterschrift")
    assert [_key(c) for c in rule_nlp("Aktenverzeichnis. Politisches Archiv des Auswärtigen Amts (PA AA).\n\n"
                                      "Nr. 1. Drahtbericht, 16. Juni 1925. R 82401, Bl. 12–14.\n\n"
                                      "Nr. 2. Weisung, 30.6.1925, mit der Unterschrift auf Bl. 3 des Entwurfs.")._.citations] == [
        ("pa_aa", None, None, "R 82401", "12–14")]
    # without a header archive leaves alone cite nothing
    assert rule_nlp("Letter from Kopp to Chicherin, 3 May 1921. Bl. 40.")._.citations == []


def test_a_header_that_names_copies_elsewhere_gives_its_first_archive_and_fond(rule_nlp):
    doc = rule_nlp("Обзор документов. Перечень составлен по материалам Архива внешней политики Российской Федерации "
                   "(АВП РФ), фонд 0122. Копии частично отложились в РГАСПИ (ф. 17, оп. 162) и приводятся с "
                   "названием архива.\n\n"
                   "№ 1. Телеграмма Войкова Чичерину, 16 мая 1926 г. Оп. 10, п. 25, д. 1, л. 3–4.\n\n"
                   "№ 2. Выписка из протокола Политбюро. РГАСПИ, ф. 17, оп. 162, д. 3, л. 101; экземпляр "
                   "полпредства: Оп. 10, п. 25, д. 5, л. 1.")
    assert [_key(c) for c in doc._.citations] == [
        ("avprf", "0122", "10", "п. 25, д. 1", "3–4"), ("rgaspi", "17", "162", "3", "101"),
        ("avprf", "0122", "10", "п. 25, д. 5", "1")]
    # without the sentence that says so, a header with two archives and their fonds gives none
    doc = rule_nlp("Обзор документов. Архив внешней политики Российской Федерации (АВП РФ), фонд 0122, и РГАСПИ, "
                   "ф. 17, оп. 162.\n\n№ 1. Телеграмма Войкова Чичерину, 16 мая 1926 г. Оп. 10, п. 25, д. 1, л. 3–4.")
    assert ("avprf", "0122", "10", "п. 25, д. 1", "3–4") not in [_key(c) for c in doc._.citations]


def test_a_signature_the_ner_took_for_an_unknown_archive_is_a_file_of_the_header_archive(rule_nlp):
    """ "... is in Add MS 48926, ff. 88–91": the volume, tagged ARCHIVE by a model that never saw one, is cited
    in the header's archive."""
    doc = rule_nlp("Papers of Lord D'Abernon. Repository: British Library, London.\n\n"
                   "Add MS 48929, ff. 5–9: record of a talk; the letter on it is in Add MS 48926, ff. 88–91.")
    start = doc.text.index("Add MS 48926")
    span = doc.char_span(start, start + len("Add MS 48926"), label="ARCHIVE")
    doc.ents = [e for e in doc.ents if e.end <= span.start or e.start >= span.end] + [span]
    doc = rule_nlp.get_pipe("citations")(doc)
    assert [_key(c) for c in doc._.citations] == [("british_library", "Add MS", None, "48929", "5–9"),
                                                  ("british_library", "Add MS", None, "48926", "88–91")]


def test_an_ibid_naming_a_nachlass_volume_and_an_ibid_after_a_book(rule_nlp):
    """ "ibid., Nachlass Brockdorff-Rantzau, Bd. 14": the Nachlass's volume in the same archive ("Bd." is not a
    book's there); the "ibid., p. 164" after a book that follows is the book's."""
    doc = rule_nlp("12 Brockdorff-Rantzau to AA, Moscow, 14 Sept. 1925, PA AA, R 94432, Bl. 31–33; Dirksen's letter is "
                   "among the ambassador's papers, ibid., Nachlass Brockdorff-Rantzau, Bd. 14, Bl. 220–221. See also "
                   "Gustav Hilger, Wir und der Kreml (Frankfurt am Main, 1955), pp. 160–162; ibid., p. 164.")
    assert [_key(c) for c in doc._.citations] == [("pa_aa", None, None, "R 94432", "31–33"),
                                                  ("pa_aa", "Nachlass Brockdorff-Rantzau", None, "14", "220–221")]


@pytest.mark.parametrize("text, expected", [
    # a journal's volume and year after a name the NER may take for an archive: a book's pages, no citation
    ("2 On the salon see O.-E. Schüddekopf, 'Karl Radek in Berlin', Archiv für Sozialgeschichte 2 (1962), "
     "pp. 87–166.", []),
    # a named collection written before its archive, with a comma
    ("3 Bakhmeteff's reply is in the Bakhmeteff Papers, Bakhmeteff Archive, Columbia University, Box 8.",
     [("bakhmeteff_archive", "Bakhmeteff Papers", None, "Box 8", None)]),
    # an archive named as the source of a book's documents
    ("4 Gorlov, Sovershenno sekretno, pp. 38–60, from the fonds of the RGASPI.", [("rgaspi", None, None, None, None)]),
])
def test_journals_named_collections_and_the_fonds_a_book_drew_on(rule_nlp, text, expected):
    doc = rule_nlp(text)
    if text.startswith("2 "):  # as a model that never saw the journal would tag it
        start = doc.text.index("Archiv für")
        span = doc.char_span(start, start + len("Archiv für Sozialgeschichte"), label="ARCHIVE")
        doc.ents = [e for e in doc.ents if e.end <= span.start or e.start >= span.end] + [span]
        doc = rule_nlp.get_pipe("citations")(doc)
    assert [_key(c) for c in doc._.citations] == expected


def test_each_part_of_a_calendar_gives_its_fond_to_its_entries(rule_nlp):
    """ "Część II. AAN, zespół Ministerstwo Spraw Zagranicznych.": the entries below cite the files of that fond;
    the part's heading cites nothing."""
    doc = rule_nlp("Kalendarium raportów konsulatu w Kijowie. Akta przechowuje Archiwum Akt Nowych (AAN).\n\n"
                   "Część I. AAN, zespół Ambasada RP w Moskwie. Raporty konsulów dla poselstwa.\n\n"
                   "12 XI 1926, Kijów. — Raport konsula do poselstwa. Sygn. 1421, k. 3–7.\n\n"
                   "Część II. AAN, zespół Ministerstwo Spraw Zagranicznych. Raporty dla centrali.\n\n"
                   "4 II 1927, Kijów. — Raport konsula do MSZ. Sygn. 5310, k. 1–6.")
    assert [_key(c) for c in doc._.citations] == [("aan", "Ambasada RP w Moskwie", None, "1421", "3–7"),
                                                  ("aan", "Ministerstwo Spraw Zagranicznych", None, "5310", "1–6")]


def test_a_header_archive_before_related_material_and_copies_cited_by_name(rule_nlp):
    # "Related material: ..." names other papers: the header's archive is the one before the label
    header = ("Finding aid. Private office papers. The National Archives (TNA), Kew: FO 800/256–263. "
              "Related material: Hoover Institution Archives, box 3 and box 4.")
    doc = rule_nlp(header + "\n\nLetter from Crewe to Chamberlain, Paris, 13 Nov. 1924, vol. 257, f. 5.")
    assert [_key(c) for c in doc._.citations] == [("tna_kew", None, None, "257", "5")]
    # the copies elsewhere are cited with their archive's name: the archive named first keeps the documents
    doc = rule_nlp("Kalendarium. Akta przechowuje Archiwum Akt Nowych (AAN). Odpisy w Centralnym Archiwum "
                   "Wojskowym (CAW) cytuje się z nazwą archiwum.\n\n"
                   "Raport konsula do poselstwa, 12 XI 1926, sygn. 1421, k. 3–7.")
    assert [_key(c) for c in doc._.citations] == [("aan", None, None, "1421", "3–7")]


def test_leaves_given_further_on_in_an_entry_are_in_its_volume(rule_nlp):
    """ "ff. 88–97. Record ... Sent with a covering letter (f. 98).": both in the volume the heading names."""
    doc = rule_nlp("Finding aid. The National Archives (TNA), Kew: FO 800/256–263.\n\n"
                   "FO 800/256: General, Nov.–Dec. 1924. ff. 1–204.\n\n"
                   "ff. 88–97. Record by Chamberlain of his conversation with Mussolini. Sent to the Prime Minister "
                   "with a covering letter (f. 98). The reply follows at ff. 99–100.")
    assert [_key(c) for c in doc._.citations][-3:] == [("tna_kew", "FO 800", None, "256", "88–97"),
                                                      ("tna_kew", "FO 800", None, "256", "98"),
                                                      ("tna_kew", "FO 800", None, "256", "99–100")]


def test_a_description_of_holdings_in_russian_is_no_citation(rule_nlp):
    doc = rule_nlp("Основной массив документов об этих отношениях хранится в АВП РФ: в фонде 094 и в фонде 04.")
    assert doc._.citations == []
