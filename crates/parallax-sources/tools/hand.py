"""Hand-checked corrections applied by build_registry.py. Keys are normalised hosts (no www.).

Every entry here was decided by reading the generated list (`build_registry.py --review`); the reasons
for drops are summarised in data/README.md.
"""

# host -> canonical host, for one outlet under two domains
HOST_ALIASES = {"bbci.co.uk": "bbc.co.uk", "bbc.com": "bbc.co.uk", "news.bbc.co.uk": "bbc.co.uk"}
# host -> registrable domains its feeds may live on besides its own
FEED_DOMAINS = {"bbc.co.uk": ("bbci.co.uk",)}
# domains shared by several outlets of one group: kite's entry for the parent domain is not applied
SHARED_DOMAINS = {"globo.com", "go.com", "abril.com.br", "indiatimes.com", "yahoo.com"}

_NOT_NEWS = "sports, entertainment, forum or aggregator site, not a general news outlet"
_DUP = "a second domain or language edition of an outlet already in the registry"
_BAD_FEED = "the listed feed belongs to another site or is not a news feed"
# host (or registrable domain) -> why it is left out
DROP = {
    "gong.bg": _NOT_NEWS, "one.co.il": _NOT_NEWS, "elbotola.com": _NOT_NEWS, "kurzy.cz": _NOT_NEWS,
    "hihi2.com": _NOT_NEWS, "record.pt": _NOT_NEWS, "ole.com.ar": _NOT_NEWS,
    "lankahotnews.net": _NOT_NEWS, "naslovi.net": _NOT_NEWS, "nigerianbulletin.com": _NOT_NEWS,
    "crnobelo.com": _NOT_NEWS, "myanmargazette.net": _NOT_NEWS, "hongkongnews.net": _NOT_NEWS,
    "startupbeat.hkej.com": _NOT_NEWS, "hkej.com": "only a start-up blog feed is listed",
    "xalimasn.com": _BAD_FEED, "afrik.com": _BAD_FEED,
    "axios.com": "US outlet filed under South Africa", "api.axios.com": "US outlet filed under South Africa",
    "english.aawsat.com": _DUP, "egyptindependent.com": _DUP, "balkans.aljazeera.net": _DUP,
    "kultuur.err.ee": "culture section of ERR (Estonia), not its news feed",
    "eeter.err.ee": "radio programme listing of ERR (Estonia), not its news feed",
    "diplomatie.gouv.fr": "a ministry web site, not a news outlet",
    "thecurrencyanalytics.com": _NOT_NEWS, "36kr.com": "technology and start-up news only",
    "ithome.com": "technology news only", "news.bitcoin.com": _NOT_NEWS,
    "sebi.gov.in": "a securities regulator's press releases, not a news outlet",
}
# feed keys (host+path?query, no scheme / www) never used
DROP_FEEDS = {
    "rss.donga.com/sports.xml", "volkskrant.nl/sport/rss.xml", "sana.sy/tr", "sana.sy/tr/?feed=rss2",
    "ghanamma.com/category/business/feed", "standardmedia.co.ke/rss/business.php",
}
# host -> feeds chosen by hand from those the lists give
FEEDS = {
    "donga.com": ["https://rss.donga.com/total.xml"],
}
COUNTRY = {"jeuneafrique.com": "FR"}
LANG = {
    "7sur7.be": ["fr"], "dhnet.be": ["fr"], "lalibre.be": ["fr"], "rtbf.be": ["fr"],
    "24heures.ch": ["fr"], "tdg.ch": ["fr"], "euroweeklynews.com": ["en"],
    "mexiconewsdaily.com": ["en"], "themoscowtimes.com": ["en"], "hongkongfp.com": ["en"],
    "scmp.com": ["en"], "newsonjapan.com": ["en"], "japantimes.co.jp": ["en"],
    "english.kyodonews.net": ["en"], "jornaldenegocios.pt": ["pt"], "ahaonline.cz": ["cs"],
    "thedailystar.net": ["en"], "ouest-france.fr": ["fr"], "aawsat.com": ["ar"], "independenturdu.com": ["ur"],
    "amarujala.com": ["hi"], "bhaskar.com": ["hi"], "khabaronline.ir": ["fa"], "rt.com": ["en"],
    "france24.com": ["fr", "en"], "jeuneafrique.com": ["fr"], "alkhaleej.ae": ["ar"],
    "skynewsarabia.com": ["ar"], "almasryalyoum.com": ["ar"], "annahar.com": ["ar"],
    "tasnimnews.com": ["fa"], "thestar.com.my": ["en"], "phnompenhpost.com": ["en"],
    "haaretz.com": ["en"], "jpost.com": ["en"], "nationnews.com": ["en"], "aljazeera.com": ["en"],
    "dailynewsegypt.com": ["en"], "madamasr.com": ["en"], "jordantimes.com": ["en"],
    "albawaba.com": ["en"], "straitstimes.com": ["en"], "channelnewsasia.com": ["en"],
    "arabnews.com": ["en"], "gulf-times.com": ["en"], "iraqinews.com": ["en"],
}
NAME = {
    "bbc.co.uk": "BBC News", "dailymail.co.uk": "Daily Mail", "theguardian.com": "The Guardian",
    "politico.com": "Politico", "amarujala.com": "Amar Ujala", "iol.co.za": "IOL",
    "hket.com": "Hong Kong Economic Times", "newsru.com": "NEWSru.com", "cumhuriyet.com.tr": "Cumhuriyet",
    "republika.co.id": "Republika", "japantimes.co.jp": "The Japan Times", "vanguardia.com.mx": "Vanguardia",
    "unian.net": "UNIAN", "iol.io": "IOL", "pravda.com.ua": "Ukrainska Pravda", "english.kyodonews.net": "Kyodo News",
    "english.alarabiya.net": "Al Arabiya English", "aljazeera.com": "Al Jazeera English",
    "yle.fi": "Yle", "jeuneafrique.com": "Jeune Afrique", "theprovince.com": "The Province",
    "thepoint.gm": "The Point", "borsen.dk": "Børsen", "prothomalo.com": "Prothom Alo",
    "hongkongfp.com": "Hong Kong Free Press", "ladepeche.fr": "La Dépêche du Midi",
    "sudouest.fr": "Sud Ouest", "nouvelobs.com": "L'Obs", "elpais.com": "El País",
    "english.news.cn": "Xinhua (English)", "japantoday.com": "Japan Today",
    "huffpost.com": "HuffPost", "huffingtonpost.fr": "Le HuffPost", "ouest-france.fr": "Ouest-France",
    "lemonde.fr": "Le Monde", "handelsblatt.com": "Handelsblatt", "welt.de": "Die Welt",
    "npr.org": "NPR", "kathimerini.gr": "Kathimerini",
}
HOME = {"bbc.co.uk": "https://www.bbc.co.uk/news", "iol.io": "https://www.iol.co.za/"}
SLUG = {"bbc.co.uk": "bbc", "iol.io": "iol", "english.news.cn": "xinhua", "english.kyodonews.net": "kyodonews",
        "english.alarabiya.net": "alarabiya", "timesofindia.indiatimes.com": "timesofindia",
        "pa.azadiradio.org": "azadiradio-pashto", "english.enabbaladi.net": "enabbaladi"}
NOTES = {
    "france24.com": "Publishes in French, English, Arabic and Spanish; the listed feed is the English one.",
    "jeuneafrique.com": "Pan-African weekly based in Paris; listed under Togo in yavuz.",
    "rt.com": "Russian state broadcaster; restricted or blocked in several countries.",
}
# kite organisation -> ownership, for kite's "State Funded Media" / unclear typologies
_PSB, _AG, _ST, _NP = "public_service", "agency", "state", "non_profit"
KITE_ORG_OWNERSHIP = {
    "Australian Broadcasting Corporation": _PSB, "SBS (Australia)": _PSB, "RTBF": _PSB, "VRT": _PSB,
    "ERR News": _PSB, "Yleisradio (YLE)": _PSB, "France Télévisions": _PSB, "Radio France": _PSB,
    "France 24": _PSB, "RFI": _PSB, "Deutsche Welle": _PSB, "Deutschlandfunk": _PSB,
    "Rundfunk Berlin-Brandenburg": _PSB, "Tagesschau": _PSB, "Rai News": _PSB,
    "Radio New Zealand": _PSB, "Nederlandse Omroep Stichting": _PSB, "BBC News": _PSB,
    "National Public Radio": _NP, "NPR": _NP, "Public Broadcasting Service": _NP,
    "Voice of America": _ST, "Radio Free Europe/Radio Liberty": _ST, "RT": _ST,
    "Al Jazeera Media Network": _ST, "Al-Ahram": _ST, "State Information Service (SIS)": _ST,
    "TASS": _AG, "Yonhap News Agency (연합뉴스)": _AG, "Associated Press of Pakistan (APP)": _AG,
    "Bahrain News Agency (BNA)": _AG, "Islamic Republic News Agency (IRNA)": _AG, "WAFA": _AG,
    "Iraqi News Agency (INA)": _AG, "Kuwait News Agency (KUNA)": _AG,
    "National News Agency (NNA)": _AG, "Oman News Agency (ONA)": _AG,
    "Jordan News Agency (Petra)": _AG, "Qatar News Agency (QNA)": _AG,
    "Saba News Agency (Sana'a)": _AG, "Yemen News Agency Saba (Aden)": _AG,
    "Syrian Arab News Agency (SANA)": _AG, "Saudi Press Agency (SPA)": _AG,
    "Emirates News Agency (WAM)": _AG, "China News Service": _AG,
    "Agence France-Presse (AFP)": _AG, "The Associated Press": _AG,
}
# host -> (owner or None, ownership or None), for outlets kite does not describe
OWNER = {
    "bbc.co.uk": ("British Broadcasting Corporation", "public_service"),
    "ruv.is": ("Ríkisútvarpið (Icelandic public broadcaster)", "public_service"),
    "svt.se": ("Sveriges Television AB (owned by a public foundation)", "public_service"),
    "rts.rs": ("Radio Television of Serbia", "public_service"),
    "mrt.com.mk": ("Macedonian Radio Television", "public_service"),
    "rtvslo.si": ("RTV Slovenija", "public_service"),
    "spravy.stvr.sk": ("Slovak Television and Radio (STVR)", "public_service"),
    "moldova1.md": ("Teleradio-Moldova", "public_service"),
    "sanmarinortv.sm": ("San Marino RTV", "public_service"),
    "ansa.it": ("ANSA cooperative of Italian publishers", "agency"),
    "teraz.sk": ("News Agency of the Slovak Republic (TASR)", "agency"),
    "english.news.cn": ("Xinhua News Agency (Chinese state)", "agency"),
    "english.kyodonews.net": ("Kyodo News", "agency"),
    "ecns.cn": ("China News Service (Chinese state)", "agency"),
    "adnkronos.com": (None, "agency"),
    "evropaelire.org": ("Radio Free Europe/Radio Liberty (US government funded)", "state"),
    "azadliq.org": ("Radio Free Europe/Radio Liberty (US government funded)", "state"),
    "pa.azadiradio.org": ("Radio Free Europe/Radio Liberty (US government funded)", "state"),
    "radiofarda.com": ("Radio Free Europe/Radio Liberty (US government funded)", "state"),
    "voasomali.com": ("Voice of America (US government funded)", "state"),
    "rt.com": ("ANO TV-Novosti (Russian state)", "state"),
    "aljazeera.com": ("Al Jazeera Media Network (Qatari state funded)", "state"),
    "nytimes.com": ("The New York Times Company", "publicly_traded"),
    "theguardian.com": ("Scott Trust Limited", "private"),
    "nos.nl": ("Nederlandse Omroep Stichting", "public_service"),
    "yle.fi": ("Yleisradio Oy (Finnish public broadcaster)", "public_service"),
    "abc.net.au": ("Australian Broadcasting Corporation", "public_service"),
    "tagesschau.de": ("ARD (Norddeutscher Rundfunk)", "public_service"),
    "rtbf.be": ("RTBF (French Community of Belgium)", "public_service"),
    "cbc.ca": ("Canadian Broadcasting Corporation", "public_service"),
}
BOOST = {}
KEEP = set()
PER_COUNTRY = {"US": 10, "GB": 8, "DE": 8, "FR": 8, "IN": 8, "IT": 7, "ES": 7, "CA": 7, "AU": 7,
               "BR": 7, "JP": 6}
