//! Language-aware text processing shared by clustering, summaries and extraction: sentence and word
//! segmentation for every script, language identification, stemming and stop words.
//!
//! Architecture invariant: pure functions over `&str`; no IO, no panics on any input.
#![warn(missing_docs)]

mod entities;
mod lang;
mod segment;
mod terms;
mod translit;

pub use entities::{is_title_case, named_entities, numbers};
pub use lang::detect_language;
pub use segment::{sentences, words};
pub use terms::{Analyzer, is_stop_word};
pub use translit::{cyrillic_to_latin, transliterate};
