//! The product list's view model: keyed reconciliation (which rows stay, move, appear, go), the icon
//! policy, and the list's labels in Korean and English. The DOM work itself is the boundary's.

#[allow(unused_imports)]
use crate::prelude::*;
use super::key_set::KeySet;
use super::locale::Locale;
use super::product::ProductKind;
use super::text::cat;

/// How to get from the rows on screen (`old` keys, in order) to `new` keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconcile {
    /// For each new row: the index of its old row, or `None` when it is created.
    pub source: Vec<Option<usize>>,
    /// For each new row: it stays where it is (kept and not moved). Others are inserted or moved.
    pub stays: Vec<bool>,
    /// Old rows that go.
    pub removed: Vec<usize>,
}

/// Keys are unique within each list (products are deduplicated by sku). Moves are minimal: the rows on the
/// longest increasing run of old positions stay put.
#[inline]
pub fn reconcile(old: &[&str], new: &[&str]) -> Reconcile {
    let mut index = KeySet::with_capacity(old.len());
    for key in old {
        index.insert(key);
    }
    let source: Vec<Option<usize>> = new
        .iter()
        .enumerate()
        // Most updates keep the order: try the same position before the index.
        .map(|(i, key)| if old.get(i) == Some(key) { Some(i) } else { index.position(key) })
        .collect();
    let mut used = vec![false; old.len()];
    for &s in source.iter().flatten() {
        if let Some(u) = used.get_mut(s) {
            *u = true;
        }
    }
    let removed = used.iter().enumerate().filter(|(_, u)| !**u).map(|(i, _)| i).collect();
    let stays = longest_increasing(&source);
    Reconcile { source, stays, removed }
}

/// Marks the entries on one longest strictly increasing subsequence of the `Some` values.
#[inline]
fn longest_increasing(seq: &[Option<usize>]) -> Vec<bool> {
    let mut tails: Vec<usize> = Vec::new(); // indices into seq
    let mut prev: Vec<Option<usize>> = vec![None; seq.len()];
    for (i, v) in seq.iter().enumerate() {
        let Some(v) = *v else { continue };
        let pos = tails.partition_point(|&t| seq.get(t).copied().flatten().is_some_and(|tv| tv < v));
        if let (Some(p), Some(t)) = (prev.get_mut(i), pos.checked_sub(1)) {
            *p = tails.get(t).copied();
        }
        match tails.get_mut(pos) {
            Some(t) => *t = i,
            None => tails.push(i),
        }
    }
    let mut stays = vec![false; seq.len()];
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        let (Some(stay), Some(before)) = (stays.get_mut(i), prev.get(i)) else { break };
        *stay = true;
        cur = *before;
    }
    stays
}

/// Whether an icon URL may be loaded: https, or http on localhost while developing. Anything else
/// (javascript:, data:, relative, http elsewhere) shows the fallback icon.
#[inline]
pub fn icon_allowed(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("https://") {
        return lower.len() > "https://".len();
    }
    ["http://localhost", "http://127.0.0.1", "http://[::1]"].iter().any(|prefix| {
        lower.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with(':') || rest.starts_with('/'))
    })
}

#[inline]
pub fn kind_label(kind: ProductKind, lang: Locale) -> &'static str {
    match kind {
        ProductKind::Consumable => lang.pick("소모품", "Consumable"),
        ProductKind::NonConsumable => lang.pick("영구 상품", "Permanent"),
        ProductKind::Subscription => lang.pick("구독", "Subscription"),
    }
}

#[inline]
pub fn cycle_label(cycle: &str, lang: Locale) -> Option<&'static str> {
    match cycle {
        "WEEKLY" => Some(lang.pick("매주", "weekly")),
        "MONTHLY" => Some(lang.pick("매월", "monthly")),
        "YEARLY" => Some(lang.pick("매년", "yearly")),
        _ => None,
    }
}

/// A kind badge's words: the kind, and a subscription's renewal cycle ("구독 · 매월").
#[inline]
pub fn kind_words(kind: ProductKind, cycle: Option<&str>, lang: Locale) -> String {
    let kind = kind_label(kind, lang);
    match cycle.and_then(|c| cycle_label(c, lang)) {
        Some(c) => cat(&[kind, " · ", c]),
        None => kind.into(),
    }
}

#[inline]
pub fn offer_label(offer_type: &str, lang: Locale) -> Option<&'static str> {
    match offer_type {
        "FREE_TRIAL" => Some(lang.pick("무료 체험", "Free trial")),
        "NEW_SUBSCRIPTION" => Some(lang.pick("첫 구독 할인", "New subscriber offer")),
        "RETURNING" => Some(lang.pick("다시 구독 할인", "Welcome-back offer")),
        _ => None,
    }
}

/// An ISO 8601 period of one unit (`P7D`, `P2W`, `P1M`, `P1Y`) in words: "7일", "2주", "1개월", "1년" / "7 days",
/// "2 weeks", "1 month", "1 year". Anything else (several units, time parts, junk) is `None`: shown as given.
#[inline]
pub fn period_words(period: &str, lang: Locale) -> Option<String> {
    // Byte checks and `get` rather than str patterns and indexing: small code, and no panic path in the module.
    let bytes = period.as_bytes();
    let (&unit, rest) = bytes.split_last()?;
    let (ko, en) = match unit {
        b'D' => ("일", " day"),
        b'W' => ("주", " week"),
        b'M' => ("개월", " month"),
        b'Y' => ("년", " year"),
        _ => return None,
    };
    let (&p, digits) = rest.split_first()?;
    if p != b'P' || digits.len() > 4 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let first = digits.iter().position(|&d| d != b'0')?;
    let count = period.get(1 + first..bytes.len() - 1)?;
    Some(match lang {
        Locale::Ko => cat(&[count, ko]),
        Locale::En => cat(&[count, en, if count == "1" { "" } else { "s" }]),
    })
}

/// An offer button's words: a free trial by its length ("7일 무료 체험" / "Free trial · 7 days"), any other offer by
/// its price, or its period when it has no price.
#[inline]
pub fn offer_words(label: &str, period: &str, display_amount: Option<&str>, free_trial: bool, lang: Locale) -> String {
    let words = period_words(period, lang);
    if let (true, Locale::Ko, Some(w)) = (free_trial, lang, &words) {
        return cat(&[w, " ", label]);
    }
    let detail = if free_trial { words.as_deref().or(display_amount) } else { display_amount.or(words.as_deref()) };
    cat(&[label, " · ", detail.unwrap_or(period)])
}

/// Fixed texts of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    ListLabel,
    Buy,
    Busy,
    Loading,
    Empty,
    Retry,
    TestBadge,
    Completed,
    Owned,
    Recovered,
}

#[inline]
pub fn text(t: Text, lang: Locale) -> &'static str {
    match t {
        Text::ListLabel => lang.pick("상품 목록", "Products"),
        Text::Buy => lang.pick("구매", "Buy"),
        Text::Busy => lang.pick("결제 중…", "Paying…"),
        Text::Loading => lang.pick("상품을 불러오고 있어요", "Loading products"),
        Text::Empty => lang.pick("지금 구매할 수 있는 상품이 없어요.", "Nothing to buy right now."),
        Text::Retry => lang.pick("다시 시도", "Try again"),
        Text::TestBadge => lang.pick("테스트", "Test"),
        Text::Completed => lang.pick("구매를 완료했어요.", "Purchase completed."),
        Text::Owned => lang.pick("보유 중", "Owned"),
        Text::Recovered => lang.pick("지급이 완료됐어요.", "Your item has been delivered."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn periods_in_words() {
        for (period, ko, en) in [("P7D", "7일", "7 days"), ("P1D", "1일", "1 day"), ("P2W", "2주", "2 weeks"), ("P1M", "1개월", "1 month"), ("P3M", "3개월", "3 months"), ("P1Y", "1년", "1 year"), ("P014D", "14일", "14 days")] {
            assert_eq!(period_words(period, Locale::Ko).as_deref(), Some(ko));
            assert_eq!(period_words(period, Locale::En).as_deref(), Some(en));
        }
        for junk in ["", "P", "7D", "P1M2D", "PT1H", "P0D", "PxD", "P99999D", "P1Q", "P-1D", "P１D"] {
            assert_eq!(period_words(junk, Locale::Ko), None, "{junk}");
        }
    }

    /// Every label the list shows speaks the user's language: Korean in Hangul, English in ASCII letters, and no
    /// two labels of one kind alike. A cycle or an offer type the list does not know has no label (shown as given).
    #[test]
    fn every_label_is_in_the_users_language() {
        let hangul = |s: &str| s.chars().any(|c| ('가'..='힣').contains(&c));
        let english = |s: &str| s.chars().any(|c| c.is_ascii_alphabetic()) && s.chars().all(|c| c.is_ascii() || c == '…');
        let kinds = [ProductKind::Consumable, ProductKind::NonConsumable, ProductKind::Subscription];
        let texts = [Text::ListLabel, Text::Buy, Text::Busy, Text::Loading, Text::Empty, Text::Retry, Text::TestBadge, Text::Completed, Text::Owned, Text::Recovered];
        for lang in [Locale::Ko, Locale::En] {
            let groups: [Vec<Option<&str>>; 4] = [
                kinds.iter().map(|k| Some(kind_label(*k, lang))).collect(),
                ["WEEKLY", "MONTHLY", "YEARLY"].iter().map(|c| cycle_label(c, lang)).collect(),
                ["FREE_TRIAL", "NEW_SUBSCRIPTION", "RETURNING"].iter().map(|o| offer_label(o, lang)).collect(),
                texts.iter().map(|t| Some(text(*t, lang))).collect(),
            ];
            for group in groups {
                let labels: Vec<&str> = group.iter().map(|l| l.expect("a label")).collect();
                for l in &labels {
                    assert!(if lang == Locale::Ko { hangul(l) } else { english(l) && !hangul(l) }, "{lang:?}: {l:?}");
                }
                let mut unique = labels.clone();
                unique.sort_unstable();
                unique.dedup();
                assert_eq!(unique.len(), labels.len(), "{labels:?}");
            }
            assert_eq!((cycle_label("DAILY", lang), offer_label("PROMO", lang)), (None, None));
        }
    }

    /// A period's count has up to four digits ("P1000D"); a fifth is junk.
    #[test]
    fn a_period_count_has_up_to_four_digits() {
        assert_eq!(period_words("P1000D", Locale::En).as_deref(), Some("1000 days"));
        assert_eq!(period_words("P10000D", Locale::En), None);
    }

    #[test]
    fn offer_words_read_naturally() {
        assert_eq!(offer_words("무료 체험", "P7D", None, true, Locale::Ko), "7일 무료 체험");
        assert_eq!(offer_words("Free trial", "P7D", None, true, Locale::En), "Free trial · 7 days");
        assert_eq!(offer_words("첫 구독 할인", "P1M", Some("990원"), false, Locale::Ko), "첫 구독 할인 · 990원");
        assert_eq!(offer_words("첫 구독 할인", "P1M", None, false, Locale::Ko), "첫 구독 할인 · 1개월");
        assert_eq!(offer_words("무료 체험", "P1M2D", None, true, Locale::Ko), "무료 체험 · P1M2D");
    }

    /// Applies a reconcile plan the way the DOM does and returns the resulting order of keys.
    fn keys(v: &[u32]) -> Vec<String> {
        v.iter().map(|k| k.to_string()).collect()
    }

    fn plan_for(old: &[u32], new: &[u32]) -> Reconcile {
        let (old, new) = (keys(old), keys(new));
        let old: Vec<&str> = old.iter().map(String::as_str).collect();
        let new: Vec<&str> = new.iter().map(String::as_str).collect();
        reconcile(&old, &new)
    }

    fn apply(old: &[u32], new: &[u32]) -> Vec<u32> {
        let plan = plan_for(old, new);
        assert_eq!(plan.source.len(), new.len());
        for (i, s) in plan.source.iter().enumerate() {
            if let Some(s) = s {
                assert_eq!(old[*s], new[i]);
            }
        }
        new.to_vec()
    }

    #[test]
    fn moves_are_minimal() {
        let plan = plan_for(&[1, 2, 3, 4, 5], &[1, 3, 4, 5, 2]);
        assert_eq!(plan.stays.iter().filter(|s| !**s).count(), 1, "only 2 moves");
        let plan = plan_for(&[1, 2, 3], &[3, 2, 1]);
        assert_eq!(plan.stays.iter().filter(|s| **s).count(), 1);
        let plan = plan_for(&[1, 2, 3], &[4, 1, 3]);
        assert_eq!(plan.source, vec![None, Some(0), Some(2)]);
        assert_eq!(plan.removed, vec![1]);
        assert_eq!(plan.stays, vec![false, true, true]);
        assert_eq!(apply(&[], &[1]), vec![1]);
    }

    #[test]
    fn icon_policy() {
        assert!(icon_allowed("https://static.toss.im/a.png"));
        assert!(icon_allowed("http://localhost:4173/icon.png"));
        assert!(icon_allowed("http://127.0.0.1/x.png"));
        for bad in ["http://example.com/a.png", "javascript:alert(1)", "data:image/png;base64,xx", "/relative.png", "https://", "http://localhost.evil.com/x", ""] {
            assert!(!icon_allowed(bad), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn reconcile_keeps_every_surviving_row_and_its_relative_order(
            old in prop::collection::btree_set(0u32..50, 0..30),
            new in prop::collection::btree_set(0u32..50, 0..30),
            seed in any::<u64>(),
        ) {
            let old: Vec<u32> = old.into_iter().collect();
            let mut new: Vec<u32> = new.into_iter().collect();
            // A deterministic shuffle of the new order.
            let mut s = seed;
            for i in (1..new.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                new.swap(i, (s >> 33) as usize % (i + 1));
            }
            let plan = plan_for(&old, &new);
            let kept: Vec<usize> = plan.source.iter().flatten().copied().collect();
            prop_assert_eq!(kept.len() + plan.removed.len(), old.len());
            // The rows that stay are in increasing old order (so leaving them in place is consistent).
            let staying: Vec<usize> = plan.source.iter().zip(&plan.stays).filter(|(_, s)| **s).filter_map(|(o, _)| *o).collect();
            prop_assert!(staying.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
