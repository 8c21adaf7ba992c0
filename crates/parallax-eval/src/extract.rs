//! `parallax eval extract` (in progress)
