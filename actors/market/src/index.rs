//! The per-token price index the matcher reads: every offer of a token as an [`IndexEntry`],
//! in ascending (price, offer id) order, stored in pages.
//!
//! A token's index is a directory ([`TokenIndex`]) of page references, each naming the first
//! key of its page; a page holds at most [`PAGE`] entries and, whenever the index has more than
//! one page, at least [`PAGE`] / 2 (an insert splits a page that overflows into halves; a removal
//! that leaves a page under half full joins it with a neighbour, splitting the pair again if it
//! overflows). So a full index of [`MAX_OFFERS_PER_TOKEN`] entries has at most 32 pages, an
//! insert, removal or `usable` change rewrites one page or two and the directory, not the whole
//! list, and `MatchDealAuto` reads the directory and only the pages it walks (audit finding,
//! issue 34). How many offers each provider keeps in each token is counted apart
//! ([`State::provider_offers`]), so the per-provider cap reads one number.

use cid::Cid;
use cloudless_runtime::map::Map;
use cloudless_runtime::{actor_error, blocks, ActorResult};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use crate::state::{id_key, payable_key, State};
use crate::types::*;

/// Most entries one page holds.
pub const PAGE: usize = 64;
/// Fewest entries a page holds when its index has more than one page.
pub const MIN_PAGE: usize = PAGE / 2;

/// One token's index: its pages in key order and how many entries they hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct TokenIndex {
    pub len: u32,
    pub pages: Vec<PageRef>,
}

/// A page and the key of its first entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct PageRef {
    #[serde(with = "cloudless_runtime::amount")]
    pub price: TokenAmount,
    pub offer: u64,
    /// `Vec<IndexEntry>`, 1..=[`PAGE`] entries in key order.
    pub page: Cid,
}

impl IndexEntry {
    fn key(&self) -> (&TokenAmount, u64) {
        (&self.price, self.offer)
    }
}

impl PageRef {
    fn key(&self) -> (&TokenAmount, u64) {
        (&self.price, self.offer)
    }
}

fn put_page<BS: Blockstore>(store: &BS, entries: &[IndexEntry]) -> ActorResult<PageRef> {
    let first = entries.first().ok_or_else(|| actor_error!(illegal_state; "an offer index page would be empty"))?;
    let page = blocks::put(store, &entries, "the offer index")?;
    Ok(PageRef { price: first.price.clone(), offer: first.offer, page })
}

/// Reads one page of an index.
pub fn read_page<BS: Blockstore>(store: &BS, page: &PageRef) -> ActorResult<Vec<IndexEntry>> {
    blocks::get(store, &page.page, "the offer index")
}

impl TokenIndex {
    /// The page a key falls in: the last whose first key is not above it (the first page for a
    /// key below every page).
    fn page_of(&self, key: (&TokenAmount, u64)) -> usize {
        self.pages.partition_point(|p| p.key() <= key).saturating_sub(1)
    }

    /// Replaces pages `at..at + n` by `entries`, in one page, or two halves if they overflow.
    fn rewrite<BS: Blockstore>(&mut self, store: &BS, at: usize, n: usize, entries: &[IndexEntry]) -> ActorResult<()> {
        let refs = match entries.len() {
            0 => vec![],
            len if len <= PAGE => vec![put_page(store, entries)?],
            len => vec![put_page(store, &entries[..len / 2])?, put_page(store, &entries[len / 2..])?],
        };
        self.pages.splice(at..at + n, refs);
        Ok(())
    }

    fn insert<BS: Blockstore>(&mut self, store: &BS, entry: IndexEntry) -> ActorResult<()> {
        if self.pages.is_empty() {
            self.pages.push(put_page(store, &[entry])?);
        } else {
            let at = self.page_of(entry.key());
            let mut entries = read_page(store, &self.pages[at])?;
            let i = entries.partition_point(|e| e.key() < entry.key());
            if entries.get(i).is_some_and(|e| e.offer == entry.offer) {
                return Err(actor_error!(illegal_state; "offer {} is in its price index twice", entry.offer));
            }
            entries.insert(i, entry);
            self.rewrite(store, at, 1, &entries)?;
        }
        self.len += 1;
        Ok(())
    }

    /// The page index, the page and the entry's position of `key`.
    fn find<BS: Blockstore>(
        &self,
        store: &BS,
        key: (&TokenAmount, u64),
    ) -> ActorResult<(usize, Vec<IndexEntry>, usize)> {
        let at = self.page_of(key);
        let entries = match self.pages.get(at) {
            Some(p) => read_page(store, p)?,
            None => vec![],
        };
        match entries.binary_search_by(|e| e.key().cmp(&key)) {
            Ok(i) => Ok((at, entries, i)),
            Err(_) => Err(actor_error!(illegal_state; "offer {} is missing from its price index", key.1)),
        }
    }

    fn remove<BS: Blockstore>(&mut self, store: &BS, key: (&TokenAmount, u64)) -> ActorResult<IndexEntry> {
        let (at, mut entries, i) = self.find(store, key)?;
        let removed = entries.remove(i);
        self.len -= 1;
        if entries.len() >= MIN_PAGE || self.pages.len() == 1 {
            return self.rewrite(store, at, 1, &entries).map(|_| removed);
        }
        // Under half full: join the next page (the previous one for the last page).
        let (first, joined) = if at + 1 < self.pages.len() {
            let next = read_page(store, &self.pages[at + 1])?;
            (at, [entries, next].concat())
        } else {
            let prev = read_page(store, &self.pages[at - 1])?;
            (at - 1, [prev, entries].concat())
        };
        self.rewrite(store, first, 2, &joined)?;
        Ok(removed)
    }

    fn set_usable<BS: Blockstore>(&mut self, store: &BS, key: (&TokenAmount, u64), usable: bool) -> ActorResult<()> {
        let (at, mut entries, i) = self.find(store, key)?;
        entries[i].usable = usable;
        self.rewrite(store, at, 1, &entries)
    }
}

/// The entries of `index` in order, after checking the page rules (each page 1..=[`PAGE`]
/// entries, at least [`MIN_PAGE`] when there are several, named by its first key, keys strictly
/// ascending across pages, `len` their count); what breaks them goes to `errors`.
pub fn check_pages<BS: Blockstore>(
    store: &BS,
    index: &TokenIndex,
    errors: &mut Vec<String>,
) -> ActorResult<Vec<IndexEntry>> {
    let mut out: Vec<IndexEntry> = Vec::new();
    for p in &index.pages {
        let page = read_page(store, p)?;
        if page.is_empty() || page.len() > PAGE || (index.pages.len() > 1 && page.len() < MIN_PAGE) {
            errors.push(format!("an offer index page holds {} entries ({} pages)", page.len(), index.pages.len()));
        }
        if page.first().map(IndexEntry::key) != Some(p.key()) {
            errors.push("an offer index page is not named by its first entry".into());
        }
        out.extend(page);
    }
    if !out.windows(2).all(|w| w[0].key() < w[1].key()) {
        errors.push("a price index is unsorted".into());
    }
    if out.len() != index.len as usize {
        errors.push(format!("a price index says {} entries and holds {}", index.len, out.len()));
    }
    Ok(out)
}

impl State {
    fn token_indices<'s, BS: Blockstore>(&self, store: &'s BS) -> ActorResult<Map<'s, BS, TokenIndex>> {
        Map::load(store, &self.offer_index, "offer index")
    }

    fn offer_counts<'s, BS: Blockstore>(&self, store: &'s BS) -> ActorResult<Map<'s, BS, u32>> {
        Map::load(store, &self.offer_counts, "offer counts")
    }

    /// The directory of `token`'s price index (empty when it has no offers).
    pub fn token_index<BS: Blockstore>(&self, store: &BS, token: ActorID) -> ActorResult<TokenIndex> {
        Ok(self.token_indices(store)?.get(&id_key(token))?.unwrap_or_default())
    }

    /// Calls `f` on `token`'s entries in ascending order, reading a page only when it reaches
    /// it, until `f` answers false.
    pub fn walk_index<BS: Blockstore>(
        &self,
        store: &BS,
        token: ActorID,
        mut f: impl FnMut(&IndexEntry) -> ActorResult<bool>,
    ) -> ActorResult<()> {
        for page in self.token_index(store, token)?.pages {
            for entry in read_page(store, &page)? {
                if !f(&entry)? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Every entry of `token`'s price index, ascending.
    pub fn index<BS: Blockstore>(&self, store: &BS, token: ActorID) -> ActorResult<Vec<IndexEntry>> {
        let mut out = Vec::new();
        self.walk_index(store, token, |e| {
            out.push(e.clone());
            Ok(true)
        })?;
        Ok(out)
    }

    /// How many offers `provider` keeps in `token`'s index.
    pub fn provider_offers<BS: Blockstore>(&self, store: &BS, provider: ActorID, token: ActorID) -> ActorResult<u32> {
        Ok(self.offer_counts(store)?.get(&payable_key(provider, token))?.unwrap_or(0))
    }

    /// Removes `offer` from `token`'s index (if `old` is given: its token and price there) and
    /// adds `new` at its price; refuses a new entry beyond [`MAX_OFFERS_PER_TOKEN`] or the
    /// provider's [`MAX_OFFERS_PER_PROVIDER`]. Reads and writes the index map and the counts
    /// once each.
    pub fn reindex<BS: Blockstore>(
        &mut self,
        store: &BS,
        offer: u64,
        old: Option<(ActorID, &TokenAmount)>,
        new: Option<&Offer>,
    ) -> ActorResult<()> {
        let mut indices = self.token_indices(store)?;
        let mut counts = self.offer_counts(store)?;
        if let Some((token, price)) = old {
            let mut index = indices.get(&id_key(token))?.unwrap_or_default();
            let removed = index.remove(store, (price, offer))?;
            set_index(&mut indices, token, index)?;
            let key = payable_key(removed.provider, token);
            match counts.get(&key)?.unwrap_or(0) {
                0 => {
                    return Err(
                        actor_error!(illegal_state; "f0{} has no offer in token f0{token} to count off", removed.provider),
                    )
                }
                1 => {
                    counts.delete(&key)?;
                }
                n => counts.set(&key, n - 1)?,
            }
        }
        if let Some(new) = new {
            let token = new.token;
            let mut index = indices.get(&id_key(token))?.unwrap_or_default();
            if index.len as usize >= MAX_OFFERS_PER_TOKEN {
                return Err(actor_error!(
                    illegal_state;
                    "token f0{token} already has the most offers the index keeps ({MAX_OFFERS_PER_TOKEN})"
                ));
            }
            let key = payable_key(new.provider, token);
            let kept = counts.get(&key)?.unwrap_or(0);
            if kept as usize >= MAX_OFFERS_PER_PROVIDER {
                return Err(actor_error!(
                    illegal_state;
                    "provider f0{} already has {MAX_OFFERS_PER_PROVIDER} offers in token f0{token}, the most one provider keeps", new.provider
                ));
            }
            index.insert(
                store,
                IndexEntry { price: new.min_price.clone(), offer, provider: new.provider, usable: new.usable() },
            )?;
            set_index(&mut indices, token, index)?;
            counts.set(&key, kept + 1)?;
        }
        self.offer_index = indices.flush()?;
        self.offer_counts = counts.flush()?;
        Ok(())
    }

    /// Saves `offer` whose peers' free units may have changed; its index entry is rewritten
    /// only when the offer became usable or stopped being usable (`was_usable`).
    pub fn save_offer<BS: Blockstore>(&mut self, store: &BS, offer: &Offer, was_usable: bool) -> ActorResult<()> {
        self.put_offer(store, offer)?;
        if offer.usable() == was_usable {
            return Ok(());
        }
        let mut indices = self.token_indices(store)?;
        let mut index = indices.get(&id_key(offer.token))?.unwrap_or_default();
        index.set_usable(store, (&offer.min_price, offer.id), offer.usable())?;
        set_index(&mut indices, offer.token, index)?;
        self.offer_index = indices.flush()?;
        Ok(())
    }
}

/// Stores `token`'s index directory, or forgets it when it has no page left.
fn set_index<BS: Blockstore>(indices: &mut Map<BS, TokenIndex>, token: ActorID, index: TokenIndex) -> ActorResult<()> {
    if index.pages.is_empty() {
        indices.delete(&id_key(token))?;
    } else {
        indices.set(&id_key(token), index)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_blockstore::MemoryBlockstore;

    fn entry(price: u64, offer: u64) -> IndexEntry {
        IndexEntry {
            price: TokenAmount::from_atto(price),
            offer,
            provider: offer % 7,
            usable: !offer.is_multiple_of(3),
        }
    }

    /// The entries in order; fails if the page rules are broken.
    fn entries(store: &MemoryBlockstore, ix: &TokenIndex) -> Vec<IndexEntry> {
        let mut errors = Vec::new();
        let out = check_pages(store, ix, &mut errors).unwrap();
        assert_eq!(errors, Vec::<String>::new());
        out
    }

    /// Inserts, removals and flag changes in a pseudo-random order agree with one sorted list,
    /// and the pages keep their bounds throughout (at most 32 pages for 1,024 entries).
    #[test]
    fn pages_agree_with_a_sorted_list() {
        let store = MemoryBlockstore::default();
        let mut ix = TokenIndex::default();
        let mut model: Vec<IndexEntry> = Vec::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut id = 0;
        for step in 0..6000 {
            let r = next();
            // Grow to the cap, shrink to a few, grow again.
            let grow = (step / 1500) % 2 == 0;
            if model.len() < MAX_OFFERS_PER_TOKEN && (grow || model.is_empty()) && r % 4 != 0 {
                let e = entry(next() % 50, id);
                id += 1;
                let at = model.partition_point(|m| m.key() < e.key());
                model.insert(at, e.clone());
                ix.insert(&store, e).unwrap();
            } else if r % 4 == 0 && !model.is_empty() {
                let i = (next() % model.len() as u64) as usize;
                let usable = !model[i].usable;
                model[i].usable = usable;
                ix.set_usable(&store, (&model[i].price.clone(), model[i].offer), usable).unwrap();
            } else if !model.is_empty() {
                let i = (next() % model.len() as u64) as usize;
                let e = model.remove(i);
                assert_eq!(ix.remove(&store, e.key()).unwrap(), e);
            }
            assert!(ix.pages.len() <= MAX_OFFERS_PER_TOKEN / MIN_PAGE);
            if step % 97 == 0 || model.len() == MAX_OFFERS_PER_TOKEN {
                assert_eq!(entries(&store, &ix), model, "step {step}");
            }
        }
        assert_eq!(entries(&store, &ix), model);
        while let Some(e) = model.pop() {
            ix.remove(&store, e.key()).unwrap();
        }
        assert!(ix.pages.is_empty() && ix.len == 0);
    }

    #[test]
    fn a_missing_or_repeated_entry_is_refused() {
        let store = MemoryBlockstore::default();
        let mut ix = TokenIndex::default();
        ix.insert(&store, entry(5, 1)).unwrap();
        assert!(ix.insert(&store, entry(5, 1)).is_err(), "twice");
        assert!(ix.remove(&store, (&TokenAmount::from_atto(5), 2)).is_err(), "another offer");
        assert!(ix.remove(&store, (&TokenAmount::from_atto(4), 1)).is_err(), "another price");
        assert!(TokenIndex::default().remove(&store, (&TokenAmount::from_atto(5), 1)).is_err(), "an empty index");
        assert_eq!(entries(&store, &ix), vec![entry(5, 1)]);
    }
}
