//! Latin transliteration of Cyrillic, as English-language news writes Russian and Ukrainian names
//! ("Зеленский" → "zelenskiy", "Аргостоли" → "argostoli"), so that a name can be matched across
//! scripts.

/// The Latin letters of one lower-case Cyrillic letter; `None` for any other character.
pub fn cyrillic_to_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ґ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'є' => "ye",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' => "i",
        'ї' => "yi",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}

/// `text` in lower case with its Cyrillic letters transliterated, when it has any; `None` for a
/// text without Cyrillic letters (nothing to transliterate).
pub fn transliterate(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        match cyrillic_to_latin(c) {
            Some(s) => {
                out.push_str(s);
                changed = true;
            }
            None => out.push(c),
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_english_news_writes_them() {
        assert_eq!(transliterate("Аргостоли").as_deref(), Some("argostoli"));
        assert_eq!(
            transliterate("Юрий Ушаков").as_deref(),
            Some("yuriy ushakov")
        );
        assert_eq!(transliterate("Зеленский").as_deref(), Some("zelenskiy"));
        assert_eq!(transliterate("Kyiv"), None);
        assert_eq!(transliterate(""), None);
    }
}
