//! Every error the purchase layer can meet, routed: a stable code, a category, whether a retry can
//! help, a message for the user (Korean first, English too) and where the app should send the user.

#[allow(unused_imports)]
use crate::prelude::*;
use super::limits;
use super::locale::Locale;
use super::text::{cat, truncate};
use alloc::rc::Rc;
use core::any::Any;
/// The SDK's documented codes, ours, and whatever else a host sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    // From the SDK (`error.code`).
    InvalidProductId,
    PaymentPending,
    NetworkError,
    InvalidUserEnvironment,
    ItemAlreadyOwned,
    AppMarketVerificationFailed,
    TossServerVerificationFailed,
    InternalError,
    KoreanAccountOnly,
    UserCanceled,
    ProductNotGrantedByPartner,
    // Ours.
    AppTooOld,
    NoHost,
    Timeout,
    PurchaseInFlight,
    BackendRefused,
    BackendUnreachable,
    InvalidProductData,
    InvalidArgument,
    Disposed,
    /// A code nobody documented (the routed error keeps its text, bounded).
    Unknown,
}

const SDK_CODES: [(&str, ErrorCode); 11] = [
    ("INVALID_PRODUCT_ID", ErrorCode::InvalidProductId),
    ("PAYMENT_PENDING", ErrorCode::PaymentPending),
    ("NETWORK_ERROR", ErrorCode::NetworkError),
    ("INVALID_USER_ENVIRONMENT", ErrorCode::InvalidUserEnvironment),
    ("ITEM_ALREADY_OWNED", ErrorCode::ItemAlreadyOwned),
    ("APP_MARKET_VERIFICATION_FAILED", ErrorCode::AppMarketVerificationFailed),
    ("TOSS_SERVER_VERIFICATION_FAILED", ErrorCode::TossServerVerificationFailed),
    ("INTERNAL_ERROR", ErrorCode::InternalError),
    ("KOREAN_ACCOUNT_ONLY", ErrorCode::KoreanAccountOnly),
    ("USER_CANCELED", ErrorCode::UserCanceled),
    ("PRODUCT_NOT_GRANTED_BY_PARTNER", ErrorCode::ProductNotGrantedByPartner),
];

/// What kind of failure it is; the app may give a handler per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// The user backed out: show nothing.
    Canceled,
    /// Payment awaits approval elsewhere.
    Pending,
    /// Network or server trouble: a retry may help.
    Transient,
    /// The user or the product cannot buy here (account, environment, ownership, sku).
    Rejected,
    /// Money was (or may have been) taken but the item is not verified: point to support.
    PaidUnverified,
    /// The Toss app is too old or missing.
    Environment,
    /// A mistake in the calling code or data.
    Developer,
}

/// Where the app should take the user next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    None,
    Retry,
    Support,
    UpdateApp,
    OpenInToss,
}

impl Category {
    #[inline]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Canceled => "canceled",
            Self::Pending => "pending",
            Self::Transient => "transient",
            Self::Rejected => "rejected",
            Self::PaidUnverified => "paid_unverified",
            Self::Environment => "environment",
            Self::Developer => "developer",
        }
    }
}

impl Category {
    /// Where an error of this category sends the user (`NO_HOST`, the one exception, opens Toss).
    #[inline]
    pub fn route(self) -> Route {
        match self {
            Self::Canceled | Self::Pending | Self::Rejected | Self::Developer => Route::None,
            Self::Transient => Route::Retry,
            Self::PaidUnverified => Route::Support,
            Self::Environment => Route::UpdateApp,
        }
    }

    /// Whether a retry can help (`TIMEOUT` too, the one exception).
    #[inline]
    pub fn retryable(self) -> bool {
        self == Self::Transient
    }
}

impl Route {
    #[inline]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Retry => "retry",
            Self::Support => "support",
            Self::UpdateApp => "update_app",
            Self::OpenInToss => "open_in_toss",
        }
    }
}


impl ErrorCode {
    /// Reads a code as the SDK spells it; anything else is `Unknown`.
    #[inline]
    pub fn parse(code: &str) -> ErrorCode {
        let code = code.trim();
        SDK_CODES.iter().chain(OUR_CODES.iter()).find(|(name, _)| *name == code).map_or(ErrorCode::Unknown, |(_, c)| *c)
    }

    /// Finds a known SDK code inside a free-text message (shapes drift: some wrappers only keep the message).
    #[inline]
    pub fn find_in_message(message: &str) -> Option<ErrorCode> {
        // A byte-window scan: `str::contains` brings a two-way searcher, large in wasm (BENCHMARKS.md).
        let hay = message.as_bytes();
        SDK_CODES
            .iter()
            .find(|(name, _)| (0..hay.len()).any(|at| hay.get(at..).is_some_and(|rest| rest.starts_with(name.as_bytes()))))
            .map(|(_, c)| *c)
    }

    #[inline]
    pub fn as_str(self) -> &'static str {
        SDK_CODES.iter().chain(OUR_CODES.iter()).find(|(_, c)| *c == self).map_or("UNKNOWN", |(name, _)| name)
    }

    #[inline]
    pub fn category(&self) -> Category {
        use ErrorCode::*;
        match self {
            UserCanceled => Category::Canceled,
            PaymentPending => Category::Pending,
            NetworkError | InternalError | BackendUnreachable | Unknown => Category::Transient,
            InvalidUserEnvironment | ItemAlreadyOwned | KoreanAccountOnly | InvalidProductId => Category::Rejected,
            AppMarketVerificationFailed | TossServerVerificationFailed | ProductNotGrantedByPartner | BackendRefused => {
                Category::PaidUnverified
            }
            // A host that never answers is, in practice, a Toss app too old for what the SDK asked of it.
            AppTooOld | NoHost | Timeout => Category::Environment,
            PurchaseInFlight | InvalidProductData | InvalidArgument | Disposed => Category::Developer,
        }
    }

    #[inline]
    pub fn retryable(&self) -> bool {
        self.category().retryable() || *self == ErrorCode::Timeout
    }

    #[inline]
    pub fn route(&self) -> Route {
        if *self == ErrorCode::NoHost {
            Route::OpenInToss
        } else {
            self.category().route()
        }
    }

    /// (Korean, English) message for the user.
    #[inline]
    pub fn messages(&self) -> (&'static str, &'static str) {
        use ErrorCode::*;
        match self {
            InvalidProductId => ("지금은 구매할 수 없는 상품이에요.", "This product can't be bought right now."),
            PaymentPending => ("결제 승인을 기다리고 있어요. 승인되면 자동으로 지급돼요.", "Your payment is awaiting approval. The item arrives once it is approved."),
            NetworkError => ("네트워크 연결을 확인하고 다시 시도해 주세요.", "Check your connection and try again."),
            InvalidUserEnvironment => ("이 기기나 계정에서는 구매할 수 없는 상품이에요.", "This product can't be bought on this device or account."),
            ItemAlreadyOwned => ("이미 가지고 있는 상품이에요.", "You already own this item."),
            AppMarketVerificationFailed => ("결제 확인에 실패했어요. 앱스토어에 환불을 문의해 주세요.", "The app store couldn't verify your payment. Please ask the store for a refund."),
            TossServerVerificationFailed => ("결제는 완료됐지만 확인이 늦어지고 있어요. 고객센터로 문의해 주세요.", "Your payment went through but is not yet confirmed. Please contact support."),
            InternalError => ("일시적인 오류가 발생했어요. 잠시 후 다시 시도해 주세요.", "Something went wrong. Please try again shortly."),
            KoreanAccountOnly => ("한국 계정에서만 구매할 수 있어요.", "Purchases need a Korean account."),
            UserCanceled => ("결제를 취소했어요.", "You canceled the payment."),
            ProductNotGrantedByPartner => ("결제는 완료됐지만 상품 지급이 늦어지고 있어요. 곧 다시 지급을 시도해요.", "Your payment went through but the item is delayed. We'll deliver it shortly."),
            AppTooOld => ("토스 앱을 최신 버전으로 업데이트해 주세요.", "Please update the Toss app to the latest version."),
            NoHost => ("토스 앱에서 열어 주세요.", "Please open this in the Toss app."),
            Timeout => ("토스 앱이 응답하지 않아요. 토스 앱을 업데이트한 뒤 다시 시도해 주세요.", "The Toss app did not answer. Please update the Toss app and try again."),
            PurchaseInFlight => ("이미 결제가 진행 중이에요.", "A purchase is already in progress."),
            BackendRefused => ("상품 지급이 거절됐어요. 고객센터로 문의해 주세요.", "The item could not be delivered. Please contact support."),
            BackendUnreachable => ("서버에 연결할 수 없어요. 잠시 후 다시 시도해 주세요.", "We couldn't reach the server. Please try again shortly."),
            InvalidProductData => ("상품 정보를 불러오지 못했어요.", "We couldn't load the product details."),
            InvalidArgument => ("잘못된 요청이에요.", "Invalid request."),
            Disposed => ("결제 모듈이 종료됐어요.", "The purchase module was shut down."),
            Unknown => ("알 수 없는 오류가 발생했어요. 잠시 후 다시 시도해 주세요.", "An unknown error occurred. Please try again shortly."),
        }
    }
}

const OUR_CODES: [(&str, ErrorCode); 9] = [
    ("APP_TOO_OLD", ErrorCode::AppTooOld),
    ("NO_HOST", ErrorCode::NoHost),
    ("TIMEOUT", ErrorCode::Timeout),
    ("PURCHASE_IN_FLIGHT", ErrorCode::PurchaseInFlight),
    ("BACKEND_REFUSED", ErrorCode::BackendRefused),
    ("BACKEND_UNREACHABLE", ErrorCode::BackendUnreachable),
    ("INVALID_PRODUCT_DATA", ErrorCode::InvalidProductData),
    ("INVALID_ARGUMENT", ErrorCode::InvalidArgument),
    ("DISPOSED", ErrorCode::Disposed),
];

/// The codes the JS beside the module raises, before it loads or without it (js/entry.js, js/react.js,
/// js/entitlements.js): each with its category and its user's messages (Korean, English); `retryable` and `route`
/// follow from the category as for the module's codes. js/error-codes.js is written from this table (a test
/// below keeps it current), so that the JS never restates it; the module itself never raises these.
pub const JS_CODES: [(&str, Category, &str, &str); 5] = [
    // The user is told the same of both (the second adds the retry): a few bytes less in every entry.
    ("NOT_INITIALIZED", Category::Developer, "결제를 준비하지 못했어요.", "Payments couldn't be set up."),
    ("WASM_LOAD_FAILED", Category::Transient, "결제를 준비하지 못했어요. 잠시 후 다시 시도해 주세요.", "Payments couldn't be set up. Please try again shortly."),
    ("ENTITLEMENTS_UNREACHABLE", Category::Transient, "구매 내역을 불러올 수 없어요. 잠시 후 다시 시도해 주세요.", "We couldn't load your purchases. Please try again shortly."),
    ("ENTITLEMENTS_REFUSED", Category::Rejected, "구매 내역을 확인할 수 없어요.", "We couldn't check your purchases."),
    ("ENTITLEMENTS_BAD_RESPONSE", Category::Developer, "구매 내역을 불러오지 못했어요.", "We couldn't read your purchases."),
];

/// An error as the SDK or the boundary saw it, before routing. Fields are whatever could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawError {
    pub code: Option<String>,
    pub user_info_code: Option<String>,
    pub message: Option<String>,
    pub order_id: Option<String>,
    /// The error as it arrived (the boundary's JS value, opaque here): the routed error carries it along, so an
    /// error is reported with its own raw error and no other.
    pub raw: Option<Opaque>,
}

/// Why the backend did not confirm an order, for the developer: the `cause` of the error the purchase ends with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantFailure {
    /// `BackendRefused` or `BackendUnreachable`.
    pub code: ErrorCode,
    /// The HTTP status; 0 when none came (network, CORS, timeout, or the app's grant function).
    pub status: u16,
    pub reason: String,
}

/// A value from outside the core that travels with an error untouched; compared by identity.
#[derive(Clone)]
pub struct Opaque(pub Rc<dyn Any>);

impl PartialEq for Opaque {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Opaque {}

impl core::fmt::Debug for Opaque {
    #[inline]
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Opaque")
    }
}

/// A routed error: what the app and the user are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutedError {
    pub code: ErrorCode,
    /// For the developer, in English: what went wrong (`host error <code>` for the host's errors).
    pub detail: String,
    pub order_id: Option<String>,
    /// An `Unknown` code's text as the host sent it (bounded), for the report.
    pub unknown_code: Option<String>,
    /// The raw error it was routed from (see `RawError::raw`); none for the errors we raise ourselves.
    pub raw: Option<Opaque>,
    /// Why the backend did not confirm the purchase's order, when that is what the error is about.
    pub cause: Option<GrantFailure>,
}

impl RoutedError {
    /// The message in `locale` when it is the user's; none for a mistake in the calling code (`InvalidArgument`),
    /// whose message is the developer's, in English.
    #[inline]
    pub fn user_message(&self, locale: Locale) -> Option<&'static str> {
        let (ko, en) = self.code.messages();
        (self.code != ErrorCode::InvalidArgument).then(|| locale.pick(ko, en))
    }

    /// The error's message as its JS error has it: the user's, or `ait-iap: ` and the detail.
    #[inline]
    pub fn message(&self, locale: Locale) -> String {
        self.user_message(locale).map_or_else(|| cat(&["ait-iap: ", &self.detail]), String::from)
    }

    #[inline]
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        RoutedError { code, detail: detail.into(), order_id: None, unknown_code: None, raw: None, cause: None }
    }

    /// The code as the app sees it: an unknown one verbatim, else its name.
    #[inline]
    pub fn code_str(&self) -> &str {
        self.unknown_code.as_deref().unwrap_or(self.code.as_str())
    }

    /// Routes a raw error: `error.code`, then `userInfo.code`, then a code named in the message.
    #[inline]
    pub fn route(raw: &RawError) -> Self {
        #[inline]
        fn text(c: &Option<String>) -> Option<&str> {
            c.as_deref().map(str::trim).filter(|c| !c.is_empty())
        }
        let known = |c: &Option<String>| text(c).map(ErrorCode::parse).filter(|c| *c != ErrorCode::Unknown);
        let code = known(&raw.code)
            .or_else(|| known(&raw.user_info_code))
            .or_else(|| raw.message.as_deref().and_then(ErrorCode::find_in_message))
            .unwrap_or(ErrorCode::Unknown);
        let unknown_code = text(&raw.code).filter(|_| code == ErrorCode::Unknown).map(|c| truncate(c, limits::CODE));
        // The host's own words are often Korean, for its user: the detail says in English what the host reported
        // (its words stay in `raw`).
        let detail = cat(&["host error ", unknown_code.as_deref().unwrap_or(code.as_str())]);
        RoutedError { code, detail, order_id: raw.order_id.clone(), unknown_code, raw: raw.raw.clone(), cause: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sdk_code_round_trips_and_is_routed() {
        for (name, code) in SDK_CODES.iter().chain(OUR_CODES.iter()) {
            assert_eq!(ErrorCode::parse(name), *code);
            assert_eq!(code.as_str(), *name);
            let (ko, en) = code.messages();
            assert!(!ko.is_empty() && !en.is_empty());
        }
    }

    #[test]
    fn routing_reads_code_then_user_info_then_message() {
        let from_code = RawError { code: Some("USER_CANCELED".into()), ..Default::default() };
        assert_eq!(RoutedError::route(&from_code).code, ErrorCode::UserCanceled);
        let from_info = RawError { code: Some("E1".into()), user_info_code: Some("NETWORK_ERROR".into()), ..Default::default() };
        assert_eq!(RoutedError::route(&from_info).code, ErrorCode::NetworkError);
        let from_msg = RawError { message: Some("failed: PAYMENT_PENDING (x)".into()), ..Default::default() };
        assert_eq!(RoutedError::route(&from_msg).code, ErrorCode::PaymentPending);
        let unknown = RawError { code: Some("WEIRD".into()), ..Default::default() };
        assert_eq!(RoutedError::route(&unknown).code, ErrorCode::Unknown);
        assert_eq!(RoutedError::route(&unknown).code_str(), "WEIRD");
        assert_eq!(RoutedError::route(&RawError::default()).code.as_str(), "UNKNOWN");
    }

    /// The host's message is for its user (Korean on a real device): the detail is the developer's, in English.
    #[test]
    fn a_host_error_has_an_english_detail_whatever_its_message() {
        let canceled = RawError { code: Some("USER_CANCELED".into()), message: Some("사용자가 결제를 취소했어요.".into()), ..Default::default() };
        assert_eq!(RoutedError::route(&canceled).detail, "host error USER_CANCELED");
        let throttled = RawError { code: Some("TOO_MANY_REQUESTS".into()), message: Some("요청이 너무 많아요.".into()), ..Default::default() };
        assert_eq!(RoutedError::route(&throttled).detail, "host error TOO_MANY_REQUESTS");
        let in_message = RawError { message: Some("실패: NETWORK_ERROR".into()), ..Default::default() };
        assert_eq!(RoutedError::route(&in_message).detail, "host error NETWORK_ERROR");
        assert_eq!(RoutedError::route(&RawError::default()).detail, "host error UNKNOWN");
    }

    /// Every code with its routing: the module's (the SDK's, ours, "any other code"' last) or the JS's.
    fn rows() -> Vec<(String, Category, bool, Route, &'static str, &'static str)> {
        let unknown = ("any other code", ErrorCode::Unknown);
        let module = SDK_CODES.iter().chain(OUR_CODES.iter());
        let mut rows: Vec<_> = module.map(|(name, code)| (name.to_string(), code.category(), code.retryable(), code.route(), code.messages().0, code.messages().1)).collect();
        rows.extend(JS_CODES.iter().map(|&(name, category, ko, en)| (name.to_string(), category, category.retryable(), category.route(), ko, en)));
        let (ko, en) = unknown.1.messages();
        rows.push((unknown.0.to_string(), unknown.1.category(), unknown.1.retryable(), unknown.1.route(), ko, en));
        rows
    }

    /// The documented error table (docs/errors.md, and the Korean docs/ko/errors.md) is this module's routing,
    /// row for row, and the JS's codes.
    #[test]
    fn documented_error_table_is_current() {
        let mut table = String::from("| code | category | retryable | route | 한국어 | English |\n| --- | --- | --- | --- | --- | --- |\n");
        for (name, category, retryable, route, ko, en) in rows() {
            let name = if name.contains(' ') { name } else { ["`", &name, "`"].concat() };
            let retry = if retryable { "yes" } else { "no" };
            let row = [name.as_str(), category.as_str(), retry, route.as_str(), ko, en].join(" | ");
            table.push_str(&["| ", &row, " |\n"].concat());
        }
        for doc in [concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/errors.md"), concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/ko/errors.md")] {
            let text = std::fs::read_to_string(doc).unwrap();
            let current = text.split("<!-- errors -->\n").nth(1).and_then(|r| r.split("<!-- /errors -->").next());
            assert_eq!(current, Some(table.as_str()), "{doc}: the error table is out of date; it should be:\n{table}");
        }
    }

    /// js/error-codes.js is `JS_CODES` as the JS reads it: one export per code (an entry bundles only the codes
    /// it raises), `[code, category, retryable, route, ko, en]`, the order `aitError` (js/ait-error.js) reads.
    #[test]
    fn js_error_codes_are_current() {
        let mut js = String::from(
            "// Generated from JS_CODES in core/src/error.rs (its test js_error_codes_are_current prints this file when they\n\
             // differ): the codes the JS raises, routed as the module routes its own. `[code, category, retryable, route,\n\
             // Korean, English]`, as `aitError` (ait-error.js) reads them.\n",
        );
        for (name, category, retryable, route, ko, en) in rows().into_iter().filter(|row| JS_CODES.iter().any(|js| js.0 == row.0)) {
            let quoted = |s: &str| format!("{s:?}"); // a JS string literal too, for these texts
            let row = [quoted(&name), quoted(category.as_str()), retryable.to_string(), quoted(route.as_str()), quoted(ko), quoted(en)].join(", ");
            js.push_str(&["export const ", &name, " = [", &row, "];\n"].concat());
        }
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../js/error-codes.js");
        assert_eq!(std::fs::read_to_string(file).ok().as_deref(), Some(js.as_str()), "{file} is out of date; it should be:\n{js}");
    }

    /// An error is reported with its own raw error and no other: the raw value is compared by identity, and its
    /// contents never reach a debug print.
    #[test]
    fn a_routed_error_carries_its_own_raw_value_compared_by_identity() {
        let raw = Opaque(Rc::new(String::from("secret")));
        let twin = Opaque(Rc::new(String::from("secret")));
        let routed = RoutedError::route(&RawError { code: Some("USER_CANCELED".into()), raw: Some(raw.clone()), ..Default::default() });
        assert_eq!(routed.raw, Some(raw.clone()));
        assert_ne!(routed.raw, Some(twin), "an equal value from another error is not this error's");
        assert_eq!(format!("{raw:?}"), "Opaque");
    }

    #[test]
    fn defaults_are_sensible() {
        assert_eq!(ErrorCode::UserCanceled.route(), Route::None);
        assert!(ErrorCode::NetworkError.retryable());
        assert_eq!(ErrorCode::TossServerVerificationFailed.route(), Route::Support);
        assert_eq!(ErrorCode::AppTooOld.route(), Route::UpdateApp);
        assert!(!ErrorCode::ItemAlreadyOwned.retryable());
    }
}
