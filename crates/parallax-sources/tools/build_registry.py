#!/usr/bin/env python3
"""Build crates/parallax-sources/data/sources.toml from the public lists in ../shared/sources.

Maintainer tool: not run by the tests or by CI. Run it from anywhere:

    python3 crates/parallax-sources/tools/build_registry.py [--shared /work/shared/sources] [--review]

It joins the lists by host / domain, keeps outlets that have at least one feed URL, ranks feeds and
outlets (active feeds and feeds present in more than one list first; general / top-stories feeds
first), applies the hand-checked corrections in `hand.py` next to this file (drops, country and
language fixes, owners, ownership types), and writes the TOML. `--review` prints every kept entry,
grouped by country, with the flags that were used to rank it, for reading by hand.

Country and language tables come from the Debian `iso-codes` package
(/usr/share/iso-codes/json/iso_3166-1.json and iso_639-2.json).
"""

from __future__ import annotations

import argparse
import html
import collections
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hand  # noqa: E402  (the hand-checked corrections)

HERE = Path(__file__).resolve().parent
CRATE = HERE.parent
OUT = CRATE / "data" / "sources.toml"

ISO_DIR = Path("/usr/share/iso-codes/json")

# ---------------------------------------------------------------------------------------------
# Country and language tables


KITE_CAT_LANG: dict[str, str] = {}


def load_iso():
    c = json.loads((ISO_DIR / "iso_3166-1.json").read_text())["3166-1"]
    alpha3 = {e["alpha_3"]: e["alpha_2"] for e in c}
    names = {}
    for e in c:
        for key in ("name", "common_name", "official_name"):
            if key in e:
                names[e[key].lower()] = e["alpha_2"]
    langs = json.loads((ISO_DIR / "iso_639-2.json").read_text())["639-2"]
    l1 = {e["alpha_2"] for e in langs if "alpha_2" in e}
    return alpha3, names, {e["alpha_2"] for e in c}, l1


ALPHA3, COUNTRY_NAMES, ALPHA2, LANG1 = load_iso()
ALPHA3["XKK"] = "XK"  # Kosovo: user-assigned code, used by the EU and most data sets
ALPHA2.add("XK")
COUNTRY_NAMES.update(
    {
        "the netherlands": "NL",
        "united states": "US",
        "united kingdom": "GB",
        "south korea": "KR",
        "russia": "RU",
        "iran": "IR",
        "syria": "SY",
        "taiwan": "TW",
        "czech republic": "CZ",
        "hong kong": "HK",
        "hong kong sar china": "HK",
        "myanmar (burma)": "MM",
        "palestine": "PS",
        "turkey": "TR",
        "vietnam": "VN",
        "dr congo": "CD",
        "kosovo": "XK",
        "uk": "GB",
        "usa": "US",
        "macau": "MO",
        "moldova": "MD",
        "bolivia": "BO",
        "venezuela": "VE",
        "tanzania": "TZ",
    }
)


def country_code(name: str) -> str | None:
    n = name.strip().lower()
    if not n:
        return None
    n = re.sub(r"\s*\((de|fr|it)\)$", "", n)  # "Switzerland (DE)"
    return COUNTRY_NAMES.get(n)


# Languages: kite's category language codes that are not ISO 639-1.
KITE_LANG = {"gr": "el", "arq": "ar", "sq-XK": "sq", "cnr": "sr", "zh-Hans": "zh", "zh-Hant": "zh"}

# Main language of the press in each country: used only when no list states a language. The
# registry's origin field says when a language was inferred this way.
COUNTRY_LANG = {
    "AF": "ps", "AL": "sq", "AD": "ca", "AR": "es", "AM": "hy", "AU": "en", "AT": "de", "AZ": "az",
    "BI": "fr", "BE": "nl", "BJ": "fr", "BD": "bn", "BG": "bg", "BS": "en", "BA": "bs", "BY": "be",
    "BZ": "en", "BM": "en", "BO": "es", "BR": "pt", "BB": "en", "CA": "en", "CH": "de", "CL": "es",
    "CN": "zh", "CM": "fr", "CD": "fr", "CO": "es", "CR": "es", "CU": "es", "KY": "en", "CY": "el",
    "CZ": "cs", "DE": "de", "DJ": "fr", "DM": "en", "DK": "da", "DO": "es", "DZ": "ar", "EC": "es",
    "EG": "ar", "ER": "en", "ES": "es", "EE": "et", "ET": "am", "FI": "fi", "FR": "fr", "FO": "fo",
    "GA": "fr", "GB": "en", "GH": "en", "GI": "en", "GN": "fr", "GM": "en", "GR": "el", "GT": "es",
    "GF": "fr", "GY": "en", "HK": "zh", "HR": "hr", "HT": "fr", "HU": "hu", "ID": "id", "IM": "en",
    "IN": "en", "IE": "en", "IR": "fa", "IQ": "ar", "IS": "is", "IL": "he", "IT": "it", "JM": "en",
    "JO": "ar", "JP": "ja", "KZ": "ru", "KE": "en", "KG": "ky", "KH": "km", "KN": "en", "KR": "ko",
    "LR": "en", "LY": "ar", "LK": "en", "LT": "lt", "LU": "fr", "LV": "lv", "MA": "ar", "MC": "fr",
    "MD": "ro", "MG": "fr", "MV": "dv", "MX": "es", "MK": "mk", "ML": "fr", "MT": "en", "MM": "my",
    "ME": "sr", "MN": "mn", "MQ": "fr", "MU": "en", "MW": "en", "MY": "ms", "NA": "en", "NE": "fr",
    "NG": "en", "NI": "es", "NL": "nl", "NO": "no", "NP": "ne", "NZ": "en", "PK": "en", "PA": "es",
    "PE": "es", "PH": "en", "PL": "pl", "PR": "es", "PT": "pt", "PS": "ar", "PF": "fr", "RO": "ro",
    "RU": "ru", "SN": "fr", "SG": "en", "SB": "en", "SL": "en", "SM": "it", "SO": "so", "RS": "sr",
    "SR": "nl", "SK": "sk", "SI": "sl", "SE": "sv", "SY": "ar", "TG": "fr", "TH": "th", "TN": "ar",
    "TR": "tr", "UG": "en", "UA": "uk", "UY": "es", "US": "en", "UZ": "uz", "VE": "es", "VI": "en",
    "VN": "vi", "WS": "en", "XK": "sq", "YE": "ar", "ZA": "en", "ZM": "en", "ZW": "en", "QA": "ar",
    "AE": "ar", "SA": "ar", "KW": "ar", "LB": "ar", "BH": "ar", "OM": "ar", "TW": "zh", "TZ": "sw",
    "RW": "rw", "MO": "zh",
}

# ccTLDs commonly used as generic ones: no country evidence.
GENERIC_CCTLD = {"io", "co", "me", "tv", "fm", "ly", "ai", "cc", "ws", "to", "nu", "gg", "am", "news",
                 "eu", "int", "info", "biz", "media", "digital", "online", "live", "city", "net",
                 "com", "org", "gov", "edu", "mil", "global", "world"}
TLD_COUNTRY_FIX = {"uk": "GB"}

# Hosts that serve feeds for many sites: never a key for joining or an outlet's home page.
AGGREGATOR_HOSTS = ("feedburner.com", "feedblitz.com", "google.com", "youtube.com", "medium.com",
                    "reddit.com", "twitter.com", "facebook.com", "feedproxy.google.com",
                    "rss.app", "feedity.com", "fetchrss.com", "politepol.com", "rsshub.app",
                    "allafrica.com", "soundcloud.com", "megaphone.fm", "simplecast.com",
                    "podbean.com", "anchor.fm", "libsyn.com", "blogspot.com", "wordpress.com",
                    "hnrss.org", "twit.tv", "tedcdn.com")

TWO_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go", "gob", "info", "nic",
             "web", "gen", "ltd", "plc", "sch", "mil", "nom", "in", "gv", "jus", "tv"}

HOST_PREFIXES = ("www.", "www1.", "www2.", "m.", "mobile.", "amp.", "feeds.", "feed.", "rss.",
                 "rssfeeds.", "xml.", "rss2.", "feeds2.", "syndication.", "backend.")


def norm_host(url: str) -> str | None:
    try:
        h = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not h:
        return None
    h = h.lower().rstrip(".")
    changed = True
    while changed:
        changed = False
        for p in HOST_PREFIXES:
            if h.startswith(p) and h.count(".") >= 2:
                h = h[len(p):]
                changed = True
    return hand.HOST_ALIASES.get(h, h)


def reg_domain(host: str) -> str:
    parts = host.split(".")
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in TWO_LEVEL:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def is_aggregator(host: str | None) -> bool:
    return host is None or any(host == a or host.endswith("." + a) for a in AGGREGATOR_HOSTS)


def tld_country(host: str) -> str | None:
    tld = host.rsplit(".", 1)[-1]
    if tld in GENERIC_CCTLD or len(tld) != 2:
        return None
    return TLD_COUNTRY_FIX.get(tld, tld.upper())


# ---------------------------------------------------------------------------------------------
# Feed ranking

GENERAL = re.compile(
    r"(^/?(rss|feed|feeds|atom|index|rss\.xml|feed\.xml|rss2?\.xml|atom\.xml)?/?$)|top|une|home|"
    r"latest|all|headline|principal|portada|ultim|news|actual|noticias|nachrichten|world|"
    r"notizie|inicio|main|recent|general|titres|breaking|mostrecent|front|nieuws|uutiset|"
    r"wiadomosci|novosti|haber|berita",
    re.I,
)
SECTION = re.compile(
    r"sport|football|soccer|cricket|entertain|celebr|lifestyle|fashion|beauty|food|recipe|travel|"
    r"tech|gaming|games|music|movie|film|cinema|tv|video|podcast|photo|gallery|horoscope|auto|"
    r"motor|opinion|blog|business|econom|finance|market|money|culture|cultura|science|health|"
    r"weather|jobs|property|real-estate|immobil|column|editorial|kultur|wirtschaft|deportes|"
    r"esporte|calcio|spectacle|loisirs|people|magazine|religion|education|agri",
    re.I,
)


TAG_FEED = re.compile(r"/tag/|[?&]tag=|/podcast|video\.aspx|/search/", re.I)
JUNK = re.compile(r"sport|foot|futbol|fútbol|laola|showbiz|crypto|bitcoin|celeb|gossip|stadelahly|"
                  r"velvet|horoscop|recipe|gaming", re.I)
KITE_NEWS = re.compile(r"news|newspaper|broadcast|daily|weekly|agency|magazine|journal", re.I)
KITE_NOT_NEWS = re.compile(r"crypto|blockchain|technology (site|website|blog|news)|tech news|gaming|"
                           r"linux|software|smartphone|gadget", re.I)


def feed_generality(url: str) -> int:
    s = urlsplit(url)
    path = (s.path or "/") + ("?" + s.query if s.query else "")
    score = 0
    if SECTION.search(path) or SECTION.search(s.hostname or ""):
        score -= 3
    if GENERAL.search(path):
        score += 2
    return score


# ---------------------------------------------------------------------------------------------
# Reading the lists


class Record:
    def __init__(self, key: str):
        self.key = key  # normalised host
        self.names: dict[str, str] = {}  # list -> name
        self.sites: dict[str, str] = {}  # list -> home page
        self.countries: dict[str, str] = {}  # list -> alpha-2
        self.feeds: dict[str, dict] = {}  # url -> {"lists": set, "active": bool, "country": set, "lang": set}
        self.kite: dict | None = None

    def add_feed(self, url, lst, country=None, active=False, lang=None, category=None):
        f = self.feeds.setdefault(url, {"lists": set(), "active": False, "country": set(),
                                        "lang": set(), "cats": set()})
        f["lists"].add(lst)
        f["active"] |= active
        if country:
            f["country"].add(country)
        if lang:
            f["lang"].add(lang)
        if category:
            f["cats"].add(category)

    def lists(self) -> set[str]:
        s = set(self.names) | set(self.sites) | set(self.countries)
        for f in self.feeds.values():
            s |= f["lists"]
        if self.kite:
            s.add("kite_media")
        return s


OUTLINE = re.compile(r"<outline\b([^>]*)/?>")
ATTR = re.compile(r'(\w+)="([^"]*)"')


def read_opml(path: Path) -> list[dict]:
    """The outlines of an OPML file. Parsed leniently: some of the files have bare '&' in URLs."""
    import html

    return [{k: html.unescape(v) for k, v in ATTR.findall(m.group(1))}
            for m in OUTLINE.finditer(path.read_text(encoding="utf-8"))]


def canonical_feed(url: str) -> str:
    return url.strip().replace("&amp;", "&")


def feed_key(url: str) -> str:
    """Comparison key of a feed URL: scheme, www and a trailing slash do not matter."""
    s = urlsplit(url.strip())
    host = (s.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    return host + s.path.rstrip("/") + ("?" + s.query if s.query else "")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(CRATE.parents[2].parent / "shared" / "sources"))
    ap.add_argument("--review", action="store_true")
    ap.add_argument("--per-country", type=int, default=5)
    args = ap.parse_args()
    shared = Path(args.shared)
    if not shared.exists():
        shared = Path("/work/shared/sources")

    records: dict[str, Record] = {}
    log: list[str] = []

    def rec(host: str) -> Record:
        return records.setdefault(host, Record(host))

    # --- yavuz -------------------------------------------------------------------------------
    yav = json.loads((shared / "yavuz" / "news-feed-list-of-countries.json").read_text())
    active_json = json.loads((shared / "yavuz" / "active-feeds-auto-generated.json").read_text())
    active = {feed_key(e["publication_rss_feed_uri"]) for v in active_json.values() for e in v}
    for a3, entries in yav.items():
        if a3 == "GLOBAL":
            continue  # topic lists (tech, cooking, podcasts ...), no country: left out
        cc = ALPHA3.get(a3)
        if cc is None:
            log.append(f"yavuz: unknown country key {a3}")
            continue
        for e in entries:
            site, feed = e["publication_website_uri"].strip(), canonical_feed(e["publication_rss_feed_uri"])
            host = norm_host(site)
            if is_aggregator(host):
                host = norm_host(feed)
            if is_aggregator(host):
                continue
            r = rec(host)
            r.names.setdefault("yavuz", e["publication_name"].strip())
            r.sites.setdefault("yavuz", site)
            r.countries.setdefault("yavuz", cc)
            r.add_feed(feed, "yavuz", country=cc, active=feed_key(feed) in active)

    # --- awesome-rss-feeds -------------------------------------------------------------------
    for path in sorted((shared / "awesome-rss-feeds" / "countries" / "without_category").glob("*.opml")):
        cc = country_code(path.stem)
        if cc is None:
            log.append(f"awesome: unknown country {path.stem}")
            continue
        for o in read_opml(path):
            url = o.get("xmlUrl")
            if not url:
                continue
            url = canonical_feed(url)
            host = norm_host(url)
            if is_aggregator(host):
                continue
            if host not in records:
                # join on the registrable domain when exactly one known outlet has it
                rd = reg_domain(host)
                same = [k for k in records if reg_domain(k) == rd]
                if len(same) == 1:
                    host = same[0]
            r = rec(host)
            r.names.setdefault("awesome", (o.get("title") or o.get("text") or "").strip())
            r.countries.setdefault("awesome", cc)
            r.add_feed(url, "awesome", country=cc)

    # --- kite media data ---------------------------------------------------------------------
    media = json.loads((shared / "kite" / "media_data.json").read_text())
    kite_by_domain: dict[str, dict] = {}
    for m in media:
        for d in m["domains"]:
            d = d.lower().removeprefix("www.")
            kite_by_domain.setdefault(d, m)

    def kite_for(host: str) -> dict | None:
        if host in kite_by_domain:
            return kite_by_domain[host]
        # parent domains (news.example.com -> example.com), but not across outlets of one group
        parts = host.split(".")
        for i in range(1, len(parts) - 1):
            d = ".".join(parts[i:])
            if d in kite_by_domain and d not in hand.SHARED_DOMAINS:
                return kite_by_domain[d]
        return None

    for r in records.values():
        r.kite = kite_for(r.key)

    # --- kite feeds --------------------------------------------------------------------------
    kite_feeds = json.loads((shared / "kite" / "kite_feeds.json").read_text())
    for cat, v in kite_feeds.items():
        KITE_CAT_LANG[cat] = KITE_LANG.get(v["source_language"], v["source_language"])
    for cat, v in kite_feeds.items():
        cc = country_code(cat.split(" | ")[0]) if v["category_type"] == "topic" else None
        if cat.startswith("UK |"):
            cc = "GB"
        lang = KITE_LANG.get(v["source_language"], v["source_language"])
        for url in v["feeds"]:
            url = canonical_feed(url)
            host = norm_host(url)
            if is_aggregator(host):
                continue
            if host in records:
                records[host].add_feed(url, "kite_feeds", country=cc, lang=lang, category=cat)
            else:
                m = kite_for(host)
                if m is not None and country_code(m["country"]):
                    r = rec(host)
                    r.kite = m
                    r.add_feed(url, "kite_feeds", country=cc, lang=lang, category=cat)

    # ------------------------------------------------------------------------------------------
    entries = []
    dropped = collections.Counter()
    for r in records.values():
        why = hand.DROP.get(r.key) or hand.DROP.get(reg_domain(r.key))
        if why:
            log.append(f"drop {r.key}: {why}")
            dropped["hand"] += 1
            continue
        if r.key not in hand.KEEP:
            if JUNK.search(r.key) or JUNK.search(" ".join(r.names.values())):
                log.append(f"drop {r.key}: sports / entertainment / crypto site, not general news")
                dropped["not general news"] += 1
                continue
            if r.kite and not (set(r.names) & {"yavuz", "awesome"}):
                d = r.kite.get("description") or ""
                if not KITE_NEWS.search(d) or KITE_NOT_NEWS.search(d):
                    dropped["kite: not general news"] += 1
                    continue
        # country: hand fix > kite media > yavuz > awesome > kite_feeds category
        country, c_origin = None, None
        if r.key in hand.COUNTRY:
            country, c_origin = hand.COUNTRY[r.key], "hand"
        elif r.kite and country_code(r.kite["country"]):
            country, c_origin = country_code(r.kite["country"]), "kite_media"
        elif "yavuz" in r.countries:
            country, c_origin = r.countries["yavuz"], "yavuz"
        elif "awesome" in r.countries:
            country, c_origin = r.countries["awesome"], "awesome"
        if country is None:
            dropped["no country"] += 1
            continue
        t = tld_country(r.key)
        if t and t != country and r.key not in hand.COUNTRY:
            log.append(f"drop {r.key}: country mismatch, listed as {country} ({c_origin}) "
                       f"but the domain is .{r.key.rsplit('.', 1)[-1]}")
            dropped["tld mismatch"] += 1
            continue
        # feeds: those filed under this country (or under none) only
        feeds = []
        for url, f in r.feeds.items():
            if f["country"] and country not in f["country"]:
                continue  # a section about another country (awesome "India" lists bbc.co.uk/india)
            if feed_key(url) in hand.DROP_FEEDS:
                continue
            fh = norm_host(url) or ""
            if reg_domain(fh) != reg_domain(r.key) and reg_domain(fh) not in hand.FEED_DOMAINS.get(r.key, ()):
                log.append(f"feed skipped, on another site's domain: {r.key} {url}")
                continue
            if TAG_FEED.search(url):
                continue
            score = (3 if f["active"] else 0) + 2 * (len(f["lists"]) - 1) + feed_generality(url)
            if country in f["country"]:
                score += 1
            feeds.append((score, url, f))
        if r.key in hand.FEEDS:
            feeds = [(100, u, {"lists": {"hand"}, "active": False, "country": set(), "lang": set(),
                               "cats": set()}) for u in hand.FEEDS[r.key]]
        if not feeds:
            dropped["no feed"] += 1
            continue
        feeds.sort(key=lambda t: (-t[0], t[1]))
        # one feed per distinct key, at most 3; drop section feeds when a general one exists
        chosen, seen = [], set()
        for score, url, f in feeds:
            k = feed_key(url)
            if k in seen:
                continue
            if chosen and (score < chosen[0][0] - 2 or feed_generality(url) < 2):
                continue
            seen.add(k)
            chosen.append((score, url, f))
            if len(chosen) == 2:
                break
        lists_ = r.lists()
        active_any = any(f["active"] for _, _, f in chosen)
        if not active_any and len(lists_) < 2 and r.key not in hand.KEEP:
            log.append(f"drop {r.key}: in one list only and its feed not listed as active")
            dropped["weak evidence"] += 1
            continue
        names = [r.names[l] for l in ("yavuz", "awesome") if l in r.names and r.countries.get(l) == country]
        name = (hand.NAME.get(r.key) or next(iter(names), None) or (r.kite or {}).get("organization")
                or r.key)
        name = clean_title(html.unescape(name)) if r.key not in hand.NAME else name
        site = hand.HOME.get(r.key) or r.sites.get("yavuz") or f"https://{home_host(r)}/"
        site = normalise_site(site)
        # languages
        langs, l_origin = [], None
        if r.key in hand.LANG:
            langs, l_origin = hand.LANG[r.key], "hand"
        else:
            topic_l, country_l = set(), set()
            for _, _, f in chosen:
                for cat in f["cats"]:
                    l = KITE_CAT_LANG[cat]
                    if l in LANG1:
                        (country_l if country_code(cat.split(" | ")[0]) else topic_l).add(l)
            kl = topic_l or country_l
            name_en = re.search(r"\benglish\b", " ".join(r.names.values()), re.I)
            if name_en:
                langs, l_origin = ["en"], "outlet name"
            elif len(kl) == 1:
                langs, l_origin = sorted(kl), "kite feeds category language"
            else:
                hint = url_language([site] + [u for _, u, _ in chosen])
                if hint:
                    langs, l_origin = [hint], "feed / home page URL"
                elif country in COUNTRY_LANG:
                    langs, l_origin = [COUNTRY_LANG[country]], "inferred from the country"
        if not langs:
            dropped["no language"] += 1
            log.append(f"drop {r.key}: no language known")
            continue
        # owner and ownership
        owner, ownership, o_origin = None, None, None
        if r.kite:
            owner = short_owner(r.kite.get("owner") or "")
            ownership = map_typology(r.kite.get("typology") or "", r.kite.get("organization", ""))
            if r.kite.get("organization") in hand.KITE_ORG_OWNERSHIP:
                ownership = hand.KITE_ORG_OWNERSHIP[r.kite["organization"]]
            if owner or ownership:
                o_origin = "kite media_data"
        if r.key in hand.OWNER:
            owner, o = hand.OWNER[r.key]
            if o:
                ownership = o
            o_origin = (o_origin + " + hand" if o_origin else "hand")
        if ownership is not None:
            assert ownership in {"state", "public_service", "private", "publicly_traded",
                                 "non_profit", "agency"}, ownership
        lists = lists_
        rank = (3 if active_any else 0) + 2 * len(lists & {"yavuz", "awesome", "kite_media"}) \
            + (1 if "kite_feeds" in lists else 0) + max(s for s, _, _ in chosen) // 2 \
            + hand.BOOST.get(r.key, 0)
        entries.append({
            "key": r.key, "name": name, "home_page": site, "country": country, "languages": langs,
            "feeds": [u for _, u, _ in chosen], "owner": owner, "ownership": ownership,
            "origin": origin_text(r, c_origin, l_origin, o_origin, chosen),
            "notes": hand.NOTES.get(r.key), "rank": rank, "active": active_any,
            "lists": sorted(lists),
        })

    # dedupe ids (slugs)
    by_country = collections.defaultdict(list)
    for e in entries:
        by_country[e["country"]].append(e)
    kept = []
    for cc, es in sorted(by_country.items()):
        es.sort(key=lambda e: (-e["rank"], e["name"].lower()))
        cap = hand.PER_COUNTRY.get(cc, args.per_country)
        forced = [e for e in es if e["key"] in hand.KEEP]
        rest = [e for e in es if e["key"] not in hand.KEEP]
        kept.extend(forced + rest[: max(0, cap - len(forced))])
    slugs = collections.Counter()
    base = collections.Counter(hand.SLUG.get(e["key"]) or slugify(e["key"]) for e in kept)
    for e in kept:
        e["id"] = hand.SLUG.get(e["key"]) or slugify(e["key"])
        if base[e["id"]] > 1 and e["key"] not in hand.SLUG:
            # the same name in two countries (lanacion.com.ar, nacion.com ...): add the country
            e["id"] = f"{e['id']}-{e['country'].lower()}"
        slugs[e["id"]] += 1
    dup = [s for s, n in slugs.items() if n > 1]
    if dup:
        sys.exit(f"duplicate slugs: {dup}")
    kept.sort(key=lambda e: (e["country"], e["id"]))
    write_toml(kept)
    countries = {e["country"] for e in kept}
    print(f"{len(kept)} entries, {len(countries)} countries; dropped: {dict(dropped)}",
          file=sys.stderr)
    if args.review:
        for cc in sorted(countries):
            print(f"== {cc}")
            for e in [e for e in kept if e["country"] == cc]:
                print(f"  {e['id']:28} {e['name'][:40]:40} {','.join(e['languages']):6} "
                      f"{'A' if e['active'] else ' '} r{e['rank']:<3} {'+'.join(e['lists'])} "
                      f"{e['ownership'] or ''} | {e['owner'] or ''}")
                for f in e["feeds"]:
                    print(f"      {f}")
        print("\n".join(log))


def home_host(r: Record) -> str:
    if r.kite and r.kite["domains"]:
        d = r.kite["domains"][0]
        if r.key.endswith(d):
            return "www." + r.key if r.key.count(".") == 1 else r.key
    return "www." + r.key if r.key.count(".") == 1 else r.key


def normalise_site(site: str) -> str:
    s = urlsplit(site.strip())
    scheme = s.scheme if s.scheme in ("http", "https") else "https"
    path = s.path or "/"
    return f"{scheme}://{s.netloc.lower()}{path}"


LANG_HINT = re.compile(r"(?:^|[/._=-])(en|english|fr|french|ar|arabic|es|ru|de|pt|zh|fa|ur|hi)(?:$|[/._&-])")
HINT_MAP = {"english": "en", "french": "fr", "arabic": "ar"}


def url_language(urls: list[str]) -> str | None:
    for u in urls:
        s = urlsplit(u)
        host = s.hostname or ""
        first = host.split(".")[0]
        if first in ("en", "english"):
            return "en"
        m = LANG_HINT.search(s.path)
        if m:
            return HINT_MAP.get(m.group(1), m.group(1))
    return None


def clean_title(t: str) -> str:
    t = re.split(r"\s+[-|–:]\s+", t)[0].strip()
    return t


def short_owner(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if len(text) <= 60 and "." not in text.rstrip("."):
        return text.rstrip(".")
    return None  # prose: summarised by hand in hand.OWNER where it matters


def map_typology(t: str, org: str) -> str | None:
    t = t.strip()
    if t in ("Private Media", "Private Enterprise", "Private Independent Media", "Print Media"):
        return "private"
    if t == "Non-Profit":
        return "non_profit"
    if t.startswith("Public agency"):
        return "agency"
    if t == "Public Broadcaster":
        return "public_service"
    # "State Funded Media" mixes public-service broadcasters, state agencies and state outlets;
    # "Public Media", "Independent Media", "State Media / Digital": unclear. Left to hand.OWNER.
    return None


def origin_text(r: Record, c_origin, l_origin, o_origin, chosen) -> str:
    label = {"yavuz": "yavuz (MIT)", "awesome": "awesome-rss-feeds (CC0)",
             "kite_media": "kite media_data (MIT)", "kite_feeds": "kite feeds (MIT)",
             "kite media_data": "kite media_data (MIT)", "hand": "checked by hand"}
    listed = sorted({label[x] for x in r.lists()})
    feed_lists = sorted({label[x] for _, _, f in chosen for x in f["lists"]})
    parts = [" + ".join(listed), f"country: {label.get(c_origin, c_origin)}",
             f"feeds: {' + '.join(feed_lists)}", f"languages: {label.get(l_origin, l_origin)}"]
    if o_origin:
        parts.append("owner: " + " + ".join(label.get(x, x) for x in o_origin.split(" + ")))
    return "; ".join(parts)


def slugify(host: str) -> str:
    h = host
    rd = reg_domain(h)
    sub = h[: -len(rd)].rstrip(".")
    base = rd.split(".")[0]
    slug = f"{sub}-{base}" if sub else base
    return re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def write_toml(entries) -> None:
    out = [
        "# Parallax default source registry. GENERATED by tools/build_registry.py from the public",
        "# lists in ../shared/sources (see data/README.md for the lists, their licences and what was",
        "# dropped); hand corrections live in tools/hand.py. Edit those and regenerate, not this file.",
        "# Operators override or extend it with their own registry file (same format).",
        "",
    ]
    for e in entries:
        out.append("[[source]]")
        out.append(f"id = {toml_str(e['id'])}")
        out.append(f"name = {toml_str(e['name'])}")
        out.append(f"home_page = {toml_str(e['home_page'])}")
        out.append(f"country = {toml_str(e['country'])}")
        out.append("languages = [" + ", ".join(toml_str(l) for l in e["languages"]) + "]")
        out.append("feeds = [" + ", ".join(toml_str(f) for f in e["feeds"]) + "]")
        if e["owner"]:
            out.append(f"owner = {toml_str(e['owner'])}")
        if e["ownership"]:
            out.append(f"ownership = {toml_str(e['ownership'])}")
        out.append(f"origin = {toml_str(e['origin'])}")
        if e["notes"]:
            out.append(f"notes = {toml_str(e['notes'])}")
        out.append("")
    OUT.write_text("\n".join(out))


if __name__ == "__main__":
    main()
