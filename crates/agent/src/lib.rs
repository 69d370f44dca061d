//! assist-agent: the native sharer app.
