//! The HTML escaper of every template: askama's auto-escaping, with named entities and a few more
//! characters than the default (`=` and `` ` ``), so that escaped article text can never read as an
//! attribute (`onerror=`) even to a naive filter, in element content and in quoted attributes alike.

use askama::filters::Escaper;
use std::fmt::{self, Write};

/// Strict HTML escaper: `& < > " ' = `` ` `` become entities.
#[derive(Clone, Copy, Debug, Default)]
pub struct StrictHtml;

fn entity(c: char) -> Option<&'static str> {
    Some(match c {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' => "&quot;",
        '\'' => "&#39;",
        '=' => "&#61;",
        '`' => "&#96;",
        _ => return None,
    })
}

impl Escaper for StrictHtml {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        let mut last = 0;
        for (i, c) in string.char_indices() {
            if let Some(e) = entity(c) {
                dest.write_str(&string[last..i])?;
                dest.write_str(e)?;
                last = i + c.len_utf8();
            }
        }
        dest.write_str(&string[last..])
    }

    fn write_escaped_char<W: Write>(&self, mut dest: W, c: char) -> fmt::Result {
        match entity(c) {
            Some(e) => dest.write_str(e),
            None => dest.write_char(c),
        }
    }
}

/// `s` escaped as every template escapes it.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    // Writing into a String cannot fail.
    let _ = StrictHtml.write_escaped_str(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_attribute_syntax() {
        assert_eq!(
            escape_html("<img src=x onerror=alert(1)> & \"q\" 'a' `b` é"),
            "&lt;img src&#61;x onerror&#61;alert(1)&gt; &amp; &quot;q&quot; &#39;a&#39; &#96;b&#96; é"
        );
        assert_eq!(escape_html(""), "");
    }
}
