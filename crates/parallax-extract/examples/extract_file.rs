//! Prints what extraction finds in local files: `.html`/`.htm` (optionally gzipped) as HTML,
//! anything else as plain text.
//!
//! ```text
//! cargo run -p parallax-extract --example extract_file -- FILE...
//! ```
use std::io::Read;

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(mut bytes) = std::fs::read(&path) else {
            eprintln!("{path}: cannot read");
            continue;
        };
        if path.ends_with(".gz") {
            let mut out = Vec::new();
            if flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut out)
                .is_ok()
            {
                bytes = out;
            }
        }
        let name = path.trim_end_matches(".gz");
        let ex = if name.ends_with(".html") || name.ends_with(".htm") {
            parallax_extract::extract_html(&bytes, None, None)
        } else {
            parallax_extract::extract_text(&String::from_utf8_lossy(&bytes))
        };
        println!("=== {path}");
        println!("title:     {}", ex.title);
        println!("byline:    {:?}", ex.byline);
        println!("published: {:?}", ex.published);
        println!("language:  {:?}", ex.language);
        println!("warnings:  {:?}", ex.warnings);
        for p in &ex.paragraphs {
            println!("  | {p}");
        }
    }
}
