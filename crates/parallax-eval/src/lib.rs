//! Evaluation behind `parallax eval`: data-set readers and metrics, as defined in
//! `../shared/eval/README.md`.
#![warn(missing_docs)]

pub mod cluster;
pub mod crosslingual;
pub mod dates;
pub mod extract;
pub mod predictions;
pub mod summarize;
