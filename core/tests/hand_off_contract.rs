//! The hand-off contract between the client and ait-iap/server, written once in js/server/hand-off-contract.json
//! (the server's tests read it too): the core's limits, its orderId and sku rules, the largest body it sends and
//! its reading of every reply agree with the file.
#![cfg(not(target_arch = "wasm32"))]

use ait_iap_core::grant::{claimable_sku, request_body, valid_order_id, Environment, GrantReply};
use ait_iap_core::limits;
use serde_json::Value;

fn contract() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../js/server/hand-off-contract.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A vector as the string it stands for: a string, or `{"repeat": S, "times": N}`.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        _ => v["repeat"].as_str().expect("repeat: a string").repeat(v["times"].as_u64().expect("times: a number") as usize),
    }
}

/// `contract[field][list]`'s vectors, each with how the failure message shows it.
fn vectors(c: &Value, field: &str, list: &str) -> Vec<(String, String)> {
    let name = format!("{field}.{list}");
    let list = c[field][list].as_array().unwrap_or_else(|| panic!("{name}: a list"));
    assert!(!list.is_empty(), "{name} is empty");
    list.iter()
        .map(|v| {
            let s = text(v);
            let shown = if s.len() > 40 { format!("{} × {} bytes", v["repeat"], s.len()) } else { format!("{s:?}") };
            (s, shown)
        })
        .collect()
}

fn number(c: &Value, pointer: &str) -> u64 {
    c.pointer(pointer).and_then(Value::as_u64).unwrap_or_else(|| panic!("{pointer}: a number"))
}

#[test]
fn limits_are_the_cores() {
    let c = contract();
    assert_eq!(number(&c, "/orderId/maxBytes"), limits::ORDER_ID as u64, "orderId.maxBytes");
    assert_eq!(number(&c, "/sku/maxBytes"), limits::SKU as u64, "sku.maxBytes");
    assert_eq!(number(&c, "/reasonMaxBytes"), limits::REASON as u64, "reasonMaxBytes");
    let environments: Vec<&str> = c["environment"].as_array().expect("environment").iter().filter_map(Value::as_str).collect();
    assert_eq!(environments, [Environment::Toss.as_str(), Environment::Sandbox.as_str()]);
    assert!(environments.iter().all(|e| Environment::parse(e).is_some()));
}

#[test]
fn the_largest_body_the_client_sends_fits() {
    // The longest orderId and claimable sku, every character one that JSON escapes to two bytes.
    let (order_id, sku) = ("\"".repeat(limits::ORDER_ID), "\\".repeat(limits::SKU));
    assert!(valid_order_id(&order_id) && claimable_sku(&sku));
    let body = request_body(&order_id, &sku, Environment::Sandbox);
    assert!(body.len() as u64 <= number(&contract(), "/request/bodyMaxBytes"), "{} bytes", body.len());
}

/// Every vector of `field` the `rule` answers wrongly.
fn disagreements(field: &str, rule: fn(&str) -> bool) -> Vec<String> {
    let c = contract();
    let mut wrong = Vec::new();
    for (list, expected) in [("accepted", true), ("refused", false)] {
        for (s, shown) in vectors(&c, field, list) {
            if rule(&s) != expected {
                wrong.push(format!("{field}.{list}: {shown}"));
            }
        }
    }
    wrong
}

#[test]
fn order_ids_are_accepted_as_the_contract_says() {
    assert_eq!(disagreements("orderId", valid_order_id), Vec::<String>::new());
}

#[test]
fn skus_are_claimable_as_the_contract_says() {
    assert_eq!(disagreements("sku", claimable_sku), Vec::<String>::new());
    // A missing or empty sku is no claim: the client sends "" for any sku it cannot claim.
    assert!(!claimable_sku(""));
}

#[test]
fn every_reply_is_read_as_the_contract_says() {
    let c = contract();
    let replies = c["replies"].as_array().expect("replies");
    assert!(!replies.is_empty());
    let mut wrong = Vec::new();
    for row in replies {
        let status = u16::try_from(row["status"].as_u64().expect("status")).expect("an HTTP status");
        let body = &row["body"];
        let reply = GrantReply::from_http(status, body["granted"].as_bool(), body["reason"].as_str().map(String::from));
        let action = match reply {
            GrantReply::Granted => "granted",
            GrantReply::Refused { .. } => "refused",
            GrantReply::Unreachable { .. } => "retry",
        };
        if row["client"].as_str() != Some(action) {
            wrong.push(format!("{}: {status} {body} → {action}, the contract says {}", row["case"], row["client"]));
        }
    }
    assert_eq!(wrong, Vec::<String>::new());
}
