//! Price oracle (in progress)
