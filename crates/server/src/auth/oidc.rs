//! OpenID Connect single sign-on, the relying-party side: discovery, the authorization request
//! (code flow with PKCE S256, state and nonce), the code exchange, ID-token validation (signature
//! with the provider's published keys, RS*/PS*/ES*/EdDSA only; `iss`, `aud`, `azp`, `exp`, `iat`,
//! `nonce`, `at_hash`), the user-info request, and the mapping of claims to a profile.
//!
//! Built on the `openidconnect` crate with its reqwest client (rustls, redirects not followed, a
//! time limit on every request). Nothing here touches the database: `api/oidc.rs` keeps the
//! pending login server-side and turns the [`Identity`] into an account and a session.

use crate::clock::now_ms;
use crate::error::{AppError, ErrorCode};
use crate::limits::*;
use crate::store::oidc::{AgentReturn, OidcSettings, PendingLogin};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthorizationCode, ClaimsVerificationError, Client,
    ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IdTokenFields, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, SignatureVerificationError,
    StandardErrorResponse, StandardTokenResponse, TokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Duration;

/// Claims beyond the standard ones (job title, company) from the ID token or user info.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExtraClaims {
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

impl AdditionalClaims for ExtraClaims {}

type IdFields = IdTokenFields<
    ExtraClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<IdFields, CoreTokenType>;
type OidcClient = Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Signature algorithms accepted for ID tokens: public-key ones only, never a MAC keyed with the
/// client secret and never `none`.
const ID_TOKEN_ALGS: [CoreJwsSigningAlgorithm; 10] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EcdsaP521Sha512,
    CoreJwsSigningAlgorithm::EdDsa,
];

/// `amr` values (RFC 8176) that count as a second factor at the provider.
pub const SECOND_FACTOR_AMR: [&str; 4] = ["mfa", "otp", "hwk", "sms"];

/// Why a single sign-on failed: a stable code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
    /// The provider failed or answered wrongly (502), rather than refusing this sign-in (401).
    pub upstream: bool,
}

impl Failure {
    fn refused(code: ErrorCode, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            upstream: false,
        }
    }
    fn upstream(code: ErrorCode, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            upstream: true,
        }
    }
}

impl From<Failure> for AppError {
    fn from(f: Failure) -> Self {
        if f.upstream {
            AppError::Upstream {
                code: f.code,
                message: f.message,
            }
        } else {
            AppError::auth_failed(f.code, f.message)
        }
    }
}

/// Text from the provider, made safe to show: no control characters, bounded.
fn shown(s: &str) -> String {
    let mut out: String = s
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_DESCRIPTION_CHARS / 4)
        .collect();
    if s.chars().count() > MAX_DESCRIPTION_CHARS / 4 {
        out.push('…');
    }
    out
}

/// The HTTP client for talking to providers: no redirects (a provider must answer at the URLs
/// it publishes), a time limit.
fn http() -> Result<&'static openidconnect::reqwest::Client, AppError> {
    static CLIENT: OnceLock<openidconnect::reqwest::Client> = OnceLock::new();
    if let Some(c) = CLIENT.get() {
        return Ok(c);
    }
    let c = openidconnect::reqwest::Client::builder()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(OIDC_HTTP_TIMEOUT_SECS))
        .user_agent(concat!("Assist/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| anyhow::anyhow!("building the single sign-on HTTP client: {e}"))?;
    Ok(CLIENT.get_or_init(|| c))
}

/// Checks an issuer URL: https, or http on a loopback host (for tests and local providers); no
/// query or fragment.
pub fn check_issuer(issuer: &str) -> Result<IssuerUrl, String> {
    if issuer.len() > MAX_URL_CHARS {
        return Err(format!("issuer is longer than {MAX_URL_CHARS} characters"));
    }
    let url = IssuerUrl::new(issuer.to_owned()).map_err(|e| format!("issuer is not a URL: {e}"))?;
    let u = url.url();
    let loopback = match u.host() {
        Some(openidconnect::url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(openidconnect::url::Host::Ipv4(a)) => a.is_loopback(),
        Some(openidconnect::url::Host::Ipv6(a)) => a.is_loopback(),
        None => return Err("issuer has no host".into()),
    };
    match u.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err("issuer must be an https:// URL".into()),
    }
    if u.query().is_some() || u.fragment().is_some() || !u.username().is_empty() {
        return Err("issuer must not have a query, fragment or user name".into());
    }
    Ok(url)
}

/// A provider found by discovery, with our client registration.
pub struct Provider {
    client: OidcClient,
    client_id: String,
    issuer: String,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish()
    }
}

/// Reads the provider's discovery document (and its keys) and prepares the client.
pub async fn discover(settings: &OidcSettings, redirect_uri: &str) -> Result<Provider, AppError> {
    let issuer = check_issuer(&settings.issuer)
        .map_err(|m| Failure::upstream(ErrorCode::OidcMisconfigured, m))?;
    let metadata = CoreProviderMetadata::discover_async(issuer, http()?)
        .await
        .map_err(|e| {
            use openidconnect::DiscoveryError as D;
            let detail = match &e {
                D::Validation(m) => shown(m),
                D::Response(status, _, m) => format!("HTTP {status}: {}", shown(m)),
                D::Request(r) => format!("request failed: {}", shown(&error_chain(r))),
                D::Parse(p) => format!("unreadable discovery document: {}", shown(&p.to_string())),
                other => shown(&other.to_string()),
            };
            Failure::upstream(
                ErrorCode::OidcDiscoveryFailed,
                format!(
                    "single sign-on: discovery at {} failed: {detail}",
                    settings.issuer
                ),
            )
        })?;
    let redirect = RedirectUrl::new(redirect_uri.to_owned())
        .map_err(|e| anyhow::anyhow!("redirect URI {redirect_uri}: {e}"))?;
    let client: OidcClient = Client::from_provider_metadata(
        metadata,
        ClientId::new(settings.client_id.clone()),
        settings.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(redirect);
    Ok(Provider {
        client,
        client_id: settings.client_id.clone(),
        issuer: settings.issuer.clone(),
    })
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(inner) = cur {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        cur = inner.source();
    }
    s
}

/// The start of a login: where to send the browser, and what to keep until the callback.
#[derive(Debug)]
pub struct Start {
    pub authorize_url: String,
    pub state: String,
    pub login: PendingLogin,
}

/// Builds the authorization request: code flow, scopes `openid email profile`, PKCE S256, fresh
/// random state and nonce. `agent`: the login was started by the native agent, which gets the
/// result at its loopback redirect.
pub fn start(provider: &Provider, redirect_uri: &str, agent: Option<AgentReturn>) -> Start {
    let state = crate::secrets::new_token("");
    let nonce = crate::secrets::new_token("");
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (s, n) = (state.clone(), nonce.clone());
    let (url, _, _) = provider
        .client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || CsrfToken::new(s),
            move || Nonce::new(n),
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    Start {
        authorize_url: url.to_string(),
        state,
        login: PendingLogin {
            nonce,
            pkce_verifier: verifier.secret().clone(),
            redirect_uri: redirect_uri.to_owned(),
            expires_at: now_ms() + OIDC_LOGIN_TTL_MS,
            agent,
        },
    }
}

/// Who signed in at the provider, with the profile it gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// `issuer` + space + `sub`: the stable key of the account at this provider.
    pub subject: String,
    pub email: Option<String>,
    /// `email_verified` when the provider says.
    pub email_verified: Option<bool>,
    pub name: Option<String>,
    pub job_title: Option<String>,
    pub company: Option<String>,
    pub picture: Option<String>,
    /// The provider reports a second factor (`amr` holds one of [`SECOND_FACTOR_AMR`]).
    pub second_factor: bool,
}

fn claim_validation_failure(e: &ClaimsVerificationError) -> Failure {
    use ClaimsVerificationError as C;
    let (code, what) = match e {
        C::InvalidIssuer(m) => (ErrorCode::OidcWrongIssuer, format!("wrong issuer: {m}")),
        C::InvalidAudience(m) => (ErrorCode::OidcWrongAudience, format!("wrong audience: {m}")),
        C::Expired(m) => (
            ErrorCode::OidcTokenExpired,
            format!("expired or not yet valid: {m}"),
        ),
        C::InvalidNonce(m) => (ErrorCode::OidcWrongNonce, format!("wrong nonce: {m}")),
        C::SignatureVerification(SignatureVerificationError::NoMatchingKey) => (
            ErrorCode::OidcUnknownKey,
            "signed with a key the provider does not publish".into(),
        ),
        C::SignatureVerification(s) => (
            ErrorCode::OidcInvalidSignature,
            format!("bad signature: {s}"),
        ),
        other => (ErrorCode::OidcInvalidToken, other.to_string()),
    };
    Failure::refused(
        code,
        format!("single sign-on: the ID token was refused: {}", shown(&what)),
    )
}

/// Exchanges the code (with the PKCE verifier), validates the ID token against the pending
/// login, reads the user info, and returns who signed in.
pub async fn finish(
    provider: &Provider,
    code: &str,
    pending: &PendingLogin,
) -> Result<Identity, AppError> {
    let tokens = provider
        .client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|_| {
            Failure::upstream(
                ErrorCode::OidcMisconfigured,
                "single sign-on: the provider publishes no token endpoint",
            )
        })?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
        .request_async(http()?)
        .await
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(r) => Failure::refused(
                ErrorCode::OidcCodeRejected,
                format!(
                    "single sign-on: the provider refused the code: {}{}",
                    r.error().as_ref(),
                    r.error_description()
                        .map(|d| format!(" ({})", shown(d)))
                        .unwrap_or_default()
                ),
            ),
            RequestTokenError::Request(r) => Failure::upstream(
                ErrorCode::OidcProviderUnreachable,
                format!(
                    "single sign-on: the token request failed: {}",
                    shown(&error_chain(&r))
                ),
            ),
            other => Failure::upstream(
                ErrorCode::OidcBadTokenResponse,
                format!(
                    "single sign-on: unreadable token response: {}",
                    shown(&error_chain(&other))
                ),
            ),
        })?;
    let id_token = tokens.id_token().ok_or_else(|| {
        Failure::refused(
            ErrorCode::OidcNoIdToken,
            "single sign-on: the provider returned no ID token (is the openid scope allowed?)",
        )
    })?;
    let now_secs = now_ms() / 1000;
    let verifier = provider
        .client
        .id_token_verifier()
        .set_allowed_algs(ID_TOKEN_ALGS)
        .set_issue_time_verifier_fn(move |iat| {
            let t = iat.timestamp();
            if t > now_secs + OIDC_CLOCK_SKEW_SECS {
                Err(format!("issued in the future ({t})"))
            } else if t < now_secs - OIDC_MAX_TOKEN_AGE_SECS {
                Err(format!("issued too long ago ({t})"))
            } else {
                Ok(())
            }
        });
    let nonce = Nonce::new(pending.nonce.clone());
    let claims = id_token
        .claims(&verifier, &nonce)
        .map_err(|e| claim_validation_failure(&e))?;
    // azp (OpenID Connect Core 3.1.3.7, steps 4 and 5): when present it names us; with several
    // audiences it must be present.
    match claims.authorized_party() {
        Some(azp) if azp.as_str() != provider.client_id => {
            return Err(Failure::refused(
                ErrorCode::OidcWrongAudience,
                format!(
                    "single sign-on: the ID token was refused: authorized party is {}, not this client",
                    shown(azp.as_str())
                ),
            )
            .into());
        }
        None if claims.audiences().len() > 1 => {
            return Err(Failure::refused(
                ErrorCode::OidcWrongAudience,
                "single sign-on: the ID token was refused: several audiences and no authorized party",
            )
            .into());
        }
        _ => {}
    }
    // at_hash binds the access token (used for user info) to the ID token.
    if let Some(expected) = claims.access_token_hash() {
        let actual = match (id_token.signing_alg(), id_token.signing_key(&verifier)) {
            (Ok(alg), Ok(key)) => AccessTokenHash::from_token(tokens.access_token(), alg, key).ok(),
            _ => None,
        };
        if actual.as_ref() != Some(expected) {
            return Err(Failure::refused(
                ErrorCode::OidcInvalidToken,
                "single sign-on: the ID token was refused: at_hash does not match the access token",
            )
            .into());
        }
    }
    let sub = claims.subject().as_str().to_owned();
    // User info: most providers give the profile there; the subject must be the ID token's.
    let info: Option<UserInfoClaims<ExtraClaims, CoreGenderClaim>> =
        match provider.client.user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        ) {
            Ok(req) => match req.request_async(http()?).await {
                Ok(info) => Some(info),
                Err(e) => {
                    tracing::warn!(issuer = %provider.issuer, error = %error_chain(&e),
                    "single sign-on: user info request failed; using the ID token's claims");
                    None
                }
            },
            Err(_) => None,
        };

    let from_info =
        |f: &dyn Fn(&UserInfoClaims<ExtraClaims, CoreGenderClaim>) -> Option<String>| {
            info.as_ref().and_then(f)
        };
    let email = from_info(&|i| i.email().map(|e| e.as_str().to_owned()))
        .or_else(|| claims.email().map(|e| e.as_str().to_owned()));
    let email_verified = info
        .as_ref()
        .and_then(|i| i.email_verified())
        .or_else(|| claims.email_verified());
    let name = from_info(&|i| {
        full_name(
            i.name().and_then(|n| n.get(None)).map(|n| n.as_str()),
            i.given_name().and_then(|n| n.get(None)).map(|n| n.as_str()),
            i.family_name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str()),
        )
    })
    .or_else(|| {
        full_name(
            claims.name().and_then(|n| n.get(None)).map(|n| n.as_str()),
            claims
                .given_name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str()),
            claims
                .family_name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str()),
        )
    });
    let picture = from_info(&|i| {
        i.picture()
            .and_then(|p| p.get(None))
            .map(|p| p.as_str().to_owned())
    })
    .or_else(|| {
        claims
            .picture()
            .and_then(|p| p.get(None))
            .map(|p| p.as_str().to_owned())
    });
    let extra = |keys: &[&str]| {
        let sources = info
            .as_ref()
            .map(|i| &i.additional_claims().other)
            .into_iter()
            .chain(std::iter::once(&claims.additional_claims().other));
        sources
            .flat_map(|m| keys.iter().filter_map(|k| m.get(*k)))
            .find_map(|v| v.as_str().map(str::to_owned))
    };
    let job_title = extra(&["job_title", "jobTitle"]);
    let company = extra(&["company", "companyName", "organization"]);
    let second_factor = claims
        .auth_method_refs()
        .is_some_and(|amr| amr.iter().any(|a| SECOND_FACTOR_AMR.contains(&a.as_str())));
    Ok(Identity {
        subject: format!("{} {sub}", provider.issuer),
        email: email.map(|e| e.trim().to_lowercase()),
        email_verified,
        name: name.and_then(|n| clean_text(&n, MAX_NAME_CHARS)),
        job_title: job_title.and_then(|t| clean_text(&t, MAX_NAME_CHARS)),
        company: company.and_then(|t| clean_text(&t, MAX_NAME_CHARS)),
        picture: picture.filter(|p| picture_ok(p)),
        second_factor,
    })
}

fn full_name(name: Option<&str>, given: Option<&str>, family: Option<&str>) -> Option<String> {
    if let Some(n) = name.filter(|n| !n.trim().is_empty()) {
        return Some(n.to_owned());
    }
    let joined = [given, family]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// A profile text from a claim: control characters dropped, trimmed, cut to `max` characters.
pub fn clean_text(s: &str, max: usize) -> Option<String> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(max)
        .collect();
    (!t.is_empty()).then_some(t)
}

/// A picture URL from a claim is kept only when it is a plain https URL.
pub fn picture_ok(url: &str) -> bool {
    url.len() <= MAX_URL_CHARS
        && url.starts_with("https://")
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers() {
        for ok in [
            "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
            "https://sso.example.com/realms/acme",
            "https://accounts.google.com",
            "http://127.0.0.1:8080",
            "http://localhost:9000/oidc",
            "http://[::1]:9000",
        ] {
            assert!(check_issuer(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://sso.example.com",
            "ftp://sso.example.com",
            "https://sso.example.com/?a=b",
            "https://sso.example.com/#x",
            "https://user@sso.example.com",
            "not a url",
            "",
        ] {
            assert!(check_issuer(bad).is_err(), "{bad}");
        }
        assert!(check_issuer(&format!("https://a.example/{}", "x".repeat(MAX_URL_CHARS))).is_err());
    }

    #[test]
    fn profile_text_and_pictures() {
        assert_eq!(clean_text("  Ana\u{0}  ", 10).as_deref(), Some("Ana"));
        assert_eq!(clean_text(" \n ", 10), None);
        assert_eq!(clean_text("abcdef", 3).as_deref(), Some("abc"));
        assert!(picture_ok("https://cdn.example.com/a.png"));
        assert!(!picture_ok("http://cdn.example.com/a.png"));
        assert!(!picture_ok("javascript:alert(1)"));
        assert!(!picture_ok("https://x.example/a b"));
        assert_eq!(
            full_name(Some("Ana Li"), None, None).as_deref(),
            Some("Ana Li")
        );
        assert_eq!(
            full_name(Some(" "), Some("Ana"), Some("Li")).as_deref(),
            Some("Ana Li")
        );
        assert_eq!(full_name(None, None, Some("Li")).as_deref(), Some("Li"));
        assert_eq!(full_name(None, None, None), None);
    }

    #[test]
    fn shown_text_is_bounded_and_clean() {
        let s = shown(&format!("a\u{7}b{}", "x".repeat(5000)));
        assert!(s.starts_with("abx"));
        assert!(s.chars().count() <= MAX_DESCRIPTION_CHARS / 4 + 1);
    }

    #[test]
    fn failures_map_to_errors() {
        let e: AppError = Failure::refused(ErrorCode::OidcWrongNonce, "x").into();
        assert_eq!(e.status(), axum::http::StatusCode::UNAUTHORIZED);
        assert_eq!(e.code(), "oidc_wrong_nonce");
        let e: AppError = Failure::upstream(ErrorCode::OidcDiscoveryFailed, "x").into();
        assert_eq!(e.status(), axum::http::StatusCode::BAD_GATEWAY);
    }
}
