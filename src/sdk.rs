//! The injected SDK `IAP` object and the host environment it talks to. Nothing here imports the SDK:
//! the app passes `IAP` in, so the module works with whatever SDK version the app ships.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use ait_iap_core::text::cat;
use ait_iap_core::error::{ErrorCode, RoutedError};
use ait_iap_core::grant::Environment;
use ait_iap_core::version::{HostInfo, Os};
use ait_iap_core::machine::PurchaseKind;
use crate::js::{get, get_function, get_string, object, set};
use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};

pub struct Sdk {
    iap: JsValue,
}

const REQUIRED: [&str; 2] = ["getProductItemList", "createOneTimePurchaseOrder"];

impl Sdk {
    /// Accepts the `IAP` object itself, or a module namespace that has one under `IAP`.
    pub fn from_js(value: &JsValue) -> Result<Sdk, RoutedError> {
        let iap = if get_function(value, "createOneTimePurchaseOrder").is_some() { value.clone() } else { get(value, "IAP") };
        match REQUIRED.iter().find(|name| get_function(&iap, name).is_none()) {
            None => Ok(Sdk { iap }),
            Some(name) => Err(RoutedError::new(
                ErrorCode::InvalidArgument,
                cat(&["createIap: sdk.", name, " is not a function (pass the SDK's IAP)"]),
            )),
        }
    }

    fn call(&self, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
        let Some(f) = get_function(&self.iap, name) else {
            warn_missing(name);
            return Err(JsValue::from_str(&cat(&["IAP.", name, " is missing"])));
        };
        let arr: js_sys::Array = args.iter().collect();
        f.apply(&self.iap, &arr)
    }

    pub fn has(&self, name: &str) -> bool {
        get_function(&self.iap, name).is_some()
    }

    /// `IAP[name](arg?)` as a promise; a missing method or a synchronous throw becomes a rejected promise.
    pub fn call_async(&self, name: &str, arg: Option<JsValue>) -> Promise {
        let args: Vec<JsValue> = arg.into_iter().collect();
        match self.call(name, &args) {
            Ok(v) => Promise::resolve(&v),
            Err(e) => Promise::reject(&e),
        }
    }

    /// Opens the order sheet (one-time, or subscription with an optional offer); returns the SDK's cleanup.
    pub fn create_purchase_order(
        &self,
        purchase: &StartPurchase<'_>,
        process_product_grant: &Function,
        on_event: &Function,
        on_error: &Function,
    ) -> Result<Option<Function>, JsValue> {
        let options = object(&[("sku", JsValue::from_str(purchase.sku)), ("processProductGrant", process_product_grant.into())]);
        let method = match purchase.kind {
            PurchaseKind::OneTime => "createOneTimePurchaseOrder",
            PurchaseKind::Subscription => {
                set(&options, "offerId", &purchase.offer_id.map(JsValue::from_str).unwrap_or(JsValue::NULL));
                "createSubscriptionPurchaseOrder"
            }
        };
        let params = object(&[("options", options), ("onEvent", on_event.into()), ("onError", on_error.into())]);
        let cleanup = self.call(method, &[params])?;
        Ok(cleanup.dyn_into::<Function>().ok())
    }
}

/// Tells the developer, once, that the app's SDK version lacks `name`.
pub fn warn_missing(name: &str) {
    crate::backend::warn_once(name, &cat(&["IAP.", name, " is missing: update the SDK package"]));
}

pub struct StartPurchase<'a> {
    pub sku: &'a str,
    pub offer_id: Option<&'a str>,
    pub kind: PurchaseKind,
}

pub use ait_iap_core::host::Host;

/// Where this page runs, read from the host's constants (never through the SDK, which throws when absent).
/// Read at each use: a host (or the emulator's panel) may change them.
pub fn detect_host() -> Host {
    let global = crate::js::global();
    if get(&global, "ReactNativeWebView").is_undefined() {
        return Host::Absent;
    }
    let constants = get(&global, "__CONSTANT_HANDLER_MAP");
    let env = get_string(&constants, "getOperationalEnvironment", 32);
    Host::Present(HostInfo {
        environment: env.as_deref().and_then(Environment::parse).unwrap_or(Environment::Toss),
        app_version: get_string(&constants, "getTossAppVersion", 32),
        os: if get_string(&constants, "getPlatformOS", 32).as_deref() == Some("ios") { Os::Ios } else { Os::Android },
    })
}

/// `detectEnvironment()`: `'toss'`, `'sandbox'` or `'none'` (a browser without the Toss host).
#[wasm_bindgen::prelude::wasm_bindgen(js_name = detectEnvironment)]
pub fn detect_environment() -> JsValue {
    JsValue::from_str(match detect_host() {
        Host::Present(info) => info.environment.as_str(),
        Host::Absent => "none",
    })
}
