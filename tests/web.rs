//! The wasm boundary in headless Chromium (wasm-bindgen-test): typed errors, validation of SDK data,
//! the one-purchase-at-a-time rule, and safe rendering. The SDK stand-ins here are plain JS objects
//! shaped like the SDK; the real SDK runs against the host emulator in the e2e suite.
#![cfg(target_arch = "wasm32")]

use ait_iap::{create_iap, mount_product_list, IapClient, ProductList};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Evaluates a JS function body and returns its value.
fn js(body: &str) -> JsValue {
    Function::new_no_args(body).call0(&JsValue::NULL).unwrap_or(JsValue::UNDEFINED)
}

fn prop(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn text(v: &JsValue, key: &str) -> String {
    prop(v, key).as_string().unwrap_or_default()
}

fn with_host() {
    js("globalThis.ReactNativeWebView = { postMessage() {} }; globalThis.__CONSTANT_HANDLER_MAP = { getOperationalEnvironment: 'sandbox' };");
}

fn without_host() {
    js("delete globalThis.ReactNativeWebView; delete globalThis.__CONSTANT_HANDLER_MAP;");
}

/// An SDK-shaped object: getProductItemList resolves `list`; purchases are counted and never answered.
fn sdk(list: &str) -> JsValue {
    js(&format!(
        "const s = {{ calls: 0, getProductItemList: async () => ({list}), createOneTimePurchaseOrder() {{ s.calls++; return () => {{}}; }} }}; return s;"
    ))
}

fn options(sdk: &JsValue) -> JsValue {
    let o = js("return { grant: { url: '/api/grant' } };");
    Reflect::set(&o, &JsValue::from_str("sdk"), sdk).unwrap_or_default();
    o
}

#[wasm_bindgen_test]
fn invalid_options_throw_a_typed_error() {
    let err = create_iap(js("return {};")).err().unwrap_or(JsValue::UNDEFINED);
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(text(&err, "code"), "INVALID_ARGUMENT");
    assert_eq!(text(&err, "category"), "developer");
    assert!(!text(&prop(&err, "messages"), "ko").is_empty());
    let no_grant = create_iap(js("return { sdk: { getProductItemList() {}, createOneTimePurchaseOrder() {} } };"));
    assert_eq!(text(&no_grant.err().unwrap_or(JsValue::UNDEFINED), "code"), "INVALID_ARGUMENT");
}

/// Every option `createIap` is given wrong, in plain JS where no type stops it, throws INVALID_ARGUMENT shaped as
/// the module's other errors, whose English message names the option and the value.
#[wasm_bindgen_test]
fn every_invalid_option_names_itself_and_its_value() {
    let cases = [
        ("locale: 'kr'", r#"createIap: locale: "kr""#),
        ("locale: 'en-US'", r#"createIap: locale: "en-US""#),
        ("grant: { url: '/g', credentials: 'include-all' }", r#"createIap: grant.credentials: "include-all""#),
        ("grant: { url: '/g', headers: { Authorization: 42 } }", "createIap: grant.headers: <object>"),
        ("grant: { url: '/g', header: {} }", "createIap: grant.header: <object>: unknown option"),
        ("grant: { uri: '/g' }", "createIap: grant: <object>: grant must be"),
        ("grant: 42", "createIap: grant: 42: grant must be"),
        ("grant: undefined", "createIap: grant: undefined: grant must be"),
        ("routes: { transient: 'retry' }", r#"createIap: routes.transient: "retry": allowed: function"#),
        ("routes: { transiant() {} }", "createIap: routes.transiant: <function>: unknown option"),
        ("routes: 'transient'", r#"createIap: routes: "transient""#),
        ("storage: {}", "createIap: storage: <object>: allowed: { getItem, setItem }"),
        ("storage: { getItem() {} }", "createIap: storage: <object>"),
        ("storage: null", "createIap: storage: null"),
        ("storageKey: ''", r#"createIap: storageKey: """#),
        ("storageKey: 'k'.repeat(201)", "createIap: storageKey: \"kkk"),
        ("storageKey: 5", "createIap: storageKey: 5"),
        ("recoverOnStart: 'no'", r#"createIap: recoverOnStart: "no": allowed: boolean"#),
        ("grantDeadlineMs: 60000", "createIap: grantDeadlineMs: 60000: allowed: 100-28000 ms"),
        ("grantDeadlineMs: NaN", "createIap: grantDeadlineMs: NaN"),
        ("purchaseTimeoutMs: 99", "createIap: purchaseTimeoutMs: 99: allowed: 100-3600000 ms"),
        ("purchaseTimeoutMs: '5000'", r#"createIap: purchaseTimeoutMs: "5000""#),
        ("grnat: '/g'", r#"createIap: grnat: "/g": unknown option"#),
        ("grant: undefined, grnat: '/g'", r#"createIap: grnat: "/g": unknown option"#),
    ];
    let sdk = sdk("{ products: [] }");
    for (option, says) in cases {
        let given = js(&format!("return {{ grant: '/api/grant', {option} }};"));
        Reflect::set(&given, &JsValue::from_str("sdk"), &sdk).unwrap_or_default();
        assert_invalid_argument(&create_iap(given).err().unwrap_or(JsValue::UNDEFINED), option, says);
    }
    // What is allowed passes, in every form the docs give.
    for option in [
        "locale: 'en', recoverOnStart: false, grantDeadlineMs: 28000, purchaseTimeoutMs: 3600000",
        "grant: { url: '/g', headers: { Authorization: 'Bearer x' }, credentials: 'include' }, routes: { transient() {}, paid_unverified() {} }",
        "grant: () => true, storage: { getItem: async () => null, setItem: async () => {} }, storageKey: 'k'.repeat(200)",
        "locale: undefined, routes: undefined, storage: undefined, grantDeadlineMs: undefined",
    ] {
        let given = js(&format!("return {{ grant: '/api/grant', recoverOnStart: false, {option} }};"));
        Reflect::set(&given, &JsValue::from_str("sdk"), &sdk).unwrap_or_default();
        let made = create_iap(given).map_err(|e| text(&e, "message"));
        assert!(made.is_ok(), "{option}: {made:?}", made = made.as_ref().err());
        made.map(|client| client.dispose()).unwrap_or_default();
    }
}

/// An option given wrong is INVALID_ARGUMENT shaped as the module's other errors, its English message naming the
/// function, the option and the value (`says`).
fn assert_invalid_argument(err: &JsValue, option: &str, says: &str) {
    assert!(err.is_instance_of::<js_sys::Error>(), "{option}");
    assert_eq!(text(err, "name"), "AitIapError", "{option}");
    assert_eq!(text(err, "code"), "INVALID_ARGUMENT", "{option}");
    assert_eq!((text(err, "category"), prop(err, "retryable").as_bool(), text(err, "route")), ("developer".into(), Some(false), "none".into()), "{option}");
    assert_eq!(text(&prop(err, "messages"), "ko"), "잘못된 요청이에요.", "{option}");
    assert_eq!(text(&prop(err, "messages"), "en"), "Invalid request.", "{option}");
    let message = text(err, "message");
    assert!(message.starts_with(&format!("ait-iap: {says}")), "{option}: {message}");
    assert_eq!(message, format!("ait-iap: {}", text(err, "detail")), "{option}");
    assert!(message.is_ascii(), "{option}: the developer's message is English: {message}");
}

/// `mountProductList`'s options are checked as createIap's (one validator): a mistake throws INVALID_ARGUMENT naming
/// it and draws nothing; what the docs allow mounts.
#[wasm_bindgen_test]
fn every_invalid_list_option_names_itself_and_its_value() {
    without_host();
    let client = create_iap(options(&sdk("{ products: [] }"))).map_err(|_| ()).unwrap_or_else(|_| panic!("create"));
    let doc = web_sys::window().and_then(|w| w.document()).unwrap_or_else(|| panic!("document"));
    let container = || doc.create_element("div").unwrap_or_else(|_| panic!("div"));
    let cases = [
        ("locale: 'kr'", r#"mountProductList: locale: "kr": allowed: ko,en"#),
        ("locale: 'en-US'", r#"mountProductList: locale: "en-US""#),
        ("testBadge: 'yes'", r#"mountProductList: testBadge: "yes": allowed: boolean"#),
        ("testBadge: 1", "mountProductList: testBadge: 1: allowed: boolean"),
        ("products: {}", "mountProductList: products: <object>: allowed: an array or a promise"),
        ("products: null", "mountProductList: products: null: allowed: an array or a promise"),
        ("products: 'p1'", r#"mountProductList: products: "p1""#),
        ("product: []", "mountProductList: product: <object>: unknown option"),
        ("locale: 'en', testbadge: true", "mountProductList: testbadge: true: unknown option"),
    ];
    for (option, says) in cases {
        let drawn = container();
        let err = mount_product_list(drawn.clone(), &client, js(&format!("return {{ {option} }};"))).err().unwrap_or(JsValue::UNDEFINED);
        assert_invalid_argument(&err, option, says);
        assert_eq!((drawn.class_name(), drawn.child_element_count()), (String::new(), 0), "{option}: nothing drawn");
    }
    for option in ["", "locale: 'en', testBadge: false, products: []", "locale: 'ko', testBadge: true, products: Promise.resolve({ products: [] })", "locale: undefined, testBadge: undefined, products: undefined"] {
        let made = mount_product_list(container(), &client, js(&format!("return {{ {option} }};"))).map_err(|e| text(&e, "message"));
        assert!(made.is_ok(), "{option}: {made:?}", made = made.as_ref().err());
        made.map(|list| list.destroy()).unwrap_or_default();
    }
    for none in [JsValue::UNDEFINED, JsValue::NULL] {
        mount_product_list(container(), &client, none).map(|list| list.destroy()).unwrap_or_else(|_| panic!("no options"));
    }
    client.dispose();
}

#[wasm_bindgen_test]
async fn old_app_without_product_list_is_a_typed_error() {
    with_host();
    let client = create_iap(options(&sdk("undefined"))).map_err(|_| ()).unwrap_or_else(|_| panic!("create"));
    let err = JsFuture::from(client.products()).await.err().unwrap_or(JsValue::UNDEFINED);
    assert_eq!(text(&err, "code"), "APP_TOO_OLD");
    assert_eq!(text(&err, "route"), "update_app");
}

#[wasm_bindgen_test]
async fn malformed_products_are_dropped_and_good_ones_kept() {
    with_host();
    let list = r#"{ products: [
        { sku: 'a', type: 'CONSUMABLE', displayName: '<img src=x onerror=alert(1)>', displayAmount: '1,000원' },
        { sku: 7, type: 'CONSUMABLE', displayName: 'n', displayAmount: '1' },
        { sku: 'b', type: 'GIFT', displayName: 'n', displayAmount: '1' },
        null,
        { sku: 'c', type: 'SUBSCRIPTION', displayName: 'x'.repeat(100000), displayAmount: '1' },
        { sku: 'd', type: 'NON_CONSUMABLE', displayName: 'ok', displayAmount: '2,000원', iconUrl: null },
        { sku: 'e', type: 'CONSUMABLE', displayName: ' \n ', displayAmount: '1' },
        { sku: 'f', type: 'CONSUMABLE', displayName: 5, displayAmount: '1' },
        { sku: 'g', type: 'CONSUMABLE', displayName: 'g', displayAmount: '1', description: {} },
        { sku: 'h', type: 'CONSUMABLE', displayName: 'h', displayAmount: '1', description: '  ', iconUrl: '' },
        { sku: 'i\u0000j', type: 'CONSUMABLE', displayName: 'i', displayAmount: '1' },
        { sku: 'j', type: 'CONSUMABLE', displayName: 'j', displayAmount: '1', iconUrl: 9 },
        { sku: 'k', type: 'SUBSCRIPTION', displayName: 'k', displayAmount: '1', renewalCycle: 'MONTHLY',
          iconUrl: 'https://static.toss.im/k.png', offers: [{ type: 'FREE_TRIAL', offerId: 't', period: 'P7D' }] },
    ] }"#;
    let client = create_iap(options(&sdk(list))).unwrap_or_else(|_| panic!("create"));
    let products = JsFuture::from(client.products()).await.unwrap_or(JsValue::UNDEFINED);
    let arr = js_sys::Array::from(&products);
    // Dropped: a number sku, an unknown type, null, a 100 000-character name, a blank name, a number name, an
    // object description, a sku holding a NUL (the ids' separator when read), a number icon URL. Kept: a blank
    // description (optional), and the items after them whole.
    assert_eq!(arr.length(), 4);
    assert_eq!(text(&arr.get(0), "displayName"), "<img src=x onerror=alert(1)>");
    assert_eq!(text(&arr.get(1), "type"), "NON_CONSUMABLE");
    assert_eq!(text(&arr.get(2), "sku"), "h");
    let k = arr.get(3);
    assert_eq!([text(&k, "sku"), text(&k, "renewalCycle"), text(&k, "iconUrl"), text(&k, "displayName")], ["k", "MONTHLY", "https://static.toss.im/k.png", "k"]);
    assert_eq!(text(&js_sys::Array::from(&prop(&k, "offers")).get(0), "offerId"), "t");
}

/// An item whose getter throws while the list is read is a typed error, not an exception through the engine.
#[wasm_bindgen_test]
async fn an_item_whose_getter_throws_is_a_typed_error() {
    with_host();
    let list = r#"{ products: [{ type: 'CONSUMABLE', displayName: 'n', displayAmount: '1', get sku() { throw new Error('boom'); } }] }"#;
    let client = create_iap(options(&sdk(list))).unwrap_or_else(|_| panic!("create"));
    let err = JsFuture::from(client.products()).await.err().unwrap_or(JsValue::UNDEFINED);
    assert_eq!(text(&err, "code"), "INVALID_PRODUCT_DATA");
    let again = JsFuture::from(client.products()).await.err().unwrap_or(JsValue::UNDEFINED);
    assert_eq!(text(&again, "code"), "INVALID_PRODUCT_DATA", "the engine still answers");
}

#[wasm_bindgen_test]
async fn second_purchase_in_flight_is_refused_without_an_sdk_call() {
    with_host();
    let s = sdk("{ products: [] }");
    let client = create_iap(options(&s)).unwrap_or_else(|_| panic!("create"));
    let _first: Promise = client.purchase(JsValue::from_str("a"), JsValue::UNDEFINED);
    let second = JsFuture::from(client.purchase(JsValue::from_str("a"), JsValue::UNDEFINED)).await.unwrap_or(JsValue::UNDEFINED);
    assert_eq!(text(&second, "status"), "failed");
    assert_eq!(text(&prop(&second, "error"), "code"), "PURCHASE_IN_FLIGHT");
    assert_eq!(prop(&s, "calls").as_f64(), Some(1.0));
    assert_eq!(text(&client.state(), "phase"), "requesting");
    client.dispose();
    assert_eq!(text(&client.state(), "phase"), "failed");
}

#[wasm_bindgen_test]
async fn no_host_is_reported_never_hangs() {
    without_host();
    let client = create_iap(options(&sdk("{ products: [] }"))).unwrap_or_else(|_| panic!("create"));
    let err = JsFuture::from(client.products()).await.err().unwrap_or(JsValue::UNDEFINED);
    assert_eq!(text(&err, "code"), "NO_HOST");
    let outcome = JsFuture::from(client.purchase(JsValue::from_str("a"), JsValue::UNDEFINED)).await.unwrap_or(JsValue::UNDEFINED);
    assert_eq!(text(&prop(&outcome, "error"), "code"), "NO_HOST");
}

#[wasm_bindgen_test]
async fn product_text_is_rendered_as_text() {
    with_host();
    let list = r#"{ products: [{ sku: 'a"><script>', type: 'CONSUMABLE', displayName: '<img src=x onerror="window.pwned=1">', displayAmount: '<b>1</b>' }] }"#;
    let client = create_iap(options(&sdk(list))).unwrap_or_else(|_| panic!("create"));
    let (container, _list) = mounted_list(&client, ".ait-iap-row .ait-iap-name").await;
    let name = container.query_selector(".ait-iap-name").ok().flatten().and_then(|n| n.text_content());
    assert_eq!(name.as_deref(), Some("<img src=x onerror=\"window.pwned=1\">"));
    assert!(container.query_selector("img:not(.ait-iap-icon), script, b").ok().flatten().is_none());
    assert!(js("return window.pwned").is_undefined());
}

/// An SDK-shaped object whose purchase calls back with `script` (a JS body using p = params).
fn scripted_sdk(script: &str) -> JsValue {
    js(&format!(
        "const s = {{ cleanups: 0, grants: [], getProductItemList: async () => ({{ products: [] }}), createOneTimePurchaseOrder(p) {{ setTimeout(async () => {{ {script} }}, 0); return () => {{ s.cleanups++; }}; }} }}; return s;"
    ))
}

#[wasm_bindgen_test]
async fn malformed_errors_and_events_become_typed_outcomes() {
    with_host();
    for (script, code) in [
        ("p.onError('boom')", "UNKNOWN"),
        ("p.onError(null)", "UNKNOWN"),
        ("p.onError(42)", "UNKNOWN"),
        ("p.onError({ message: 'x'.repeat(100000) + 'USER_CANCELED' })", "UNKNOWN"),
        ("p.onError({ userInfo: { code: 'ITEM_ALREADY_OWNED' } })", "ITEM_ALREADY_OWNED"),
        ("s.grants.push(await p.options.processProductGrant({ orderId: 42 })); p.onError({ code: 'INTERNAL_ERROR' })", "INTERNAL_ERROR"),
    ] {
        let s = scripted_sdk(script);
        let client = create_iap(options(&s)).unwrap_or_else(|_| panic!("create"));
        let outcome = JsFuture::from(client.purchase(JsValue::from_str("a"), JsValue::UNDEFINED)).await.unwrap_or(JsValue::UNDEFINED);
        assert_eq!(text(&outcome, "status"), "failed", "{script}");
        assert_eq!(text(&prop(&outcome, "error"), "code"), code, "{script}");
        assert_eq!(prop(&s, "cleanups").as_f64(), Some(1.0), "the SDK cleanup ran: {script}");
        client.dispose();
    }
    // A processProductGrant without a usable orderId (none, or one the hand-off contract refuses: it travels in a
    // header) is answered false, never thrown into the SDK.
    for arg in ["{}", "{ orderId: 'ord 1' }", "{ orderId: '주문-1' }", "{ orderId: 'o'.repeat(201) }"] {
        let s = scripted_sdk(&format!("s.grants.push(await p.options.processProductGrant({arg})); p.onError({{ code: 'NETWORK_ERROR' }})"));
        let client = create_iap(options(&s)).unwrap_or_else(|_| panic!("create"));
        let _ = JsFuture::from(client.purchase(JsValue::from_str("a"), JsValue::UNDEFINED)).await;
        assert_eq!(js_sys::Array::from(&prop(&s, "grants")).get(0).as_bool(), Some(false), "{arg}");
        assert_eq!(client.outbox().length(), 0, "{arg}");
        client.dispose();
    }
}

#[wasm_bindgen_test]
async fn only_orders_the_hand_off_contract_accepts_are_handed_off_and_unclaimable_skus_as_no_claim() {
    with_host();
    // Stored entries and the host's pending orders, some with orderIds the contract refuses (they travel in a
    // header): those are dropped; a sku the server could refuse is sent as "" (Toss's own sku is granted).
    let o = js(r#"
        const sdk = {
          getProductItemList: async () => ({ products: [] }),
          createOneTimePurchaseOrder: () => () => {},
          getPendingOrders: async () => ({ orders: [{ orderId: 'pending 1', sku: 'a' }, { orderId: 'p-2', sku: 'gem\n100' }, { orderId: 'p-3', sku: '보석 100' }] }),
          completeProductGrant: async () => true,
        };
        const stored = [{ orderId: '주문-1', sku: 'a' }, { orderId: 'o-1', sku: 'b' }, { orderId: 'o\t2', sku: 'c' }, { orderId: 'o'.repeat(201), sku: 'd' }];
        const storage = { getItem: () => JSON.stringify(stored), setItem() {} };
        const calls = [];
        const grant = (r) => { calls.push(r.orderId + '=' + r.sku); return true; };
        return { options: { sdk, storage, grant, recoverOnStart: false }, calls };"#);
    let client = create_iap(prop(&o, "options")).unwrap_or_else(|_| panic!("create"));
    let report = JsFuture::from(client.recover_pending_orders()).await.unwrap_or(JsValue::UNDEFINED);
    let strings = |v: JsValue| js_sys::Array::from(&v).iter().filter_map(|s| s.as_string()).collect::<Vec<_>>();
    assert_eq!(strings(prop(&o, "calls")), ["o-1=b", "p-2=", "p-3=보석 100"]);
    assert_eq!(strings(prop(&report, "granted")), ["o-1", "p-2", "p-3"]);
    client.dispose();
}

#[wasm_bindgen_test]
async fn dispose_calls_the_sdk_cleanup_and_settles_the_purchase() {
    with_host();
    let s = scripted_sdk("");
    let client = create_iap(options(&s)).unwrap_or_else(|_| panic!("create"));
    let pending = client.purchase(JsValue::from_str("a"), JsValue::UNDEFINED);
    client.dispose();
    let outcome = JsFuture::from(pending).await.unwrap_or(JsValue::UNDEFINED);
    assert_eq!(text(&prop(&outcome, "error"), "code"), "DISPOSED");
    assert_eq!(prop(&s, "cleanups").as_f64(), Some(1.0));
    let after = JsFuture::from(client.purchase(JsValue::from_str("a"), JsValue::UNDEFINED)).await.unwrap_or(JsValue::UNDEFINED);
    assert_eq!(text(&prop(&after, "error"), "code"), "DISPOSED");
}

/// The client keeps one timer, for the machine's next deadline: once it fired, the next deadline gets a timer of its
/// own. A host that never answers ends every purchase with TIMEOUT at `purchaseTimeoutMs`, not only the first one.
#[wasm_bindgen_test]
async fn a_silent_host_times_out_every_purchase_not_only_the_first() {
    with_host();
    let s = sdk("{ products: [] }");
    let o = options(&s);
    Reflect::set(&o, &JsValue::from_str("purchaseTimeoutMs"), &JsValue::from(100)).unwrap_or_default();
    Reflect::set(&o, &JsValue::from_str("recoverOnStart"), &JsValue::FALSE).unwrap_or_default();
    let client = create_iap(o).unwrap_or_else(|_| panic!("create"));
    for i in 0..3 {
        // Raced against a 5 s wait (50 times the deadline), so that a purchase left unanswered fails here.
        let unanswered: Promise = js("return new Promise((r) => setTimeout(() => r('unanswered'), 5000));").unchecked_into();
        let raced = Promise::race(&[client.purchase(JsValue::from_str("a"), JsValue::UNDEFINED), unanswered].into_iter().collect::<js_sys::Array>());
        let outcome = JsFuture::from(raced).await.unwrap_or(JsValue::UNDEFINED);
        assert_ne!(outcome.as_string().as_deref(), Some("unanswered"), "purchase {i} was never answered: no timer for its deadline");
        assert_eq!(text(&prop(&outcome, "error"), "code"), "TIMEOUT", "purchase {i}");
    }
    assert_eq!(prop(&s, "calls").as_f64(), Some(3.0));
    client.dispose();
}

/// The host's words are for its user (Korean on a real device): the error's `detail` is the developer's, in English,
/// and its `message` the user's, in the client's locale.
#[wasm_bindgen_test]
async fn a_host_error_says_its_detail_in_english_and_its_message_in_the_locale() {
    with_host();
    for (locale, message) in [("ko", "결제를 취소했어요."), ("en", "You canceled the payment.")] {
        let s = scripted_sdk("p.onError({ code: 'USER_CANCELED', message: '사용자가 결제를 취소했어요.' })");
        let o = options(&s);
        Reflect::set(&o, &JsValue::from_str("locale"), &JsValue::from_str(locale)).unwrap_or_default();
        let client = create_iap(o).unwrap_or_else(|_| panic!("create"));
        let outcome = JsFuture::from(client.purchase(JsValue::from_str("a"), JsValue::UNDEFINED)).await.unwrap_or(JsValue::UNDEFINED);
        let error = prop(&outcome, "error");
        assert_eq!(text(&error, "code"), "USER_CANCELED");
        assert_eq!(text(&error, "detail"), "host error USER_CANCELED");
        assert_eq!(text(&error, "message"), message);
        assert_eq!(text(&prop(&error, "raw"), "message"), "사용자가 결제를 취소했어요.", "the host's own words stay in raw");
        client.dispose();
    }
}

/// An SDK whose `method` resolves `answer` (a JS expression), for the history and subscription shapes.
fn answering_sdk(method: &str, answer: &str) -> JsValue {
    js(&format!(
        "return {{ getProductItemList: async () => ({{ products: [] }}), createOneTimePurchaseOrder: () => () => {{}}, {method}: async () => ({answer}) }};"
    ))
}

/// A real device answers `getSubscriptionInfo` with `{}` for an order without a subscription: `null`, not a
/// product-data error. A subscription that is there but malformed still is one.
#[wasm_bindgen_test]
async fn no_subscription_is_null_and_a_malformed_one_still_an_error() {
    with_host();
    for answer in ["{}", "{ subscription: undefined }", "{ subscription: null }"] {
        let client = create_iap(options(&answering_sdk("getSubscriptionInfo", answer))).unwrap_or_else(|_| panic!("create"));
        let info = JsFuture::from(client.subscription_info(JsValue::from_str("order-1"))).await;
        assert!(info.as_ref().is_ok_and(JsValue::is_null), "{answer}: {:?}", info.map_err(|e| text(&e, "code")));
        client.dispose();
    }
    let active = "{ subscription: { catalogId: 1, status: 'ACTIVE', expiresAt: '2030-01-01T00:00:00', isAutoRenew: true, gracePeriodExpiresAt: null, isAccessible: true } }";
    for (answer, status, code) in [(active, "ACTIVE", ""), ("{ subscription: { status: 'WEIRD', isAccessible: true } }", "", "INVALID_PRODUCT_DATA"), ("undefined", "", "APP_TOO_OLD")] {
        let client = create_iap(options(&answering_sdk("getSubscriptionInfo", answer))).unwrap_or_else(|_| panic!("create"));
        let info = JsFuture::from(client.subscription_info(JsValue::from_str("order-1"))).await;
        assert_eq!(info.as_ref().map(|i| text(i, "status")).unwrap_or_default(), status, "{answer}");
        assert_eq!(info.as_ref().err().map(|e| text(e, "code")).unwrap_or_default(), code, "{answer}");
        client.dispose();
    }
}

/// A real device can answer `hasNext: true` without a `nextKey`: the history ends at that page (its orders are
/// kept) and the developer is told why, once.
#[wasm_bindgen_test]
async fn history_with_has_next_but_no_next_key_ends_with_one_warning() {
    with_host();
    js("globalThis.warnings = []; globalThis.realWarn ??= console.warn; console.warn = (w) => warnings.push(String(w));");
    let order = "{ orderId: 'o-1', sku: 'a', status: 'COMPLETED', date: '2026-01-01T00:00:00' }";
    for _ in 0..2 {
        let page = format!("{{ orders: [{order}], hasNext: true }}");
        let client = create_iap(options(&answering_sdk("getCompletedOrRefundedOrders", &page))).unwrap_or_else(|_| panic!("create"));
        let page = JsFuture::from(client.history_page(JsValue::UNDEFINED)).await.unwrap_or(JsValue::UNDEFINED);
        assert!(prop(&page, "nextKey").is_null());
        assert_eq!(text(&js_sys::Array::from(&prop(&page, "orders")).get(0), "orderId"), "o-1");
        client.dispose();
    }
    // A page that says it is the last, or gives its next key, is no cause for a warning.
    for page in [format!("{{ orders: [{order}], hasNext: false }}"), format!("{{ orders: [], hasNext: true, nextKey: '10' }}")] {
        let client = create_iap(options(&answering_sdk("getCompletedOrRefundedOrders", &page))).unwrap_or_else(|_| panic!("create"));
        let _ = JsFuture::from(client.history_page(JsValue::UNDEFINED)).await;
        client.dispose();
    }
    let warnings = js("console.warn = realWarn; return warnings;");
    let warnings: Vec<String> = js_sys::Array::from(&warnings).iter().filter_map(|w| w.as_string()).collect();
    assert_eq!(warnings, ["ait-iap: getCompletedOrRefundedOrders: hasNext without a usable nextKey: the order history ends here"]);
}

/// Issue 27: a long session's wasm memory stays flat. One list, purchases one after another through its buy buttons
/// (6 of 7 granted, 1 of 7 for a sku the host does not know): after 1,500 more purchases the linear memory is what it
/// was after the first 300. Each granted order was a record kept for good before (the engine's confirmed orderIds,
/// the outbox store's known ids, the list's owned skus: ~125 bytes a purchase).
#[wasm_bindgen_test]
async fn a_long_session_keeps_the_wasm_memory_flat() {
    with_host();
    let o = js(r#"
        let n = 0;
        const item = (sku) => ({ sku, type: 'CONSUMABLE', displayName: sku, displayAmount: '1,000원', iconUrl: '', description: sku });
        const sdk = {
          getProductItemList: async () => ({ products: [item('a'), item('b'), item('unknown')] }),
          createOneTimePurchaseOrder(p) {
            queueMicrotask(async () => {
              if (p.options.sku === 'unknown') return p.onError({ code: 'INVALID_PRODUCT_ID' });
              const orderId = 'order-' + String(++n).padStart(8, '0');
              if (await p.options.processProductGrant({ orderId })) p.onEvent({ type: 'success', data: { orderId } });
              else p.onError({ code: 'PRODUCT_NOT_GRANTED_BY_PARTNER' });
            });
            return () => {};
          },
        };
        const stored = new Map();
        const storage = { getItem: (k) => stored.get(k) ?? null, setItem: (k, v) => void stored.set(k, v) };
        const ended = ['completed', 'canceled', 'pending', 'failed'];
        const run = async (client, container, from) => {
          const phases = {};
          for (let i = from; i < from + 300; i++) {
            const sku = i % 7 === 6 ? 'unknown' : i % 2 ? 'b' : 'a';
            const phase = await new Promise((resolve) => {
              const off = client.subscribe((s) => ended.includes(s.phase) && (off(), resolve(s.phase)));
              container.querySelector(`button.ait-iap-buy[data-sku="${sku}"]`).click();
            });
            phases[phase] = (phases[phase] ?? 0) + 1;
          }
          return phases;
        };
        // grantDeadlineMs: each hand-off attempt's timer (a closure until it fires) runs out within the rests below.
        return { options: { sdk, storage, grant: () => true, recoverOnStart: false, grantDeadlineMs: 1000 }, run };"#);
    let client = create_iap(prop(&o, "options")).unwrap_or_else(|_| panic!("create"));
    let (container, _list) = mounted_list(&client, "button.ait-iap-buy[data-sku=unknown]").await;
    let client = JsValue::from(client);
    let run: Function = prop(&o, "run").unchecked_into();
    let memory = || prop(&prop(&wasm_bindgen::memory(), "buffer"), "byteLength").as_f64().unwrap_or(0.0);
    let mut after = Vec::new();
    for round in 0..6 {
        let from = JsValue::from(round * 300);
        let promise: Promise = run.call3(&JsValue::NULL, &client, &container, &from).map(|p| p.unchecked_into()).unwrap_or_else(|_| panic!("run"));
        let phases = JsFuture::from(promise).await.unwrap_or_else(|e| panic!("round {round}: {e:?}"));
        let unknown = (round * 300..round * 300 + 300).filter(|i| i % 7 == 6).count() as f64;
        assert_eq!((prop(&phases, "completed").as_f64(), prop(&phases, "failed").as_f64()), (Some(300.0 - unknown), Some(unknown)), "round {round}");
        sleep(2_100).await; // the storage writes' 2 s bounds and the attempts' 1 s (timers holding a closure each) ran out
        after.push(memory());
    }
    assert!(after.iter().all(|m| *m == after[0]), "wasm memory after each round of 300 purchases: {after:?}");
}

/// A list of `client` mounted in a new container in the page, once `selector` matches in it (or after 0.5 s).
async fn mounted_list(client: &IapClient, selector: &str) -> (web_sys::Element, ProductList) {
    let doc = web_sys::window().and_then(|w| w.document()).unwrap_or_else(|| panic!("document"));
    let container = doc.create_element("div").unwrap_or_else(|_| panic!("div"));
    doc.body().map(|b| b.append_child(&container));
    let list = mount_product_list(container.clone(), client, JsValue::UNDEFINED).unwrap_or_else(|_| panic!("mount"));
    for _ in 0..50 {
        if container.query_selector(selector).ok().flatten().is_some() {
            break;
        }
        sleep(10).await;
    }
    (container, list)
}

async fn sleep(ms: i32) {
    JsFuture::from(Promise::new(&mut |r, _| {
        let _ = web_sys::window().map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(&r, ms));
    }))
    .await
    .unwrap_or_default();
}
