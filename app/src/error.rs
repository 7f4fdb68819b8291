//! The one error type that crosses the wire. Users see a localised message they can
//! act on; internals go only to the log.
use crate::i18n::{Locale, Msg};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A message for one form field, shown next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub msg: Msg,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// Refused before anything ran, with the reason (a request from another site...).
    #[error("denied: {0:?}")]
    Denied(Msg),
    #[error("wrong phone number or password")]
    BadCredentials,
    #[error("too many requests")]
    RateLimited,
    /// Input that failed validation, field by field.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// A business rule refused the request (the order was taken, the phone is registered...).
    #[error("refused: {0:?}")]
    Conflict(Msg),
    /// The request could not be decoded (missing or malformed arguments).
    #[error("bad request")]
    BadRequest,
    /// The network failed between the browser and the server.
    #[error("network error")]
    Network,
    /// Something broke on the server; the details are in the server log only.
    #[error("internal error")]
    Internal,
}

impl AppError {
    pub fn field(field: &str, msg: Msg) -> Self {
        AppError::Invalid(vec![FieldError { field: field.into(), msg }])
    }

    /// The field errors of several checks together, to answer them all at once.
    pub fn field_errors<T>(results: &[&Result<T, AppError>]) -> Vec<FieldError> {
        results
            .iter()
            .filter_map(|r| match r {
                Err(AppError::Invalid(errors)) => Some(errors.iter().cloned()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// The headline message for this error.
    pub fn msg(&self) -> Msg {
        match self {
            AppError::NotFound => Msg::ErrNotFound,
            AppError::Unauthorized => Msg::ErrUnauthorized,
            AppError::Forbidden => Msg::ErrForbidden,
            AppError::Denied(msg) => *msg,
            AppError::BadCredentials => Msg::ErrBadCredentials,
            AppError::RateLimited => Msg::ErrRateLimited,
            AppError::Invalid(_) => Msg::ErrInvalid,
            AppError::Conflict(msg) => *msg,
            AppError::BadRequest => Msg::ErrBadRequest,
            AppError::Network => Msg::ErrNetwork,
            AppError::Internal => Msg::ErrInternal,
        }
    }

    pub fn message(&self, locale: Locale) -> &'static str {
        self.msg().text(locale)
    }

    /// The message for one field, if this error has one.
    pub fn field_msg(&self, field: &str) -> Option<Msg> {
        match self {
            AppError::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.msg),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized | AppError::BadCredentials => 401,
            AppError::Forbidden | AppError::Denied(_) => 403,
            AppError::RateLimited => 429,
            AppError::Invalid(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::BadRequest => 400,
            AppError::Network => 503,
            AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            ServerFnErrorErr::Request(_) => AppError::Network,
            ServerFnErrorErr::Registration(_) => AppError::NotFound,
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_failures_are_bad_requests_not_internal_errors() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
        assert_eq!(err.status(), 400);
        assert_eq!(err.message(Locale::Zh), "请求格式不正确，请刷新页面后重试");
    }

    #[test]
    fn field_errors_are_found_by_field() {
        let err = AppError::field("phone", Msg::ErrPhoneMalformed);
        assert_eq!(err.field_msg("phone"), Some(Msg::ErrPhoneMalformed));
        assert_eq!(err.field_msg("password"), None);
        assert_eq!(err.status(), 422);
    }

    #[test]
    fn errors_survive_the_wire() {
        let err = AppError::Conflict(Msg::ErrPhoneTaken);
        let json = serde_json::to_string(&err).expect("serialise");
        assert_eq!(serde_json::from_str::<AppError>(&json).expect("deserialise"), err);
    }
}
