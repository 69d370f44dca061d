//! assist-input
