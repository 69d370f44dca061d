//! assist-proto
