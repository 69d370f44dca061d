//! Path and query parameters whose rejections are our JSON errors (`error.rs`), for every handler
//! (the JSON API and the live socket alike).

use crate::error::AppError;
use axum::extract::FromRequestParts;

/// Query parameters, with rejections as our JSON errors.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

/// A path parameter, with rejections as our JSON errors.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);
