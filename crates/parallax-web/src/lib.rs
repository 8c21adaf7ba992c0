//! parallax-web (work in progress)
