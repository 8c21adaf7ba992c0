//! `parallax eval cluster` (in progress)
