//! On-disk (wire) formats, kept apart from the in-memory model so either can change without
//! silently changing the other.

pub mod catalog;
