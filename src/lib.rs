//! Switchyard.
