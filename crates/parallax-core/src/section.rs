//! Sections: the part of its site an outlet filed an article under ("World", "Politik",
//! "Économie > Marchés"), kept as the outlet wrote it ([`crate::Article::section`]), and the shared
//! category it names ([`section_category`]), which the front page groups stories by.
//!
//! The mapping is a fixed word list (below), not a model and not fitted on any data: a section
//! names a category only when one of its words is a word of that category in one of the listed
//! languages. Anything else ("Trending", "News", a column's name) names no category: such
//! articles count under [`OTHER_SECTION`], never under a guessed one.

/// The categories, as `(key, label)`: the key is what `?section=` takes, the label what pages show.
pub const CATEGORIES: [(&str, &str); 11] = [
    ("world", "World"),
    ("national", "National & local"),
    ("politics", "Politics"),
    ("business", "Business"),
    ("technology", "Technology"),
    ("science", "Science"),
    ("health", "Health"),
    ("environment", "Environment"),
    ("sport", "Sport"),
    ("culture", "Culture"),
    ("opinion", "Opinion"),
];

/// The tally label of articles whose outlet named a section that is none of the categories.
pub const OTHER_SECTION: &str = "other";

/// Words of each category (lower case), in English, German, French, Spanish, Italian, Portuguese,
/// Dutch, Russian, Ukrainian, Polish, Turkish, Arabic, Chinese and Japanese. A word matches a
/// whole word of the section; words of scripts written without spaces match the start of a word.
const WORDS: [(&str, &[&str]); 11] = [
    (
        "world",
        &[
            "world",
            "international",
            "foreign",
            "global",
            "europe",
            "africa",
            "asia",
            "americas",
            "mideast",
            "middle east",
            "middleeast",
            "welt",
            "ausland",
            "monde",
            "mundo",
            "internacional",
            "internacionales",
            "mondo",
            "esteri",
            "wereld",
            "buitenland",
            "мир",
            "в мире",
            "международные",
            "світ",
            "świat",
            "dünya",
            "عالم",
            "العالم",
            "دولي",
            "دولية",
            "国际",
            "世界",
            "国際",
            "海外",
        ],
    ),
    (
        "national",
        &[
            "national",
            "nation",
            "domestic",
            "local",
            "metro",
            "regional",
            "inland",
            "deutschland",
            "nacional",
            "nazionale",
            "cronaca",
            "binnenland",
            "россия",
            "общество",
            "україна",
            "kraj",
            "türkiye",
            "gündem",
            "محليات",
            "国内",
            "社会",
        ],
    ),
    (
        "politics",
        &[
            "politics",
            "political",
            "government",
            "elections",
            "election",
            "politik",
            "politique",
            "política",
            "politica",
            "politiek",
            "политика",
            "політика",
            "polityka",
            "siyaset",
            "سياسة",
            "政治",
            "时政",
        ],
    ),
    (
        "business",
        &[
            "business",
            "economy",
            "economics",
            "markets",
            "finance",
            "money",
            "wirtschaft",
            "finanzen",
            "économie",
            "economie",
            "bourse",
            "economía",
            "negocios",
            "mercados",
            "economia",
            "finanza",
            "mercati",
            "negócios",
            "экономика",
            "бизнес",
            "економіка",
            "gospodarka",
            "biznes",
            "ekonomi",
            "اقتصاد",
            "财经",
            "经济",
            "経済",
        ],
    ),
    (
        "technology",
        &[
            "technology",
            "tech",
            "digital",
            "internet",
            "technik",
            "technologie",
            "tecnología",
            "tecnologia",
            "технологии",
            "технології",
            "technologia",
            "teknoloji",
            "تكنولوجيا",
            "科技",
            "テクノロジー",
        ],
    ),
    (
        "science",
        &[
            "science",
            "sciences",
            "space",
            "wissenschaft",
            "wissen",
            "ciencia",
            "ciencias",
            "scienza",
            "ciência",
            "wetenschap",
            "наука",
            "nauka",
            "bilim",
            "علوم",
            "科学",
        ],
    ),
    (
        "health",
        &[
            "health",
            "medicine",
            "gesundheit",
            "santé",
            "salud",
            "salute",
            "saúde",
            "gezondheid",
            "здоровье",
            "здоров'я",
            "zdrowie",
            "sağlık",
            "صحة",
            "健康",
        ],
    ),
    (
        "environment",
        &[
            "environment",
            "climate",
            "umwelt",
            "klima",
            "environnement",
            "climat",
            "medioambiente",
            "clima",
            "ambiente",
            "milieu",
            "экология",
            "klimat",
            "çevre",
            "بيئة",
            "环境",
            "環境",
        ],
    ),
    (
        "sport",
        &[
            "sport",
            "sports",
            "football",
            "soccer",
            "deportes",
            "deporte",
            "esporte",
            "esportes",
            "спорт",
            "spor",
            "رياضة",
            "体育",
            "スポーツ",
        ],
    ),
    (
        "culture",
        &[
            "culture",
            "arts",
            "art",
            "entertainment",
            "books",
            "music",
            "film",
            "movies",
            "kultur",
            "feuilleton",
            "cultura",
            "espectáculos",
            "spettacoli",
            "cultuur",
            "культура",
            "kultura",
            "kültür",
            "ثقافة",
            "文化",
            "娱乐",
            "エンタメ",
        ],
    ),
    (
        "opinion",
        &[
            "opinion",
            "opinions",
            "comment",
            "commentary",
            "editorial",
            "editorials",
            "columnists",
            "meinung",
            "kommentar",
            "kommentare",
            "opinión",
            "opinião",
            "opinione",
            "commenti",
            "mening",
            "мнения",
            "колонки",
            "думки",
            "opinie",
            "görüş",
            "رأي",
            "آراء",
            "评论",
            "社説",
        ],
    ),
];

/// The category key a section names (see [`CATEGORIES`]); `None` when it names none of them.
/// The first word of the section that is a category's word decides: "News > World > Europe" is
/// `world`, "US Politics" `politics`.
pub fn section_category(section: &str) -> Option<&'static str> {
    let lower = section.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    for word in &words {
        for (key, list) in WORDS {
            if list.iter().any(|w| {
                *w == *word || (w.chars().any(crate::is_unspaced_script) && word.starts_with(w))
            }) {
                return Some(key);
            }
        }
    }
    // Two-word names written apart ("в мире", "middle east").
    let joined = words.join(" ");
    WORDS
        .iter()
        .find(|(_, list)| list.iter().any(|w| w.contains(' ') && joined.contains(w)))
        .map(|(key, _)| *key)
}

/// The label pages show for a category key (`None` for a key that is not one).
pub fn category_label(key: &str) -> Option<&'static str> {
    CATEGORIES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, label)| *label)
}

/// A section as stored: trimmed, white space collapsed, at most 80 characters; `None` when
/// nothing is left.
pub fn clean_section(raw: &str) -> Option<String> {
    let s: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let s: String = s.chars().filter(|c| !c.is_control()).take(80).collect();
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_name_categories_in_many_languages() {
        for (section, key) in [
            ("World", Some("world")),
            ("News > World > Europe", Some("world")),
            ("US Politics", Some("politics")),
            ("Politik", Some("politics")),
            ("Économie", Some("business")),
            ("Internacional", Some("world")),
            ("В мире", Some("world")),
            ("Экономика", Some("business")),
            ("国际新闻", Some("world")),
            ("スポーツ", Some("sport")),
            ("Middle East", Some("world")),
            ("Opinion | Columnists", Some("opinion")),
            ("sport/football", Some("sport")),
            ("Trending", None),
            ("News", None),
            ("", None),
        ] {
            assert_eq!(section_category(section), key, "{section}");
        }
    }

    #[test]
    fn every_category_has_words_and_a_label() {
        for ((key, label), (wkey, words)) in CATEGORIES.iter().zip(WORDS.iter()) {
            assert_eq!(key, wkey);
            assert!(!label.is_empty() && !words.is_empty());
            assert_eq!(category_label(key), Some(*label));
            assert_eq!(section_category(key), Some(*key));
        }
        assert_eq!(category_label("other"), None);
    }

    #[test]
    fn sections_are_cleaned() {
        assert_eq!(clean_section("  World \n News "), Some("World News".into()));
        assert_eq!(clean_section(" \t "), None);
        assert_eq!(clean_section(&"x".repeat(500)).unwrap().chars().count(), 80);
    }
}
