//! assist-server
