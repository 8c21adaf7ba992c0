#!/usr/bin/env python3
"""Build crates/parallax-sources/data/directory.tsv.gz, the outlet directory (host -> outlet name,
home country, languages, owner, ownership; plus the country GDELT infers from coverage).

Maintainer tool: not run by the tests or by CI. Python 3.11, standard library only. Run it from
anywhere:

    python3 crates/parallax-sources/tools/build_directory.py [--sources DIR] [--out FILE]

`--sources` defaults to `<repository>/../shared/sources` (see its README.md for the lists and their
licences). The output is deterministic: rows sorted by host, gzip with mtime 0, so running it twice
gives the same bytes. A summary goes to stderr. `../data/DIRECTORY.md` documents the result.

Order of trust for a fact about a host (the README's order; the crawled registry `sources.toml`
is consulted before this directory by the Rust side, so it is not copied here):

    kite media_data > yavuz > awesome-rss-feeds > state-media list > Wikidata

except for the ownership type, where the state-media list comes first (see OWNERSHIP_TRUST).
GDELT's domain-country list never gives a home country: only `inferred_country` (the most-mentioned
country in the domain's articles) and `inferred_share`.
"""

from __future__ import annotations

import argparse
import collections
import csv
import glob
import gzip
import html
import io
import json
import os
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
CRATE = HERE.parent
REPO = CRATE.parent.parent
DEFAULT_SOURCES = REPO.parent / "shared" / "sources"
DEFAULT_OUT = CRATE / "data" / "directory.tsv.gz"

COLUMNS = [
    "host", "name", "name_origin", "country", "country_origin", "languages", "languages_origin",
    "owner", "ownership", "ownership_detail", "ownership_origin", "inferred_country",
    "inferred_share",
]

# Origin codes, in order of trust (first = most trusted). The TSV's legend carries the long form,
# which the Rust side shows.
ORIGINS = {
    "kite": "kite media_data (MIT)",
    "yavuz": "yavuz news-feed-list-of-countries (MIT)",
    "awesome": "awesome-rss-feeds (CC0)",
    "smm": "State Media Monitor via ASD-at-GMF state-media-profiles (MIT)",
    "wd": "Wikidata (CC0)",
}
TRUST = list(ORIGINS)

GDELT_CREDIT = "Country inferred from coverage: GDELT Project, https://www.gdeltproject.org/"

OWNERSHIP_TYPES = {"state", "public_service", "private", "publicly_traded", "non_profit", "agency"}

# ---------------------------------------------------------------------------------------------
# Hosts

# Leading labels folded away: the same outlet's desktop, mobile and AMP sites. "ww." is a typo in
# the state-media list (https://ww.ukrinform.net/).
FOLD_PREFIXES = ("www.", "m.", "amp.", "mobile.")
TYPO_PREFIXES = ("ww.",)
# Second-level labels under which a ccTLD registers names (co.uk, com.au ...): a host of two labels
# starting with one of these is a public suffix, never stripped down to.
# (Only the common ones: news.am, in.gr and info.md are outlets. The Rust side uses the full
# public-suffix list.)
SECOND_LEVEL = {
    "ac", "co", "com", "edu", "gob", "go", "gov", "gv", "ltd", "mil", "ne", "net", "nic", "nom",
    "or", "org", "plc", "sch",
}

# Not outlets: social networks, video and file platforms, search, encyclopaedias, web archives,
# link shorteners, CDNs. The host and every subdomain are dropped.
NOT_OUTLETS = {
    "facebook.com", "fb.com", "fb.me", "twitter.com", "x.com", "t.co", "youtube.com", "youtu.be",
    "t.me", "telegram.me", "telegram.org", "instagram.com", "google.com", "goo.gl", "g.co",
    "wikipedia.org", "wikimedia.org", "wikidata.org", "wikisource.org", "linkedin.com", "vk.com",
    "ok.ru", "tiktok.com", "rutube.ru", "archive.org", "archive.is", "archive.ph", "issuu.com",
    "pressreader.com", "scribd.com", "flickr.com", "pinterest.com", "reddit.com", "whatsapp.com",
    "apple.com", "spotify.com", "soundcloud.com", "bit.ly", "ow.ly", "tinyurl.com",
    "feedburner.com", "feedblitz.com", "amazonaws.com", "cloudfront.net", "akamaized.net",
    "akamaihd.net", "googleusercontent.com", "googleapis.com", "blogger.com", "wix.com",
    "dailymotion.com", "vimeo.com", "yandex.ru", "bing.com", "github.com",
    "feedspot.com", "rss.app", "img.com.ua",
}
# Hosting platforms: the bare platform is dropped, its users' subdomains (foo.blogspot.com) kept.
PLATFORM_ROOTS = {
    "blogspot.com", "wordpress.com", "tumblr.com", "substack.com", "medium.com", "github.io",
    "wixsite.com", "weebly.com", "livejournal.com", "typepad.com", "squarespace.com",
    "over-blog.com", "canalblog.com", "ning.com", "webs.com", "jimdo.com", "jimdofree.com",
    "yolasite.com", "hatenablog.com", "home.blog", "business.site", "webnode.com", "ucoz.ru",
    "narod.ru", "site123.me", "strikingly.com", "wordpress.org",
}

# Feed hosts of awesome-rss-feeds: the outlet's host is what is left after these prefixes.
FEED_PREFIXES = ("feeds.", "feed.", "rss.", "rssfeeds.", "newsfeed.", "api.")
# awesome-rss-feeds entries checked by hand and not used for a country.
AWESOME_SKIP = {
    "api.axios.com": "Axios (a US outlet) filed under South Africa",
    "prod-qt-images.s3.amazonaws.com": "an image store, not an outlet",
    "k.img.com.ua": "an image store, not an outlet",
    "e00-expansion.uecdn.es": "a CDN, not an outlet",
    "feeds.a.dj.com": "a Dow Jones feed server, not an outlet's site",
}

_HOST_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)+$")


def _is_bare_suffix(host: str) -> bool:
    labels = host.split(".")
    return len(labels) < 2 or (len(labels) == 2 and len(labels[1]) == 2 and labels[0] in SECOND_LEVEL)


def fold_host(host: str) -> str | None:
    """Lower case, no trailing dot, IDN as punycode, leading www./m./amp./mobile. stripped (never
    down to a bare suffix). None for an IP address or a malformed host."""
    h = host.strip().lower().rstrip(".")
    if not h:
        return None
    try:
        h = h.encode("idna").decode("ascii") if not h.isascii() else h
    except UnicodeError:
        return None
    if not _HOST_RE.match(h) or re.fullmatch(r"[0-9.]+", h):
        return None
    changed = True
    while changed:
        changed = False
        for p in FOLD_PREFIXES + TYPO_PREFIXES:
            if h.startswith(p) and not _is_bare_suffix(h[len(p):]) and "." in h[len(p):]:
                h = h[len(p):]
                changed = True
    if _is_bare_suffix(h):
        return None
    return h


def host_of(url: str) -> str | None:
    url = url.strip()
    if not url:
        return None
    if "//" not in url:
        url = "http://" + url
    try:
        h = urlsplit(url).hostname
    except ValueError:
        return None
    return fold_host(h) if h else None


# Libraries, archives and databases: Wikidata gives them as the "official website" of historical
# newspapers (gallica.bnf.fr for 59 titles, ezproxy and library-proxy addresses).
ARCHIVES = re.compile(
    r"(^|\.)(ezproxy|opac|elibrary|library|lib|dlib|natlib|catalog|gallica|gallicaintramuros)\."
    r"|^0-|proquest|ebscohost|lexis-?nexis|newsbank|serialssolutions|hathitrust|exlibrisgroup"
    r"|pressdisplay|(^|\.)(epnet\.com|umi\.com|crl\.edu|loc\.gov|nla\.gov\.au|retronews\.fr"
    r"|books\.google\.[a-z.]+|paperspast\.natlib\.govt\.nz|dlib\.si)$"
)
# Image and content-delivery subdomains (k.img.com.ua, a feed image server given as a site); not
# cdn.com.do (CDN, a Dominican news channel).
CDN_LABEL = re.compile(r"(img|cdn|static|images)[0-9]*")


def is_not_outlet(host: str) -> bool:
    if host in PLATFORM_ROOTS or ARCHIVES.search(host):
        return True
    labels = host.split(".")
    if any(CDN_LABEL.fullmatch(lab) and not _is_bare_suffix(".".join(labels[i + 1:]))
           for i, lab in enumerate(labels[:-2])):
        return True
    return any(host == d or host.endswith("." + d) for d in NOT_OUTLETS)


# ---------------------------------------------------------------------------------------------
# Countries and languages


@dataclass
class Countries:
    alpha2: set[str] = field(default_factory=set)
    alpha3: dict[str, str] = field(default_factory=dict)
    fips: dict[str, str] = field(default_factory=dict)
    wikidata: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def by_name(self, name: str) -> str | None:
        return self.names.get(norm_name(name))


def norm_name(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", s).split())


# FIPS 10-4 codes that country-codes.csv does not give one-to-one. GDELT uses both RB and RI for
# Serbia; KV is Kosovo (the csv folds it into Serbia's "RIKV"); GZ and WE (Gaza, West Bank) are
# Palestine; SV is Svalbard. Codes for oceans (OS, OC), Yugoslavia (YI), the Paracel and Spratly
# Islands (PF, PG), the Netherlands Antilles (NT) and US minor islands are left out.
FIPS_EXTRA = {"RB": "RS", "RI": "RS", "KV": "XK", "GZ": "PS", "WE": "PS", "SV": "SJ", "JN": "SJ"}
# Wikidata country items that the csv does not link: the Netherlands proper (the csv has the
# Kingdom, Q29999), Northern Ireland, Kosovo. Historical states (Soviet Union, Yugoslavia, ...)
# and the European Union are left out.
WIKIDATA_EXTRA = {"Q55": "NL", "Q26": "GB", "Q1246": "XK", "Q21": "GB", "Q22": "GB", "Q25": "GB"}
NAME_EXTRA = {
    "united states": "US", "united states of america": "US", "usa": "US", "uk": "GB",
    "united kingdom": "GB", "great britain": "GB", "the netherlands": "NL", "netherlands": "NL",
    "south korea": "KR", "north korea": "KP", "russia": "RU", "iran": "IR", "syria": "SY",
    "taiwan": "TW", "czech republic": "CZ", "czechia": "CZ", "hong kong": "HK",
    "hong kong sar china": "HK", "macao": "MO", "macau": "MO", "myanmar burma": "MM",
    "myanmar": "MM", "palestine": "PS", "palestine territories": "PS",
    "palestinian territories": "PS", "turkey": "TR", "turkiye": "TR", "vietnam": "VN",
    "dr congo": "CD", "congo": "CG", "kosovo": "XK", "uae": "AE", "the gambia": "GM",
    "gambia": "GM", "vatican city": "VA", "cote d ivoire": "CI", "ivory coast": "CI",
    "laos": "LA", "brunei": "BN", "moldova": "MD", "tanzania": "TZ", "bolivia": "BO",
    "venezuela": "VE", "bosnia and herzegovina": "BA", "north macedonia": "MK",
    "saint kitts and nevis": "KN", "cape verde": "CV", "eswatini": "SZ", "swaziland": "SZ",
}


def load_countries(src: Path) -> Countries:
    c = Countries()
    with open(src / "country-codes" / "country-codes.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fips_claims: dict[str, list[tuple[str, bool]]] = collections.defaultdict(list)
    for r in rows:
        a2 = r["ISO3166-1-Alpha-2"].strip()
        if not re.fullmatch(r"[A-Z]{2}", a2):
            continue
        c.alpha2.add(a2)
        c.alpha3[r["ISO3166-1-Alpha-3"].strip()] = a2
        fips = r["FIPS"].strip()
        # Several codes run together ("RIKV", "GZWE", "SVJN"); split into pairs.
        if re.fullmatch(r"(?:[A-Z]{2})+", fips):
            for i in range(0, len(fips), 2):
                fips_claims[fips[i:i + 2]].append((a2, r["is_independent"].strip() == "Yes"))
        qid = r["wikidata_id"].strip().rsplit("/", 1)[-1]
        if re.fullmatch(r"Q[0-9]+", qid):
            c.wikidata[qid] = a2
        for col in ("CLDR display name", "official_name_en", "UNTERM English Short",
                    "ISO4217-currency_country_name"):
            n = norm_name(r[col])
            if n:
                c.names.setdefault(n, a2)
    for code, claims in fips_claims.items():
        # One FIPS code claimed by two rows (the csv gives the Caribbean Netherlands "NL"): the
        # independent country wins, then the row whose ISO code is the same letters.
        claims.sort(key=lambda x: (not x[1], x[0] != code, x[0]))
        c.fips[code] = claims[0][0]
    c.alpha2.add("XK")
    c.alpha3["XKK"] = "XK"
    c.fips.update(FIPS_EXTRA)
    c.wikidata.update(WIKIDATA_EXTRA)
    for n, a2 in NAME_EXTRA.items():
        c.names[norm_name(n)] = a2
    return c


# Wikidata language items -> ISO 639-1. Varieties map to their language (American English -> en,
# Simplified Chinese -> zh, Bokmål -> nb). Languages without an ISO 639-1 code (Montenegrin,
# Crimean Tatar, Mari, Udmurt, Filipino, Tok Pisin, ...) and "multiple languages" are left out.
WIKIDATA_LANGUAGES = {
    "Q1860": "en", "Q7976": "en", "Q7979": "en", "Q1348800": "en", "Q44661": "en",
    "Q44679": "en", "Q7033019": "en", "Q150": "fr", "Q1321": "es", "Q840017": "es",
    "Q616620": "es", "Q7737": "ru", "Q8798": "uk", "Q13955": "ar", "Q188": "de", "Q1366643": "de",
    "Q1412": "fi", "Q9067": "hu", "Q9027": "sv", "Q5146": "pt", "Q750553": "pt", "Q922399": "pt",
    "Q9176": "ko", "Q18784": "ko", "Q1568": "hi", "Q5287": "ja", "Q9091": "be", "Q9043": "no",
    "Q25167": "nb", "Q25164": "nn", "Q652": "it", "Q7850": "zh", "Q13414913": "zh",
    "Q18130932": "zh", "Q727694": "zh", "Q262828": "zh", "Q809": "pl", "Q256": "tr",
    "Q7913": "ro", "Q36392": "ro", "Q7411": "nl", "Q9610": "bn", "Q9129": "el", "Q36510": "el",
    "Q6654": "hr", "Q8785": "hy", "Q180945": "hy", "Q8748": "sq", "Q5137": "gu", "Q1571": "mr",
    "Q9168": "fa", "Q56356571": "fa", "Q9035": "da", "Q7026": "ca", "Q33673": "kn",
    "Q9072": "et", "Q9240": "id", "Q9299": "sr", "Q1617": "ur", "Q9056": "cs", "Q5885": "ta",
    "Q9078": "lv", "Q36236": "ml", "Q7918": "bg", "Q9237": "ms", "Q15065": "ms", "Q8097": "te",
    "Q9292": "az", "Q29401": "as", "Q9307": "gl", "Q9288": "he", "Q8141": "he", "Q9217": "th",
    "Q58635": "pa", "Q9142": "ga", "Q9083": "lt", "Q9063": "sl", "Q33348": "cv", "Q9252": "kk",
    "Q8752": "eu", "Q33823": "ne", "Q8641": "yi", "Q14196": "af", "Q9296": "mk", "Q13389": "ba",
    "Q25285": "tt", "Q36368": "ku", "Q9303": "bs", "Q9051": "lb", "Q33081": "dz", "Q9309": "cy",
    "Q11059": "sa", "Q58680": "ps", "Q9228": "my", "Q9058": "sk", "Q13267": "si", "Q34271": "bo",
    "Q33491": "ht", "Q9205": "km", "Q143": "eo", "Q294": "is", "Q33350": "ce", "Q9199": "vi",
    "Q33810": "or", "Q33552": "ks", "Q29561": "av", "Q12107": "br", "Q13275": "so",
    "Q36126": "kv", "Q27175": "fy", "Q33968": "os", "Q13263": "ug", "Q9255": "ky", "Q9246": "mn",
    "Q8108": "ka", "Q9211": "lo", "Q28244": "am", "Q33875": "oj", "Q32656": "dv",
    "Q34299": None, "Q178440": None,
}


# ---------------------------------------------------------------------------------------------
# Ownership

# State Media Monitor typology -> (Parallax ownership type, detail). See DIRECTORY.md.
SMM_TYPOLOGY = {
    "SC": ("state", "state-controlled (State Media Monitor: SC)"),
    "CaPu": ("state", "captured public or state-managed media (State Media Monitor: CaPu)"),
    "CaPr": ("private", "captured private media, under state editorial control "
                        "(State Media Monitor: CaPr)"),
    "ISFM": ("public_service", "independent state-funded and state-managed media "
                               "(State Media Monitor: ISFM)"),
    "ISF": ("public_service", "independent state-funded media (State Media Monitor: ISF)"),
    "ISM": ("public_service", "independent state-managed media (State Media Monitor: ISM)"),
    "IP": ("public_service", "independent public media (State Media Monitor: IP)"),
}

# kite media_data typology -> ownership type, conservatively (as build_registry.py does). kite's
# "State Funded Media" lumps public-service broadcasters, wire services and state outlets, and
# "Public Media", "Independent Media", "State Media / Digital" are unclear: no type, the label is
# kept as the detail.
KITE_TYPOLOGY = {
    "Private Media": "private", "Private Enterprise": "private",
    "Private Independent Media": "private", "Print Media": "private", "Non-Profit": "non_profit",
    "Public Broadcaster": "public_service",
    "Public agency (statutory, editorially independent)": "agency",
}


def short_owner(text: str) -> str | None:
    """kite's owner field is sometimes a name, sometimes prose: keep names only."""
    text = " ".join(text.split())
    if not text:
        return None
    if len(text) <= 60 and "." not in text.rstrip("."):
        return text.rstrip(".")
    return None


# ---------------------------------------------------------------------------------------------
# Claims: one source's statement about one host


@dataclass
class Claim:
    name: str | None = None
    country: str | None = None
    languages: tuple[str, ...] = ()
    owner: str | None = None
    ownership: str | None = None
    detail: str | None = None


def clean(s: str | None) -> str | None:
    if s is None:
        return None
    s = " ".join(html.unescape(s).split()).rstrip("*").strip()
    return s or None


def fold_text(s: str) -> str:
    return norm_name(s)


def agree(values, key=lambda v: v):
    """The one value all non-empty values share (compared by `key`), else None."""
    vals = [v for v in values if v]
    if not vals:
        return None
    keys = {key(v) for v in vals}
    if len(keys) != 1:
        return None
    return sorted(vals)[0]


@dataclass
class Resolved:
    """One source's facts about one host, after its own disagreements are settled."""
    name: str | None
    country: str | None
    languages: tuple[str, ...]
    owner: str | None
    ownership: tuple[str | None, str | None] | None  # (type, detail)


def resolve(claims: list[Claim], stats: collections.Counter, src: str) -> Resolved:
    name = agree([c.name for c in claims], key=fold_text)
    if name is None and len({fold_text(c.name) for c in claims if c.name}) > 1:
        stats[f"{src}: hosts with several names (name left out)"] += 1
    country = agree([c.country for c in claims])
    if country is None and len({c.country for c in claims if c.country}) > 1:
        stats[f"{src}: hosts with several countries (country left out)"] += 1
    langs = tuple(sorted({lang for c in claims for lang in c.languages}))
    owner = agree([c.owner for c in claims], key=fold_text)
    pairs = {(c.ownership, c.detail) for c in claims if c.ownership or c.detail}
    ownership = next(iter(pairs)) if len(pairs) == 1 else None
    if len(pairs) > 1:
        stats[f"{src}: hosts with several ownership types (left out)"] += 1
    return Resolved(name, country, langs, owner, ownership)


# ---------------------------------------------------------------------------------------------
# Readers: each returns {host: [Claim, ...]}


def read_kite(src: Path, cc: Countries) -> dict[str, list[Claim]]:
    out = collections.defaultdict(list)
    for e in json.loads((src / "kite" / "media_data.json").read_text(encoding="utf-8")):
        country = cc.by_name(e.get("country") or "") if "/" not in (e.get("country") or "") else None
        typology = (e.get("typology") or "").strip()
        claim = Claim(
            name=clean(e.get("organization")),
            country=country,
            owner=short_owner(e.get("owner") or ""),
            ownership=KITE_TYPOLOGY.get(typology),
            detail=f"kite typology: {typology}" if typology else None,
        )
        for d in e.get("domains") or []:
            h = host_of(d)
            if h:
                out[h].append(claim)
    return out


def is_section(url: str) -> bool:
    """Whether a site URL points at a section of a site (bbc.com/portuguese, allafrica.com/cameroon)
    rather than at the site: a path other than a language code, a home page or a feed."""
    segs = [s for s in urlsplit(url.strip()).path.split("/") if s]
    if segs and re.fullmatch(r"[a-z]{2}", segs[0]):
        segs = segs[1:]
    if not segs or segs[0].lower() in ("home", "index", "index.html", "portal"):
        return False
    return not any("rss" in s.lower() or "feed" in s.lower() for s in segs)


def read_yavuz(src: Path, cc: Countries, stats: collections.Counter) -> dict[str, list[Claim]]:
    out = collections.defaultdict(list)
    data = json.loads((src / "yavuz" / "news-feed-list-of-countries.json").read_text(encoding="utf-8"))
    sections = collections.Counter()
    entries = []
    for a3, listed in sorted(data.items()):
        for e in listed:
            url = e.get("publication_website_uri") or ""
            h = host_of(url)
            if h and h.startswith(FEED_PREFIXES):
                # A feed server given as the site (feeds.bbci.co.uk under India): not the site.
                stats["yavuz: feed servers given as the site (not used)"] += 1
                continue
            if h:
                name = clean(e.get("publication_name"))
                entries.append((h, name, cc.alpha3.get(a3), is_section(url)))
                if is_section(url):
                    sections[(h, fold_text(name or ""))] += 1
    for h, name, country, section in entries:
        # One section of a bigger site filed under a country (BBC Brasil at bbc.com/portuguese,
        # Jeune Afrique Togo, AllAfrica Cameroon) says nothing about the site. Many sections of
        # one outlet (News18, The Hindu, Dainik Bhaskar) are that outlet's own site.
        if section and sections[(h, fold_text(name or ""))] < 2:
            stats["yavuz: single sections of a site (not used)"] += 1
            continue
        out[h].append(Claim(name=name, country=country))
    return out


def read_awesome(src: Path, cc: Countries) -> dict[str, list[Claim]]:
    out = collections.defaultdict(list)
    seen = set()
    for path in sorted(glob.glob(str(src / "awesome-rss-feeds" / "countries" / "*" / "*.opml"))):
        country = cc.by_name(Path(path).stem)
        if country is None:
            print(f"awesome-rss-feeds: no country code for {Path(path).stem!r}", file=sys.stderr)
            continue
        text = Path(path).read_text(encoding="utf-8")
        for m in re.finditer(r"<outline\b[^>]*>", text):
            u = re.search(r'xmlUrl="([^"]*)"', m.group(0))
            if not u:
                continue
            raw = urlsplit(html.unescape(u.group(1)).strip()).hostname or ""
            if raw.lower() in AWESOME_SKIP:
                continue
            h = fold_host(raw)
            if not h:
                continue
            for p in FEED_PREFIXES:
                if h.startswith(p) and not _is_bare_suffix(h[len(p):]):
                    h = fold_host(h[len(p):]) or h
                    break
            if (h, country) in seen:
                continue
            seen.add((h, country))
            # Feed titles are not outlet names ("India | The Guardian", "Home Page"): country only.
            out[h].append(Claim(country=country))
    return out


def read_state_media(src: Path, cc: Countries, warn: list[str]) -> dict[str, list[Claim]]:
    out = collections.defaultdict(list)
    path = src / "state-media-profiles" / "State_Media_Matrix.csv"
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            h = host_of(r["URL"])
            if not h:
                continue
            country = cc.by_name(r["Country"]) if r["Country"].strip() else None
            if r["Country"].strip() and country is None:
                warn.append(f"state-media list: no country code for {r['Country']!r} ({h})")
            typ = r["Typology"].strip()
            ownership, detail = None, None
            base = typ.rstrip("?")
            if base in SMM_TYPOLOGY:
                ownership, detail = SMM_TYPOLOGY[base]
                if typ.endswith("?"):
                    detail = detail[:-1] + ", marked uncertain: " + typ + ")"
            out[h].append(Claim(
                name=clean(r["Main assets"]),
                country=country,
                owner=clean(r["Media company"]),
                ownership=ownership,
                detail=detail,
            ))
    return out


def read_wikidata(src: Path, cc: Countries, stats: collections.Counter) -> dict[str, list[Claim]]:
    data = json.loads((src / "wikidata-newspapers" / "full_list_of_newspapers.json").read_text(encoding="utf-8"))
    items: dict[str, dict] = {}
    for b in data["results"]["bindings"]:
        q = b["item"]["value"].rsplit("/", 1)[-1]
        it = items.setdefault(q, {"label": None, "urls": set(), "countries": set(),
                                  "unmapped": set(), "langs": set()})
        label = b.get("itemLabel", {}).get("value")
        if label and not re.fullmatch(r"Q[0-9]+", label):
            it["label"] = label
        if "offurl" in b:
            it["urls"].add(b["offurl"]["value"])
        if "country" in b:
            cq = b["country"]["value"].rsplit("/", 1)[-1]
            if cq in cc.wikidata:
                it["countries"].add(cc.wikidata[cq])
            else:
                it["unmapped"].add(cq)
        if "language" in b:
            lq = b["language"]["value"].rsplit("/", 1)[-1]
            code = WIKIDATA_LANGUAGES.get(lq)
            if code:
                it["langs"].add(code)
            elif lq not in WIKIDATA_LANGUAGES:
                stats["wikidata: language items without an ISO 639-1 code (left out)"] += 1
    out = collections.defaultdict(list)
    for q in sorted(items):
        it = items[q]
        # A newspaper of two present-day countries (or of one and a defunct state) gets none.
        country = next(iter(it["countries"])) if len(it["countries"]) == 1 and not it["unmapped"] else None
        claim = Claim(name=clean(it["label"]), country=country, languages=tuple(sorted(it["langs"])))
        hosts = {h for h in (host_of(u) for u in it["urls"]) if h}
        for h in sorted(hosts):
            out[h].append(claim)
    stats["wikidata: newspapers"] = len(items)
    return out


def read_gdelt(src: Path, cc: Countries, stats: collections.Counter) -> dict[str, tuple[str, float]]:
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    totals: collections.Counter = collections.Counter()
    unmapped: collections.Counter = collections.Counter()
    with zipfile.ZipFile(src / "gdelt-domain-country" / "domain-country.csv.zip") as z:
        with z.open("domain-country.csv") as raw:
            rd = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
            header = next(rd)
            if header != ["domain", "countrycode", "cnt"]:
                raise SystemExit(f"GDELT: unexpected header {header}")
            for domain, fips, cnt in rd:
                h = fold_host(domain)
                if not h:
                    stats["gdelt: bare public suffixes or malformed domains (skipped)"] += 1
                    continue
                n = int(cnt)
                totals[h] += n
                iso = cc.fips.get(fips)
                if iso:
                    counts[h][iso] += n
                else:
                    unmapped[fips] += 1
    out = {}
    for h, c in counts.items():
        ranked = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            stats["gdelt: domains whose top two countries tie (no inferred country)"] += 1
            continue
        top, n = ranked[0]
        out[h] = (top, n / totals[h])
    stats["gdelt: domains"] = len(totals)
    stats["gdelt: FIPS codes without a country (rows): " + ", ".join(
        f"{k} {v}" for k, v in sorted(unmapped.items()))] = sum(unmapped.values())
    return out


# ---------------------------------------------------------------------------------------------
# Merge


def pick(host: str, facts: list[tuple[str, object]], key, stats, what: str):
    """The most trusted source's value; the origin lists every source that agrees with it, most
    trusted first. facts: [(source, value)] in trust order, values non-empty."""
    if not facts:
        return None, None
    chosen = facts[0][1]
    agreeing = [s for s, v in facts if key(v) == key(chosen)]
    if len(agreeing) < len(facts):
        stats[f"{what}: sources disagree (most trusted kept)"] += 1
        stats.setdefault(f"_examples_{what}", [])
        ex = stats[f"_examples_{what}"]
        if len(ex) < 8:
            ex.append(f"{host}: " + "; ".join(f"{s}={v}" for s, v in facts))
    return chosen, "+".join(agreeing)


# For the ownership type only, the state-media list comes before kite: it is a specialist list of
# exactly this question with a finer typology, and where the two disagreed kite was wrong (zdf.de
# "Private Media"; youm7.com, aawsat.com, arabnews.com "Private Enterprise" against the State
# Media Monitor's state-controlled / captured public). Owner names keep the general order.
OWNERSHIP_TRUST = ["smm", "kite", "yavuz", "awesome", "wd"]


def domain_like(name: str, host: str) -> bool:
    n = name.strip().lower()
    return bool(re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", n)) or n.replace(" ", "") == host


def tsv(v) -> str:
    if v is None:
        return ""
    return re.sub(r"[\t\r\n]+", " ", str(v)).strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sources", type=Path, default=DEFAULT_SOURCES,
                    help=f"the shared sources directory (default {DEFAULT_SOURCES})")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output file (default {DEFAULT_OUT})")
    args = ap.parse_args()
    src: Path = args.sources
    if not (src / "README.md").exists():
        raise SystemExit(f"{src} does not look like the shared sources directory")

    stats: collections.Counter = collections.Counter()
    warn: list[str] = []
    cc = load_countries(src)
    raw = {
        "kite": read_kite(src, cc),
        "yavuz": read_yavuz(src, cc, stats),
        "awesome": read_awesome(src, cc),
        "smm": read_state_media(src, cc, warn),
        "wd": read_wikidata(src, cc, stats),
    }
    gdelt = read_gdelt(src, cc, stats)

    dropped = collections.Counter()
    per_source: dict[str, dict[str, Resolved]] = {}
    for s in TRUST:
        per_source[s] = {}
        for h, claims in raw[s].items():
            if is_not_outlet(h):
                dropped[s] += 1
                continue
            per_source[s][h] = resolve(claims, stats, s)
        stats[f"{s}: hosts"] = len(per_source[s])
        stats[f"{s}: non-outlet hosts dropped"] = dropped[s]
    gdelt_dropped = [h for h in gdelt if is_not_outlet(h)]
    for h in gdelt_dropped:
        del gdelt[h]
    stats["gdelt: non-outlet hosts dropped"] = len(gdelt_dropped)

    hosts = sorted(set(gdelt).union(*(per_source[s].keys() for s in TRUST)))
    rows = []
    for h in hosts:
        facts = [(s, per_source[s][h]) for s in TRUST if h in per_source[s]]
        # A name that only spells the domain ("24sata.hr", "AD.nl") yields to a real one.
        names = [(s, r.name) for s, r in facts if r.name]
        names.sort(key=lambda sv: domain_like(sv[1], h))
        name, name_o = pick(h, names, fold_text, stats, "name")
        country, country_o = pick(h, [(s, r.country) for s, r in facts if r.country], str, stats, "country")
        langs, langs_o = pick(h, [(s, ",".join(r.languages)) for s, r in facts if r.languages], str,
                              stats, "languages")
        owner, owner_o = pick(h, [(s, r.owner) for s, r in facts if r.owner], fold_text, stats, "owner")
        own_facts = [(s, r.ownership) for s, r in facts if r.ownership]
        # The ownership type: the state-media list first (see OWNERSHIP_TRUST).
        own_facts.sort(key=lambda so: OWNERSHIP_TRUST.index(so[0]))
        typed = [(s, o) for s, o in own_facts if o[0]]
        ownership, detail, own_o = None, None, None
        if typed:
            # The most trusted source that gives a type; the detail of every agreeing source.
            (t, _), _ = pick(h, typed, lambda o: o[0], stats, "ownership")
            agreeing = [(s, o) for s, o in typed if o[0] == t]
            ownership = t
            detail = "; ".join(o[1] for _, o in agreeing if o[1])
            own_o = "+".join(s for s, _ in agreeing)
        elif own_facts:
            # Only a label that maps to no type (kite's "State Funded Media"): keep the label.
            s, (_, d) = own_facts[0]
            detail, own_o = d, s
        # One origin for owner + ownership: every source used for either, in trust order.
        if owner_o:
            used = set(owner_o.split("+")) | set((own_o or "").split("+")) - {""}
            own_o = "+".join(s for s in TRUST if s in used)
        inferred, share = gdelt.get(h, (None, None))
        rows.append([
            h, name, name and name_o, country, country and country_o, langs, langs and langs_o,
            owner, ownership, detail, own_o if (owner or ownership or detail) else None,
            inferred, f"{share:.2f}" if share is not None else None,
        ])

    for r in rows:
        if r[3] and r[3] not in cc.alpha2:
            raise SystemExit(f"bad country {r[3]} for {r[0]}")
        if r[8] and r[8] not in OWNERSHIP_TYPES:
            raise SystemExit(f"bad ownership {r[8]} for {r[0]}")

    buf = io.StringIO()
    buf.write("# Parallax outlet directory: one row per host. Generated by "
              "crates/parallax-sources/tools/build_directory.py; read data/DIRECTORY.md.\n")
    buf.write("# country = the outlet's home (curated lists only); inferred_country = the most-mentioned "
              "country in the domain's articles, never its home.\n")
    buf.write(f"# {GDELT_CREDIT}\n")
    for code, text in ORIGINS.items():
        buf.write(f"#origin\t{code}\t{text}\n")
    buf.write("\t".join(COLUMNS) + "\n")
    for r in rows:
        buf.write("\t".join(tsv(v) for v in r) + "\n")
    data = buf.getvalue().encode("utf-8")

    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_bytes(out.getvalue())
    os.replace(tmp, args.out)

    home = collections.Counter(r[3] for r in rows if r[3])
    summary = [
        f"rows (hosts): {len(rows)}",
        f"with a name: {sum(1 for r in rows if r[1])}",
        f"with a home country: {sum(1 for r in rows if r[3])} ({len(home)} countries)",
        f"with an inferred country only: {sum(1 for r in rows if r[11] and not r[3])}",
        f"with an inferred country: {sum(1 for r in rows if r[11])} "
        f"({len({r[11] for r in rows if r[11]})} countries)",
        f"with languages: {sum(1 for r in rows if r[5])}",
        f"with an owner: {sum(1 for r in rows if r[7])}",
        f"with an ownership type: {sum(1 for r in rows if r[8])} "
        + str(dict(sorted(collections.Counter(r[8] for r in rows if r[8]).items()))),
        f"uncompressed {len(data):,} bytes, gzip {len(out.getvalue()):,} bytes -> {args.out}",
    ]
    for line in summary:
        print(line, file=sys.stderr)
    for k in sorted(k for k in stats if not k.startswith("_")):
        print(f"  {k}: {stats[k]}", file=sys.stderr)
    for k in sorted(k for k in stats if k.startswith("_examples_")):
        for ex in stats[k]:
            print(f"  {k[10:]} e.g. {ex}", file=sys.stderr)
    for w in warn:
        print("  warning: " + w, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
