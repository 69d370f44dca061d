//! assist-capture
