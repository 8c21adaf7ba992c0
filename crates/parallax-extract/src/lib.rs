//! parallax-extract (work in progress)
