//! Products as `IAP.getProductItemList` returns them, validated into typed values.
//!
//! The host's data is outside data: every field is checked, and an item that fails is dropped with a
//! reason instead of failing the whole list.

#[allow(unused_imports)]
use crate::prelude::*;
use super::key_set::KeySet;
use super::limits;
use super::text::cat;

/// The text of a display field. The boundary keeps display texts as JS strings (no UTF-8 round trip on the
/// way to the DOM); natively they are `String`s.
pub trait FieldText {
    /// The length checked against `limits::FIELD` (UTF-8 bytes for `String`; UTF-16 units for a JS string,
    /// which bound the same way).
    fn size(&self) -> usize;
    fn is_blank(&self) -> bool;
}

impl FieldText for str {
    #[inline]
    fn size(&self) -> usize {
        self.len()
    }

    #[inline]
    fn is_blank(&self) -> bool {
        self.trim().is_empty()
    }
}

impl FieldText for String {
    #[inline]
    fn size(&self) -> usize {
        self.as_str().size()
    }

    #[inline]
    fn is_blank(&self) -> bool {
        self.as_str().is_blank()
    }
}

/// One item's fields as read from the SDK (the boundary reads them); every field optional so that a
/// missing one is reported per item. Identifiers, enums and the icon URL are borrowed Rust strings (the boundary
/// reads a whole list's into one string); display texts are `S`.
#[derive(Debug, Clone)]
pub struct RawProduct<'a, S = String> {
    pub sku: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub display_name: Option<S>,
    pub display_amount: Option<S>,
    pub icon_url: Option<&'a str>,
    pub description: Option<S>,
    pub renewal_cycle: Option<&'a str>,
    pub offers: Vec<RawOffer>,
}

impl<S> Default for RawProduct<'_, S> {
    #[inline]
    fn default() -> Self {
        RawProduct { sku: None, kind: None, display_name: None, display_amount: None, icon_url: None, description: None, renewal_cycle: None, offers: Vec::new() }
    }
}

/// One subscription offer's fields as read from the SDK.
#[derive(Debug, Clone, Default)]
pub struct RawOffer {
    pub offer_type: Option<String>,
    pub offer_id: Option<String>,
    pub period: Option<String>,
    pub display_amount: Option<String>,
}

/// A subscription offer: `FREE_TRIAL`, `NEW_SUBSCRIPTION` or `RETURNING`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub offer_type: String,
    pub offer_id: String,
    pub period: String,
    pub display_amount: Option<String>,
}

const OFFER_TYPES: [&str; 3] = ["FREE_TRIAL", "NEW_SUBSCRIPTION", "RETURNING"];

impl Offer {
    /// A valid offer, or `None` (an unknown type or a missing id drops the offer, not the product).
    #[inline]
    fn validate(raw: RawOffer) -> Option<Offer> {
        let offer_type = raw.offer_type.filter(|t| OFFER_TYPES.contains(&t.as_str()))?;
        let offer_id = raw.offer_id.filter(|id| !id.is_empty() && id.len() <= limits::FIELD)?;
        let period = raw.period.filter(|p| p.len() <= limits::FIELD).unwrap_or_default();
        let display_amount = raw.display_amount.filter(|a| a.len() <= limits::FIELD);
        Some(Offer { offer_type, offer_id, period, display_amount })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductKind {
    Consumable,
    NonConsumable,
    Subscription,
}

impl ProductKind {
    #[inline]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "CONSUMABLE" => Some(Self::Consumable),
            "NON_CONSUMABLE" => Some(Self::NonConsumable),
            "SUBSCRIPTION" => Some(Self::Subscription),
            _ => None,
        }
    }

    #[inline]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consumable => "CONSUMABLE",
            Self::NonConsumable => "NON_CONSUMABLE",
            Self::Subscription => "SUBSCRIPTION",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product<S = String> {
    pub sku: String,
    pub kind: ProductKind,
    pub display_name: S,
    pub display_amount: S,
    pub icon_url: Option<String>,
    pub description: Option<S>,
    pub renewal_cycle: Option<String>,
    pub offers: Vec<Offer>,
}

/// Why an item was dropped from the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductRejection {
    /// The sku when it was readable, for the report.
    pub sku: Option<String>,
    pub reason: String,
}

/// What is wrong with a field, if anything: missing (when required), too long, or blank (when required).
#[inline]
fn problem<S: FieldText + ?Sized>(field: &str, value: Option<&S>, required: bool) -> Option<String> {
    match value {
        None if required => Some(cat(&["missing ", field])),
        None => None,
        Some(v) if v.size() > limits::FIELD => Some(cat(&[field, " longer than 2048 bytes"])),
        Some(v) if required && v.is_blank() => Some(cat(&["empty ", field])),
        Some(_) => None,
    }
}

impl<S: FieldText> Product<S> {
    #[inline]
    pub fn validate(raw: RawProduct<'_, S>) -> Result<Product<S>, ProductRejection> {
        // Checked by reference first, then moved in one piece: one exit path for a bad item instead of one per
        // field (each dropping a different set of fields: KBs of drop glue in the wasm).
        let kind = raw.kind.and_then(ProductKind::parse);
        let wrong = problem("sku", raw.sku, true)
            .or_else(|| problem("type", raw.kind, true))
            .or_else(|| kind.is_none().then(|| cat(&["unknown type \"", raw.kind.unwrap_or_default(), "\""])))
            .or_else(|| problem("displayName", raw.display_name.as_ref(), true))
            .or_else(|| problem("displayAmount", raw.display_amount.as_ref(), true))
            .or_else(|| problem("iconUrl", raw.icon_url, false))
            .or_else(|| problem("description", raw.description.as_ref(), false))
            .or_else(|| problem("renewalCycle", raw.renewal_cycle, false));
        if let Some(reason) = wrong {
            return Err(ProductRejection { sku: raw.sku.filter(|s| s.len() <= limits::FIELD).map(str::to_owned), reason });
        }
        let (Some(sku), Some(kind), Some(display_name), Some(display_amount)) = (raw.sku, kind, raw.display_name, raw.display_amount) else {
            return Err(ProductRejection { sku: None, reason: "missing field".into() }); // ruled out by the checks
        };
        let icon_url = raw.icon_url.filter(|u| !u.is_empty()).map(str::to_owned);
        let offers = if kind == ProductKind::Subscription { raw.offers.into_iter().filter_map(Offer::validate).collect() } else { Vec::new() };
        let renewal_cycle = raw.renewal_cycle.map(str::to_owned);
        Ok(Product { sku: sku.to_owned(), kind, display_name, display_amount, icon_url, description: raw.description, renewal_cycle, offers })
    }
}

/// Validates a whole list: the good items in order, duplicates by sku dropped, and a rejection per bad item.
#[inline]
pub fn validate_list<S: FieldText>(raw: Vec<RawProduct<'_, S>>) -> (Vec<Product<S>>, Vec<ProductRejection>) {
    let mut valid: Vec<Product<S>> = Vec::with_capacity(raw.len());
    let mut rejected = Vec::new();
    for item in raw {
        match Product::validate(item) {
            Ok(p) => valid.push(p),
            Err(r) => rejected.push(r),
        }
    }
    // Keep the first of each sku.
    let keep: Vec<bool> = {
        let mut seen = KeySet::with_capacity(valid.len());
        valid.iter().map(|p| seen.insert(&p.sku)).collect()
    };
    for (p, _) in valid.iter().zip(&keep).filter(|(_, keep)| !**keep) {
        rejected.push(ProductRejection { sku: Some(p.sku.clone()), reason: "duplicate sku".into() });
    }
    // In place: a second list of 1000 products would raise the wasm memory's high-water mark for good.
    let mut keep = keep.into_iter();
    valid.retain(|_| keep.next().unwrap_or(false));
    (valid, rejected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(sku: &'a str, kind: &'a str, name: &str) -> RawProduct<'a> {
        RawProduct {
            sku: Some(sku),
            kind: Some(kind),
            display_name: Some(name.into()),
            display_amount: Some("1,000원".into()),
            ..Default::default()
        }
    }

    #[test]
    fn valid_item_is_typed() {
        let p = Product::validate(raw("a", "CONSUMABLE", "테스트 상품 - 1")).unwrap();
        assert_eq!(p.kind, ProductKind::Consumable);
        assert_eq!(p.display_name, "테스트 상품 - 1");
        assert_eq!(p.icon_url, None);
        assert_eq!(p.description, None);
    }

    #[test]
    fn subscription_offers_are_validated_one_by_one() {
        let mut r = raw("p", "SUBSCRIPTION", "pass");
        r.offers = vec![
            RawOffer { offer_type: Some("FREE_TRIAL".into()), offer_id: Some("t".into()), period: Some("P7D".into()), display_amount: None },
            RawOffer { offer_type: Some("BOGUS".into()), offer_id: Some("x".into()), ..Default::default() },
            RawOffer { offer_type: Some("RETURNING".into()), offer_id: None, ..Default::default() },
        ];
        let p = Product::validate(r).unwrap();
        assert_eq!(p.offers.len(), 1);
        assert_eq!(p.offers[0].offer_id, "t");
    }

    /// Each kind reads back from the name the SDK gives it; any other spelling is not a kind.
    #[test]
    fn every_kind_reads_back_from_its_name() {
        for kind in [ProductKind::Consumable, ProductKind::NonConsumable, ProductKind::Subscription] {
            assert_eq!(ProductKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ProductKind::parse("consumable"), None);
    }

    /// A field may be 2048 bytes long, not one more; a required one may not be blank; an empty icon URL is no icon.
    #[test]
    fn fields_are_bounded_required_ones_not_blank() {
        let (at_limit_sku, over_sku) = ("s".repeat(limits::FIELD), "s".repeat(limits::FIELD + 1));
        let mut at_limit = raw(&at_limit_sku, "NON_CONSUMABLE", "x");
        at_limit.icon_url = Some("https://a/i.png");
        let p = Product::validate(at_limit).expect("2048 bytes are allowed");
        assert_eq!((p.kind, p.icon_url.as_deref()), (ProductKind::NonConsumable, Some("https://a/i.png")));
        let over = Product::validate(raw(&over_sku, "CONSUMABLE", "x"));
        assert_eq!(over.map_err(|r| r.reason), Err("sku longer than 2048 bytes".into()));
        let blank = Product::validate(raw("a", "CONSUMABLE", " \n"));
        assert_eq!(blank.map_err(|r| r.reason), Err("empty displayName".into()));
        let mut no_icon = raw("a", "CONSUMABLE", "x");
        no_icon.icon_url = Some("");
        assert_eq!(Product::validate(no_icon).map(|p| p.icon_url), Ok(None));
    }

    /// An offer keeps its period and price (each dropped when over-long); an empty or over-long id drops the offer.
    #[test]
    fn an_offer_keeps_its_fields_within_bounds() {
        let long = "x".repeat(limits::FIELD + 1);
        let offer = |id: &str, period: &str, amount: &str| RawOffer {
            offer_type: Some("NEW_SUBSCRIPTION".into()),
            offer_id: Some(id.into()),
            period: Some(period.into()),
            display_amount: Some(amount.into()),
        };
        let mut r = raw("p", "SUBSCRIPTION", "pass");
        r.offers = vec![offer("n", "P1M", "990원"), offer("m", &long, &long), offer("", "P1M", "1원"), offer(&long, "P1M", "1원")];
        let offers = Product::validate(r).expect("valid").offers;
        assert_eq!(offers, [
            Offer { offer_type: "NEW_SUBSCRIPTION".into(), offer_id: "n".into(), period: "P1M".into(), display_amount: Some("990원".into()) },
            Offer { offer_type: "NEW_SUBSCRIPTION".into(), offer_id: "m".into(), period: String::new(), display_amount: None },
        ]);
    }

    #[test]
    fn bad_items_are_dropped_with_reasons_and_good_ones_kept() {
        let mut missing = raw("b", "CONSUMABLE", "x");
        missing.display_amount = None;
        let huge_sku = "s".repeat(10_000);
        let huge = raw(&huge_sku, "CONSUMABLE", "x");
        let list = vec![raw("a", "CONSUMABLE", "ok"), raw("c", "GIFT", "x"), missing, huge, raw("a", "CONSUMABLE", "dup")];
        let (ok, bad) = validate_list(list);
        assert_eq!(ok.len(), 1);
        assert_eq!(bad.len(), 4);
        assert!(bad[0].reason.contains("unknown type"));
        assert_eq!(bad[1].reason, "missing displayAmount");
        assert_eq!(bad[2].sku, None, "an over-long sku is not echoed into the report");
        assert_eq!(bad[3].reason, "duplicate sku");
    }

    /// Only the duplicates are reported, once each; the items kept are not (cargo-mutants).
    #[test]
    fn only_the_duplicates_are_reported() {
        let (ok, bad) = validate_list(vec![raw("a", "CONSUMABLE", "1"), raw("b", "CONSUMABLE", "2"), raw("a", "CONSUMABLE", "3")]);
        assert_eq!(ok.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(bad.iter().map(|r| (r.sku.as_deref(), r.reason.as_str())).collect::<Vec<_>>(), [(Some("a"), "duplicate sku")]);
    }
}
