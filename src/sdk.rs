//! The injected SDK `IAP` object and the host environment it talks to. Nothing here imports the SDK:
//! the app passes `IAP` in, so the module works with whatever SDK version the app ships.

use crate::core::error::{ErrorCode, RoutedError};
use crate::core::grant::Environment;
use crate::core::version::{HostInfo, Os};
use crate::js::{get, get_function, get_string, object};
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
            Some(name) => Err(RoutedError::new(ErrorCode::InvalidArgument, format!("sdk.{name} is not a function: pass the SDK's IAP object"))),
        }
    }

    fn call(&self, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
        let f = get_function(&self.iap, name).ok_or_else(|| JsValue::from_str(&format!("IAP.{name} missing")))?;
        let arr: js_sys::Array = args.iter().collect();
        f.apply(&self.iap, &arr)
    }

    /// `IAP.getProductItemList()` as a promise; a synchronous throw becomes a rejected promise.
    pub fn product_item_list(&self) -> Promise {
        match self.call("getProductItemList", &[]) {
            Ok(v) => Promise::resolve(&v),
            Err(e) => Promise::reject(&e),
        }
    }

    /// Opens the order sheet; returns the SDK's cleanup function when it gave one.
    pub fn create_one_time_purchase_order(
        &self,
        sku: &str,
        process_product_grant: &Function,
        on_event: &Function,
        on_error: &Function,
    ) -> Result<Option<Function>, JsValue> {
        let options = object(&[("sku", JsValue::from_str(sku)), ("processProductGrant", process_product_grant.into())]);
        let params = object(&[("options", options), ("onEvent", on_event.into()), ("onError", on_error.into())]);
        let cleanup = self.call("createOneTimePurchaseOrder", &[params])?;
        Ok(cleanup.dyn_into::<Function>().ok())
    }
}

/// Where this page runs, read from the host's constants (never through the SDK, which throws when absent).
/// Read at each use: a host (or the emulator's panel) may change them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Present(HostInfo),
    /// A plain browser: no `ReactNativeWebView`.
    Absent,
}

impl Host {
    pub fn environment(&self) -> Environment {
        match self {
            Host::Present(info) => info.environment,
            Host::Absent => Environment::Toss,
        }
    }
}

pub fn detect_host() -> Host {
    let global: JsValue = js_sys::global().into();
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
pub fn detect_environment() -> String {
    match detect_host() {
        Host::Present(info) => info.environment.as_str().to_owned(),
        Host::Absent => "none".to_owned(),
    }
}
