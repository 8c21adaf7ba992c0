//! People, places and organisations of a story, spelling variants merged.
//!
//! # How
//!
//! 1. **Mentions.** [`parallax_text::named_entities`] gives the capitalised phrases of every
//!    paragraph and of the title (headings in title case without a final stop are skipped:
//!    capitals there mean nothing); each is found again in the text for its original spelling and
//!    the two words before it. A leading run of titles, nationalities and places ending with a
//!    title is cut off ("United States President Donald Trump" → "Donald Trump", noted as evidence
//!    of a person), and so is a place glued to a given name by a lost full stop ("Russia Michael
//!    McFaul"). Nationality words ("Russian"), titles, months and weekdays alone are dropped. A
//!    capitalised word that starts a sentence and is used in lower case elsewhere in the story is
//!    an ordinary word: dropped alone ("Sixth call …" / "the sixth call"), cut off in front of a
//!    name ("Since Trump …").
//! 2. **Key.** [`entity_key`] turns a name into a key that spelling variants share:
//!    transliteration of Cyrillic, Latin diacritics folded, a table of well-known exonym and
//!    transliteration pairs (Kiev → Kyiv, Kharkov → Kharkiv, Qaddafi → Gaddafi, U.S. → United
//!    States, …), then per word `ph`→`f`, `x`→`ks`, `w`→`v`, `j`/`y`→`i`, an initial `ie` → `e`,
//!    doubled letters single: Zelenskyy / Zelensky / Zelenskiy / Зеленский → `zelenski`, Yuri /
//!    Yury / Yuriy / Юрий → `iuri`. Acronyms of two to five capitals are kept as spelled ("BBC"
//!    → `bbc`). The key is lower-case ASCII for Latin and Cyrillic names, words joined by `-`, and
//!    depends on the name alone, so the same person gets the same key in every story (an entity
//!    page lists the stories holding a key: [`entity_pages`]).
//! 3. **Merging within a story.** Mentions with one key are one entity. A lone surname joins the
//!    one longer name ending with it ("Ushakov" → "Yuri Ushakov"), not when two different names end
//!    with it (Melania and Donald Trump), and never when the word is a known place or organisation.
//!    A run of four or more words made of two names seen elsewhere ("Vladimir Putin Yuri Ushakov",
//!    from a garbled page) is split into both. Two names with the same number of words, the same
//!    first letter and keys at most one edit apart (two for keys over ten letters) are merged when
//!    no article uses both: an outlet spells a name one way, so two spellings in one article are
//!    two names. A single unclassified word seen only at sentence starts is dropped.
//! 4. **Kind** from cheap evidence only: the gazetteer of countries, regions and large cities →
//!    place; organisation words ("Ministry", "Party", "Agency", "Kremlin", news agencies) or an
//!    all-capital acronym that is not a place → organisation; otherwise a title before it
//!    ("President", "aide", "Mr") or a common given name first → person, a preposition of place
//!    before it ("in Istanbul") → place, the more frequent evidence winning; otherwise unknown.
//!
//! The display name is the most frequent spelling of the longest form, preferring the spelling the
//! exonym table keeps (Kyiv over Kiev).

use std::collections::{BTreeMap, HashMap, HashSet};

use parallax_core::{Article, ArticleId, StoryId};
use serde::Serialize;

use crate::geo::{ORG_WORDS, is_known_place};

/// What kind of thing an entity is, as far as cheap evidence shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person.
    Person,
    /// A place: a country, region, city, sea.
    Place,
    /// An organisation: a government body, a party, a company, an agency.
    Organisation,
    /// Not enough evidence.
    Unknown,
}

impl EntityKind {
    /// The lower-case label used in the UI and JSON ("person", "place", "organisation",
    /// "unknown").
    pub fn label(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Place => "place",
            EntityKind::Organisation => "organisation",
            EntityKind::Unknown => "unknown",
        }
    }
}

/// One entity of a story.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Entity {
    /// The display name: the most frequent spelling of its longest form ("Yuri Ushakov", not
    /// "Ushakov").
    pub name: String,
    /// A stable key shared by every spelling variant ("zelenski"), for entity pages: see
    /// [`entity_key`].
    pub key: String,
    /// Person, place, organisation or unknown.
    pub kind: EntityKind,
    /// Every spelling seen, most frequent first.
    pub variants: Vec<String>,
    /// The articles mentioning it, in the order given.
    pub articles: Vec<ArticleId>,
    /// Number of mentions over all articles.
    pub mentions: usize,
}

/// One mention found in a text.
#[derive(Clone, Debug)]
struct Mention {
    article: usize,
    surface: String,
    tokens: Vec<String>,
    key: String,
    person_evidence: bool,
    place_evidence: bool,
    sentence_initial: bool,
    acronym: bool,
}

/// Month names and their abbreviations (the weekdays are [`crate::WEEKDAYS`]).
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// Nationality and other adjectives that are capitalised in English but name no entity alone.
const DEMONYMS: &[&str] = &[
    "american",
    "russian",
    "ukrainian",
    "british",
    "french",
    "german",
    "chinese",
    "japanese",
    "korean",
    "indian",
    "israeli",
    "iranian",
    "turkish",
    "syrian",
    "iraqi",
    "saudi",
    "egyptian",
    "polish",
    "italian",
    "spanish",
    "portuguese",
    "dutch",
    "belgian",
    "swiss",
    "austrian",
    "swedish",
    "norwegian",
    "danish",
    "finnish",
    "estonian",
    "latvian",
    "lithuanian",
    "belarusian",
    "moldovan",
    "georgian",
    "armenian",
    "azerbaijani",
    "kazakh",
    "uzbek",
    "afghan",
    "pakistani",
    "bangladeshi",
    "canadian",
    "mexican",
    "brazilian",
    "argentine",
    "argentinian",
    "chilean",
    "colombian",
    "venezuelan",
    "cuban",
    "australian",
    "european",
    "african",
    "asian",
    "arab",
    "palestinian",
    "lebanese",
    "jordanian",
    "qatari",
    "emirati",
    "yemeni",
    "libyan",
    "tunisian",
    "algerian",
    "moroccan",
    "nigerian",
    "kenyan",
    "ethiopian",
    "hungarian",
    "czech",
    "slovak",
    "romanian",
    "bulgarian",
    "serbian",
    "croatian",
    "greek",
    "irish",
    "scottish",
    "welsh",
    "english",
    "western",
    "eastern",
    "northern",
    "southern",
    "soviet",
    "muslim",
    "christian",
    "jewish",
    "catholic",
    "orthodox",
    "islamic",
    "republican",
    "republicans",
    "democrat",
    "democrats",
    "democratic",
    "conservative",
    "liberal",
    "presidential",
];

/// Titles and roles that come before a person's name.
const PERSON_TITLES: &[&str] = &[
    "president",
    "minister",
    "chancellor",
    "secretary",
    "aide",
    "adviser",
    "advisor",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "ambassador",
    "envoy",
    "general",
    "gen",
    "colonel",
    "col",
    "admiral",
    "commander",
    "chief",
    "king",
    "queen",
    "prince",
    "princess",
    "emperor",
    "empress",
    "pope",
    "patriarch",
    "cardinal",
    "bishop",
    "senator",
    "sen",
    "representative",
    "rep",
    "congressman",
    "congresswoman",
    "governor",
    "gov",
    "mayor",
    "judge",
    "justice",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "sheikh",
    "emir",
    "sultan",
    "ayatollah",
    "president-elect",
    "premier",
    "chairman",
    "chairwoman",
    "ceo",
    "director",
    "lieutenant",
    "captain",
    "sergeant",
    "marshal",
    "leader",
    "speaker",
    "prosecutor",
    "attorney",
    "coach",
    "dictator",
    "tsar",
    "czar",
    "monk",
    "rabbi",
    "imam",
    "reverend",
    "rev",
    "councillor",
    "councilor",
    "councilman",
    "councilwoman",
    "lawmaker",
    "legislator",
    "mp",
    "mep",
    "activist",
    "journalist",
    "reporter",
    "correspondent",
    "analyst",
    "economist",
    "negotiator",
    "diplomat",
    "spokesmen",
    "pastor",
];

/// Words allowed before or inside a run of titles ("Secretary of State …", "Former Foreign
/// Minister …"); alone they make no title ("Foreign Ministry").
const TITLE_FILLERS: &[&str] = &[
    "of",
    "state",
    "the",
    "us",
    "u.s",
    "uk",
    "eu",
    "un",
    "deputy",
    "acting",
    "former",
    "foreign",
    "defence",
    "defense",
    "interior",
    "finance",
    "presidential",
    "kremlin",
    "vice",
    "prime",
    "senior",
    "top",
    "white",
    "house",
];

/// Words before a name that mark a place.
const PLACE_PREPOSITIONS: &[&str] = &["in", "near", "across", "outside", "throughout", "around"];

/// Common given names of the news, lower case: a first word among them marks a person.
const GIVEN_NAMES: &[&str] = &[
    "donald",
    "joe",
    "barack",
    "george",
    "bill",
    "hillary",
    "kamala",
    "jd",
    "mike",
    "marco",
    "john",
    "james",
    "michael",
    "david",
    "robert",
    "william",
    "richard",
    "thomas",
    "mark",
    "paul",
    "peter",
    "steve",
    "stephen",
    "elon",
    "jeff",
    "nancy",
    "chuck",
    "mitch",
    "ron",
    "vladimir",
    "volodymyr",
    "dmitry",
    "dmitri",
    "sergei",
    "sergey",
    "serhiy",
    "yuri",
    "yury",
    "yuriy",
    "alexander",
    "aleksandr",
    "oleksandr",
    "alexei",
    "alexey",
    "andrei",
    "andriy",
    "mikhail",
    "nikolai",
    "ivan",
    "igor",
    "oleg",
    "viktor",
    "valery",
    "yevgeny",
    "evgeny",
    "maria",
    "anna",
    "olena",
    "yulia",
    "yulia",
    "kirill",
    "denys",
    "ihor",
    "petro",
    "vitali",
    "vitaliy",
    "emmanuel",
    "olaf",
    "friedrich",
    "angela",
    "keir",
    "rishi",
    "boris",
    "theresa",
    "ursula",
    "antonio",
    "giorgia",
    "pedro",
    "mette",
    "jens",
    "mark",
    "viktor",
    "recep",
    "narendra",
    "xi",
    "li",
    "wang",
    "shinzo",
    "fumio",
    "shigeru",
    "yoon",
    "kim",
    "moon",
    "benjamin",
    "yair",
    "naftali",
    "isaac",
    "mahmoud",
    "bashar",
    "ali",
    "hassan",
    "masoud",
    "ebrahim",
    "mohammed",
    "muhammad",
    "mohammad",
    "ahmed",
    "abdullah",
    "salman",
    "tamim",
    "abdel",
    "luiz",
    "jair",
    "javier",
    "claudia",
    "andres",
    "gustavo",
    "nicolas",
    "justin",
    "anthony",
    "antony",
    "jake",
    "lloyd",
    "pete",
    "tulsi",
    "kristi",
    "scott",
    "steven",
    "lindsey",
    "catherine",
    "elizabeth",
    "charles",
    "francis",
    "leo",
];

/// Well-known exonym and transliteration pairs, written for the project: (variant, the form the
/// key is built from). Whole names first, then single words.
const EXONYMS: &[(&str, &str)] = &[
    ("kiev", "kyiv"),
    ("kiyiv", "kyiv"),
    ("kharkov", "kharkiv"),
    ("odessa", "odesa"),
    ("lvov", "lviv"),
    ("lwow", "lviv"),
    ("nikolaev", "mykolaiv"),
    ("nikolayev", "mykolaiv"),
    ("dnepr", "dnipro"),
    ("dnepropetrovsk", "dnipro"),
    ("zaporozhye", "zaporizhzhia"),
    ("zaporozhie", "zaporizhzhia"),
    ("zaporizhia", "zaporizhzhia"),
    ("lugansk", "luhansk"),
    ("chernobyl", "chornobyl"),
    ("rovno", "rivne"),
    ("donbass", "donbas"),
    ("artemovsk", "bakhmut"),
    ("peking", "beijing"),
    ("bombay", "mumbai"),
    ("calcutta", "kolkata"),
    ("madras", "chennai"),
    ("burma", "myanmar"),
    ("turkiye", "turkey"),
    ("czechia", "czech republic"),
    ("cote d'ivoire", "ivory coast"),
    ("byelorussia", "belarus"),
    ("belorussia", "belarus"),
    ("moldavia", "moldova"),
    ("russian federation", "russia"),
    ("united states of america", "united states"),
    ("usa", "united states"),
    ("us", "united states"),
    ("u.s", "united states"),
    ("u.s.a", "united states"),
    ("uk", "united kingdom"),
    ("u.k", "united kingdom"),
    ("britain", "united kingdom"),
    ("great britain", "united kingdom"),
    ("uae", "united arab emirates"),
    ("eu", "european union"),
    ("un", "united nations"),
    ("dprk", "north korea"),
    ("qaddafi", "gaddafi"),
    ("gadhafi", "gaddafi"),
    ("qadhafi", "gaddafi"),
    ("kadhafi", "gaddafi"),
    ("kaddafi", "gaddafi"),
    ("mohammed", "muhammad"),
    ("mohammad", "muhammad"),
    ("mohamed", "muhammad"),
    ("muhammed", "muhammad"),
    ("mohamad", "muhammad"),
    ("tchaikovsky", "chaikovsky"),
    ("tschaikowsky", "chaikovsky"),
    ("zelenskij", "zelensky"),
    ("selenskyj", "zelensky"),
    ("zelenskyi", "zelensky"),
];

/// Latin letters with diacritics, folded to ASCII.
fn fold_char(c: char, out: &mut String) {
    // Cyrillic (Russian and Ukrainian letters), as English-language news transliterates.
    if let Some(latin) = parallax_text::cyrillic_to_latin(c) {
        out.push_str(latin);
        return;
    }
    let s = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' | 'ĝ' | 'ġ' | 'ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'þ' => "th",
        '’' | '\'' | '`' => "'",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(s);
}

/// Lower case, diacritics folded, Cyrillic transliterated, words split on anything that is not a
/// letter, digit, dot or apostrophe; a possessive "'s" and a leading "the" removed.
fn folded_words(name: &str) -> Vec<String> {
    let mut folded = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        fold_char(c, &mut folded);
    }
    let mut words: Vec<String> = folded
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '\''))
        .map(|w| {
            let w = w.strip_suffix("'s").unwrap_or(w);
            w.trim_matches(|c| c == '.' || c == '\'').to_string()
        })
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    words
}

fn exonym(s: &str) -> Option<&'static str> {
    EXONYMS.iter().find(|(v, _)| *v == s).map(|&(_, c)| c)
}

/// The spelling skeleton of one folded word (see the module docs).
fn skeleton(word: &str) -> String {
    let w = word
        .replace("tch", "ch")
        .replace("ph", "f")
        .replace('x', "ks")
        .replace('w', "v")
        .replace(['j', 'y'], "i")
        .replace('\'', "");
    let w = match w.strip_prefix("ie") {
        Some(rest) if !rest.is_empty() => format!("e{rest}"),
        _ => w,
    };
    let mut out = String::with_capacity(w.len());
    let mut last = None;
    for c in w.chars() {
        if Some(c) != last {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

/// The key every spelling variant of `name` shares: see the module docs. Lower-case ASCII words
/// joined by `-` for Latin and Cyrillic names ("Zelenskyy" → "zelenski", "Kiev" → "kiv",
/// "Yury Ushakov" → "iuri-ushakov"); other scripts keep their letters. Empty for a name with no
/// letters or digits.
pub fn entity_key(name: &str) -> String {
    // Short all-capital words are acronyms: spelled, not transliterated ("BBC" stays "bbc").
    let acronyms: HashSet<String> = name
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .filter(|w| {
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            (2..=5).contains(&letters)
                && w.chars()
                    .all(|c| c.is_uppercase() || c == '.' || c.is_ascii_digit())
        })
        .map(|w| w.to_lowercase().trim_matches('.').to_string())
        .collect();
    let words = folded_words(name);
    let whole = words.join(" ");
    let words: Vec<String> = match exonym(&whole) {
        Some(c) => c.split(' ').map(str::to_string).collect(),
        None => words
            .iter()
            .flat_map(|w| match exonym(w) {
                Some(c) => c.split(' ').map(str::to_string).collect::<Vec<_>>(),
                None => vec![w.clone()],
            })
            .collect(),
    };
    words
        .iter()
        .map(|w| {
            if acronyms.contains(w) {
                w.replace('.', "")
            } else {
                skeleton(&w.replace('.', ""))
            }
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Whether `surface` is an old or foreign spelling the exonym table replaces ("Kiev").
fn is_replaced_spelling(surface: &str) -> bool {
    let w = folded_words(surface).join(" ");
    exonym(&w).is_some_and(|c| {
        c != w
            && ![
                "united states",
                "united kingdom",
                "european union",
                "united nations",
                "united arab emirates",
            ]
            .contains(&c)
    })
}

/// The entities of `articles`, most mentioned first (by articles, then mentions, then name).
pub fn extract(articles: &[Article]) -> Vec<Entity> {
    let mut units: Vec<(usize, &str)> = Vec::new();
    let mut lower_words: HashSet<String> = HashSet::new();
    for (ai, a) in articles.iter().enumerate() {
        // Headlines, menus and section headings in title case: capitals there name nothing.
        // (A sentence full of names is title case too, but ends with a stop.)
        let heading = |t: &str| {
            parallax_text::is_title_case(t)
                && !t.trim_end().ends_with(['.', '!', '?', '"', '”', '»', ')'])
        };
        for u in std::iter::once(a.title.as_str())
            .chain(a.paragraphs.iter().map(String::as_str))
            .filter(|t| !heading(t))
        {
            for w in parallax_text::words(u) {
                if w.chars().next().is_some_and(char::is_lowercase) {
                    lower_words.insert(w.to_lowercase());
                }
            }
            units.push((ai, u));
        }
    }
    let mut mentions: Vec<Mention> = Vec::new();
    for (ai, u) in units {
        mentions.extend(find_mentions(ai, u, &lower_words));
    }
    // A single word used only at sentence starts and in lower case elsewhere is a common word.
    mentions.retain(|m| {
        !(m.tokens.len() == 1 && m.sentence_initial && lower_words.contains(&m.tokens[0]))
    });
    let mentions = split_runs(mentions);
    group(articles, mentions)
}

/// Whether `tokens[i..]` starts with a known place of one to three words; its length.
fn place_prefix(tokens: &[String], i: usize) -> Option<usize> {
    (1..=3)
        .rev()
        .filter(|n| i + n <= tokens.len())
        .find(|&n| is_known_place(&tokens[i..i + n].join(" ")))
}

fn is_title_word(t: &str) -> bool {
    PERSON_TITLES.contains(&t)
        || TITLE_FILLERS.contains(&t)
        || DEMONYMS.contains(&t)
        || MONTHS.contains(&t)
        || crate::WEEKDAYS.contains(&t)
        || parallax_text::is_stop_word(t)
}

/// Cuts leading titles off, drops non-names, and records evidence.
fn find_mentions(article: usize, text: &str, lower_words: &HashSet<String>) -> Vec<Mention> {
    let words: Vec<&str> = parallax_text::words(text);
    let offset = |w: &str| w.as_ptr() as usize - text.as_ptr() as usize;
    let lower: Vec<String> = words
        .iter()
        .map(|w| strip_possessive(&w.to_lowercase()).to_string())
        .collect();
    let mut out = Vec::new();
    let mut cursor = 0;
    for cand in parallax_text::named_entities(text) {
        let tokens: Vec<String> = cand.split(' ').map(str::to_string).collect();
        // Find the candidate's words in the text, from the cursor on.
        let found = (cursor..words.len().saturating_sub(tokens.len() - 1)).find(|&k| {
            tokens
                .iter()
                .enumerate()
                .all(|(t, tok)| lower[k + t] == *tok)
        });
        let Some(k) = found else { continue };
        cursor = k + tokens.len();
        let mut start = k;
        let end = k + tokens.len();
        let s0 = offset(words[k]);
        let sentence_initial = text[..s0].trim_end().chars().next_back().is_none_or(|c| {
            matches!(
                c,
                '.' | '!'
                    | '?'
                    | ':'
                    | '"'
                    | '“'
                    | '”'
                    | '\''
                    | '‘'
                    | '('
                    | '['
                    | '—'
                    | '-'
                    | '–'
                    | '|'
                    | '•'
            )
        });
        // Leading titles: a run of titles, fillers, nationalities and places ending with a title,
        // leaving a name ("United States President Donald Trump").
        let mut person_evidence = false;
        let mut last_title = None;
        let mut i = 0;
        while i + 1 < tokens.len() {
            let tok = tokens[i].as_str();
            if PERSON_TITLES.contains(&tok) {
                last_title = Some(i);
                i += 1;
            } else if TITLE_FILLERS.contains(&tok) || DEMONYMS.contains(&tok) {
                i += 1;
            } else if let Some(n) = place_prefix(&tokens, i) {
                i += n;
            } else {
                break;
            }
        }
        let rest_is_org = |t: usize| {
            tokens[t + 1..]
                .iter()
                .any(|w| ORG_WORDS.contains(&w.as_str()))
        };
        if let Some(t) = last_title.filter(|&t| t + 1 < tokens.len() && !rest_is_org(t)) {
            start = k + t + 1;
            person_evidence = true;
        } else if let Some(n) = place_prefix(&tokens, 0)
            && tokens.len() >= n + 2
            && GIVEN_NAMES.contains(&tokens[n].as_str())
        {
            // A place glued to a name by a lost full stop ("Russia Michael McFaul").
            start = k + n;
        } else if sentence_initial
            && tokens.len() >= 2
            && lower_words.contains(&tokens[0])
            && !GIVEN_NAMES.contains(&tokens[0].as_str())
        {
            // A common word that only starts the sentence ("Since Trump …").
            start = k + 1;
        }
        let toks: Vec<String> = lower[start..end].to_vec();
        let phrase = toks.join(" ");
        let names_something = is_known_place(&phrase)
            || ORG_WORDS
                .iter()
                .any(|w| phrase == *w || (w.contains(' ') && phrase.contains(w)));
        if !names_something && toks.iter().all(|t| is_title_word(t)) {
            continue;
        }
        let before: Vec<&str> = lower[start.saturating_sub(2)..start]
            .iter()
            .map(String::as_str)
            .collect();
        if before.iter().any(|b| PERSON_TITLES.contains(b)) {
            person_evidence = true;
        }
        let place_evidence = before
            .last()
            .is_some_and(|b| PLACE_PREPOSITIONS.contains(b));
        let s = offset(words[start]);
        let e = offset(words[end - 1]) + words[end - 1].len();
        let surface = strip_possessive(&text[s..e]).to_string();
        let sentence_initial = sentence_initial && start == k;
        let acronym = toks.len() == 1
            && surface.chars().count() >= 2
            && surface.chars().all(|c| c.is_uppercase() || c == '.');
        let key = entity_key(&surface);
        if key.is_empty() {
            continue;
        }
        out.push(Mention {
            article,
            surface,
            tokens: toks,
            key,
            person_evidence,
            place_evidence,
            sentence_initial,
            acronym,
        });
    }
    out
}

fn strip_possessive(w: &str) -> &str {
    w.trim_end_matches("'s")
        .trim_end_matches("’s")
        .trim_end_matches('\'')
        .trim_end_matches('’')
}

/// Splits runs of four or more words made of two names that are seen on their own.
fn split_runs(mentions: Vec<Mention>) -> Vec<Mention> {
    let known: HashSet<Vec<String>> = mentions
        .iter()
        .filter(|m| (2..=3).contains(&m.tokens.len()))
        .map(|m| m.tokens.clone())
        .collect();
    let mut out = Vec::with_capacity(mentions.len());
    for m in mentions {
        let n = m.tokens.len();
        let split = (n >= 4)
            .then(|| {
                (2..=n - 2)
                    .find(|&i| known.contains(&m.tokens[..i]) && known.contains(&m.tokens[i..]))
            })
            .flatten();
        let Some(i) = split else {
            out.push(m);
            continue;
        };
        // The surface splits at the same word boundary.
        let words: Vec<&str> = m.surface.split_whitespace().collect();
        let (a, b) = if words.len() == n {
            (words[..i].join(" "), words[i..].join(" "))
        } else {
            (m.tokens[..i].join(" "), m.tokens[i..].join(" "))
        };
        for (surface, tokens) in [(a, m.tokens[..i].to_vec()), (b, m.tokens[i..].to_vec())] {
            out.push(Mention {
                key: entity_key(&surface),
                surface,
                tokens,
                ..m.clone()
            });
        }
    }
    out
}

struct Group {
    keys: Vec<String>,
    mentions: Vec<Mention>,
}

impl Group {
    fn articles(&self) -> HashSet<usize> {
        self.mentions.iter().map(|m| m.article).collect()
    }
    fn words(&self) -> usize {
        self.mentions
            .iter()
            .map(|m| m.tokens.len())
            .max()
            .unwrap_or(0)
    }
    fn main_key(&self) -> &str {
        &self.keys[0]
    }
}

/// Kind from the gazetteer, organisation words and acronyms alone.
fn strong_kind(mentions: &[Mention]) -> Option<EntityKind> {
    let lower = |m: &Mention| m.tokens.join(" ");
    if mentions.iter().any(|m| {
        let l = lower(m);
        is_known_place(&l) || exonym(&l).is_some_and(is_known_place)
    }) {
        return Some(EntityKind::Place);
    }
    let org = mentions.iter().any(|m| {
        let l = lower(m);
        ORG_WORDS.iter().any(|w| {
            if w.contains(' ') {
                l.contains(w)
            } else {
                m.tokens.iter().any(|t| t == w)
            }
        }) || crate::wire::AGENCIES.iter().any(|(name, spellings)| {
            name.eq_ignore_ascii_case(&l) || spellings.contains(&m.surface.as_str())
        }) || m.acronym
    });
    org.then_some(EntityKind::Organisation)
}

fn kind_of(mentions: &[Mention]) -> EntityKind {
    if let Some(k) = strong_kind(mentions) {
        return k;
    }
    let person = mentions
        .iter()
        .filter(|m| {
            m.person_evidence
                || (m.tokens.len() >= 2 && GIVEN_NAMES.contains(&m.tokens[0].as_str()))
        })
        .count();
    let place = mentions.iter().filter(|m| m.place_evidence).count();
    if person > 0 && person >= place {
        EntityKind::Person
    } else if place > 0 {
        EntityKind::Place
    } else {
        EntityKind::Unknown
    }
}

fn group(articles: &[Article], mentions: Vec<Mention>) -> Vec<Entity> {
    // By key.
    let mut by_key: BTreeMap<String, Vec<Mention>> = BTreeMap::new();
    for m in mentions {
        by_key.entry(m.key.clone()).or_default().push(m);
    }
    let mut groups: Vec<Group> = by_key
        .into_iter()
        .map(|(k, ms)| Group {
            keys: vec![k],
            mentions: ms,
        })
        .collect();
    let kinds: Vec<EntityKind> = groups.iter().map(|g| kind_of(&g.mentions)).collect();

    // Spelling variants one or two edits apart, never used together in one article.
    let mut merged_into: Vec<Option<usize>> = vec![None; groups.len()];
    for i in 0..groups.len() {
        for j in (i + 1)..groups.len() {
            if merged_into[j].is_some() || merged_into[i].is_some() {
                continue;
            }
            let (a, b) = (groups[i].main_key(), groups[j].main_key());
            let same_words = a.matches('-').count() == b.matches('-').count();
            let compatible = kinds[i] == kinds[j]
                || kinds[i] == EntityKind::Unknown
                || kinds[j] == EntityKind::Unknown;
            if !same_words
                || !compatible
                || a.chars().next() != b.chars().next()
                || a.chars().count() < 5
                || b.chars().count() < 5
            {
                continue;
            }
            let limit = if a.chars().count().max(b.chars().count()) > 10 {
                2
            } else {
                1
            };
            if edit_distance(a, b) <= limit
                && groups[i].articles().is_disjoint(&groups[j].articles())
            {
                merged_into[j] = Some(i);
            }
        }
    }
    let mut merged: Vec<Group> = Vec::new();
    let mut index: HashMap<usize, usize> = HashMap::new();
    for (i, g) in groups.iter_mut().enumerate() {
        if merged_into[i].is_none() {
            index.insert(i, merged.len());
            merged.push(Group {
                keys: std::mem::take(&mut g.keys),
                mentions: std::mem::take(&mut g.mentions),
            });
        }
    }
    for (j, target) in merged_into.iter().enumerate() {
        if let Some(i) = target {
            let t = index[i];
            let g = &mut groups[j];
            merged[t].keys.append(&mut g.keys);
            merged[t].mentions.append(&mut g.mentions);
        }
    }

    // Lone surnames join the one longer name ending with them.
    let kinds: Vec<EntityKind> = merged.iter().map(|g| kind_of(&g.mentions)).collect();
    let mut absorbed: Vec<Option<usize>> = vec![None; merged.len()];
    for i in 0..merged.len() {
        if merged[i].words() != 1 || strong_kind(&merged[i].mentions).is_some() {
            continue;
        }
        let key = merged[i].main_key().to_string();
        let mut hosts: Vec<usize> = (0..merged.len())
            .filter(|&j| {
                j != i
                    && merged[j].words() >= 2
                    && matches!(kinds[j], EntityKind::Person | EntityKind::Unknown)
                    && merged[j]
                        .keys
                        .iter()
                        .any(|k| k.rsplit('-').next() == Some(key.as_str()))
            })
            .collect();
        // "Donald Trump" and a longer form ending with it are one host.
        let keys: Vec<String> = hosts
            .iter()
            .map(|&h| merged[h].main_key().to_string())
            .collect();
        hosts = hosts
            .iter()
            .zip(&keys)
            .filter(|(_, k)| {
                !keys
                    .iter()
                    .any(|o| o != *k && k.ends_with(&format!("-{o}")))
            })
            .map(|(&h, _)| h)
            .collect();
        if let [host] = hosts[..] {
            absorbed[i] = Some(host);
        }
    }
    for i in 0..merged.len() {
        if let Some(h) = absorbed[i] {
            let mut ms = std::mem::take(&mut merged[i].mentions);
            merged[h].mentions.append(&mut ms);
        }
    }

    let mut out: Vec<Entity> = merged
        .into_iter()
        .enumerate()
        .filter(|(i, g)| absorbed[*i].is_none() && !g.mentions.is_empty())
        .filter(|(i, g)| {
            // One capitalised word seen only at sentence starts, with no other evidence: most
            // likely an ordinary word ("Learn more", "Escalation in …").
            !(kinds[*i] == EntityKind::Unknown
                && g.mentions
                    .iter()
                    .all(|m| m.tokens.len() == 1 && m.sentence_initial))
        })
        .map(|(_, g)| entity_of(articles, &g))
        .collect();
    out.sort_by(|a, b| {
        b.articles
            .len()
            .cmp(&a.articles.len())
            .then(b.mentions.cmp(&a.mentions))
            .then(a.name.cmp(&b.name))
    });
    out
}

fn entity_of(articles: &[Article], g: &Group) -> Entity {
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new(); // surface → (count, words)
    for m in &g.mentions {
        let e = counts
            .entry(m.surface.as_str())
            .or_insert((0, m.tokens.len()));
        e.0 += 1;
    }
    let mut variants: Vec<(&str, usize, usize)> =
        counts.into_iter().map(|(s, (c, w))| (s, c, w)).collect();
    variants.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let longest = variants.iter().map(|v| v.2).max().unwrap_or(0);
    let name = variants
        .iter()
        .filter(|v| v.2 == longest)
        .min_by_key(|v| is_replaced_spelling(v.0))
        .map(|v| v.0.to_string())
        .unwrap_or_default();
    let mut arts: Vec<usize> = g.mentions.iter().map(|m| m.article).collect();
    arts.sort_unstable();
    arts.dedup();
    Entity {
        key: entity_key(&name),
        name,
        kind: kind_of(&g.mentions),
        variants: variants.iter().map(|v| v.0.to_string()).collect(),
        articles: arts.into_iter().map(|i| articles[i].id.clone()).collect(),
        mentions: g.mentions.len(),
    }
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// One entity across stories: what an entity page shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntityPage {
    /// The key shared by its stories' entities.
    pub key: String,
    /// The most used display name.
    pub name: String,
    /// The kind most stories give it (unknown only when none knows better).
    pub kind: EntityKind,
    /// Every spelling seen, most frequent first.
    pub variants: Vec<String>,
    /// The stories mentioning it, in the order given, with the number of their articles that do.
    pub stories: Vec<(StoryId, usize)>,
}

/// Entity pages from the entities of many stories (`(story, its entities)`, in the order the
/// pages should list stories, e.g. most recent first): one page per key, pages with the most
/// stories first.
pub fn entity_pages(stories: &[(StoryId, Vec<Entity>)]) -> Vec<EntityPage> {
    struct Acc {
        names: HashMap<String, usize>,
        kinds: HashMap<EntityKind, usize>,
        variants: HashMap<String, usize>,
        stories: Vec<(StoryId, usize)>,
    }
    let mut pages: BTreeMap<String, Acc> = BTreeMap::new();
    for (story, entities) in stories {
        for e in entities {
            let acc = pages.entry(e.key.clone()).or_insert_with(|| Acc {
                names: HashMap::new(),
                kinds: HashMap::new(),
                variants: HashMap::new(),
                stories: Vec::new(),
            });
            *acc.names.entry(e.name.clone()).or_default() += 1;
            *acc.kinds.entry(e.kind).or_default() += 1;
            for v in &e.variants {
                *acc.variants.entry(v.clone()).or_default() += 1;
            }
            match acc.stories.iter_mut().find(|(s, _)| s == story) {
                Some(s) => s.1 += e.articles.len(),
                None => acc.stories.push((story.clone(), e.articles.len())),
            }
        }
    }
    let top = |m: &HashMap<String, usize>| {
        let mut v: Vec<(&String, &usize)> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        v.into_iter().map(|(s, _)| s.clone()).collect::<Vec<_>>()
    };
    let mut out: Vec<EntityPage> = pages
        .into_iter()
        .map(|(key, acc)| {
            let mut kinds: Vec<(EntityKind, usize)> = acc
                .kinds
                .into_iter()
                .filter(|(k, _)| *k != EntityKind::Unknown)
                .collect();
            kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.label().cmp(b.0.label())));
            EntityPage {
                name: top(&acc.names).into_iter().next().unwrap_or_default(),
                kind: kinds.first().map_or(EntityKind::Unknown, |k| k.0),
                variants: top(&acc.variants),
                stories: acc.stories,
                key,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.stories
            .len()
            .cmp(&a.stories.len())
            .then(a.key.cmp(&b.key))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::SourceId;

    fn art(id: &str, paragraphs: &[&str]) -> Article {
        Article {
            section: None,
            id: ArticleId::from(id),
            source: SourceId::unknown(),
            url: None,
            canonical_url: None,
            title: String::new(),
            byline: None,
            published: None,
            language: Some("en".into()),
            paragraphs: paragraphs.iter().map(|s| s.to_string()).collect(),
            content_hash: id.into(),
            fetched_at: chrono::DateTime::UNIX_EPOCH,
            origin: id.into(),
            warnings: Vec::new(),
            excerpts: Vec::new(),
            attribution: Default::default(),
        }
    }

    #[test]
    fn keys_merge_spelling_variants() {
        for (a, b) in [
            ("Zelenskyy", "Zelensky"),
            ("Zelenskiy", "Zelensky"),
            ("Зеленский", "Zelensky"),
            ("Selenskyj", "Zelensky"),
            ("Yuri Ushakov", "Yury Ushakov"),
            ("Yuriy Ushakov", "Юрий Ушаков"),
            ("Kiev", "Kyiv"),
            ("Київ", "Kyiv"),
            ("Kharkov", "Kharkiv"),
            ("Dmitry Peskov", "Dmitri Peskov"),
            ("Sergei Lavrov", "Sergey Lavrov"),
            ("Yevgeny Prigozhin", "Evgeny Prigozhin"),
            ("Muammar Qaddafi", "Muammar Gaddafi"),
            ("Türkiye", "Turkey"),
            ("U.S.", "United States"),
            ("The Kremlin", "Kremlin"),
            ("Erdoğan", "Erdogan"),
            ("Putin's", "Putin"),
        ] {
            assert_eq!(entity_key(a), entity_key(b), "{a} / {b}");
        }
        for (a, b) in [
            ("Austria", "Australia"),
            ("Donald Trump", "Donald Tusk"),
            ("Iran", "Iraq"),
        ] {
            assert_ne!(entity_key(a), entity_key(b), "{a} / {b}");
        }
        assert_eq!(entity_key("Zelenskyy"), "zelenski");
        assert_eq!(entity_key("Yury Ushakov"), "iuri-ushakov");
        assert_eq!(entity_key(""), "");
        assert_eq!(entity_key("普京"), "普京");
    }

    #[test]
    fn extracts_merges_and_classifies() {
        let arts = vec![
            art(
                "a",
                &[
                    "Kremlin aide Yuri Ushakov said Russian President Vladimir Putin spoke with US President Donald Trump for an hour. Ushakov said the talks in Istanbul would go on. President Volodymyr Zelenskyy was not consulted, officials in Kyiv said.",
                ],
            ),
            art(
                "b",
                &[
                    "Presidential aide Yury Ushakov said Putin and Trump discussed Iran and the Middle East. Zelensky's office in Kiev declined to comment, the Foreign Ministry said.",
                ],
            ),
            art(
                "c",
                &[
                    "The call lasted an hour, said Yuri Ushakow, who also met Sergei Lavrov in Moscow. Thursday was quiet in Washington.",
                ],
            ),
        ];
        let es = extract(&arts);
        let find = |key: &str| {
            es.iter()
                .find(|e| e.key == key)
                .unwrap_or_else(|| panic!("{key}: {es:#?}"))
        };
        let ushakov = find("iuri-ushakov");
        assert_eq!(ushakov.name, "Yuri Ushakov");
        assert_eq!(ushakov.kind, EntityKind::Person);
        assert_eq!(ushakov.articles.len(), 3, "{ushakov:?}");
        for v in ["Yuri Ushakov", "Yury Ushakov", "Ushakov", "Yuri Ushakow"] {
            assert!(ushakov.variants.iter().any(|x| x == v), "{v}: {ushakov:?}");
        }
        let z = find("volodimir-zelenski");
        assert!(z.variants.contains(&"Zelensky".to_string()), "{z:?}");
        assert_eq!(z.articles.len(), 2);
        let kyiv = find("kiv");
        assert_eq!(kyiv.kind, EntityKind::Place);
        assert_eq!(kyiv.articles.len(), 2);
        assert_eq!(find("vladimir-putin").kind, EntityKind::Person);
        assert_eq!(find("donald-trump").kind, EntityKind::Person);
        assert_eq!(find("istanbul").kind, EntityKind::Place);
        assert_eq!(find("kremlin").kind, EntityKind::Organisation);
        assert_eq!(find("foreign-ministri").kind, EntityKind::Organisation);
        assert_eq!(find("sergei-lavrov").kind, EntityKind::Person);
        assert!(
            !es.iter()
                .any(|e| e.key == "russian" || e.key == "thursdai" || e.key == "presidential"),
            "{es:#?}"
        );
        // Sorted by articles.
        assert!(
            es.windows(2)
                .all(|w| w[0].articles.len() >= w[1].articles.len())
        );
    }

    #[test]
    fn garbled_runs_split_and_ambiguous_surnames_stay() {
        let arts = vec![
            art(
                "a",
                &[
                    "Kremlin aide Vladimir Putin Yuri Ushakov said so. Yuri Ushakov and Vladimir Putin agreed.",
                ],
            ),
            art(
                "b",
                &["Melania Trump and Donald Trump arrived. Crowds cheered as Trump waved."],
            ),
        ];
        let es = extract(&arts);
        assert!(
            es.iter()
                .any(|e| e.key == "vladimir-putin" && e.mentions == 2),
            "{es:#?}"
        );
        assert!(
            es.iter()
                .any(|e| e.key == "iuri-ushakov" && e.mentions == 2),
            "{es:#?}"
        );
        assert!(es.iter().any(|e| e.key == "trump"), "{es:#?}");
    }

    #[test]
    fn austria_and_australia_in_one_article_stay_apart() {
        let arts = vec![art(
            "a",
            &["Ministers from Austria and Australia met in Geneva."],
        )];
        let es = extract(&arts);
        assert!(es.iter().any(|e| e.key == "austria"));
        assert!(es.iter().any(|e| e.key == "australia"));
    }

    #[test]
    fn pages_gather_stories() {
        let s1 = StoryId::from("sto-1");
        let s2 = StoryId::from("sto-2");
        let e1 = extract(&[art(
            "a",
            &["Kremlin aide Yuri Ushakov spoke in Moscow today."],
        )]);
        let e2 = extract(&[art("b", &["Presidential aide Yury Ushakov spoke again."])]);
        let pages = entity_pages(&[(s1.clone(), e1), (s2.clone(), e2)]);
        let p = pages
            .iter()
            .find(|p| p.key == "iuri-ushakov")
            .expect("page");
        assert_eq!(p.stories, vec![(s1, 1), (s2, 1)]);
        assert_eq!(p.kind, EntityKind::Person);
        assert_eq!(p.variants.len(), 2);
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("ushakov", "ushakof"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
