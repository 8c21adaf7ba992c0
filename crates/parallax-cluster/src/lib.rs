//! parallax-cluster (work in progress)
