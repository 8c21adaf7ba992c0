//! parallax-store (work in progress)
