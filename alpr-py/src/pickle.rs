//! Pickling of stores and results.
