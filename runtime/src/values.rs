//! Typed request-scoped values. Each context holds a flat, sorted map of every
//! value visible to it, so a lookup is a binary search over the distinct value
//! types, however long the chain of contexts above it has grown.

use std::any::{Any, TypeId};
use std::sync::Arc;

type Entry = (TypeId, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub(crate) struct Values {
    entries: Box<[Entry]>,
}

impl Values {
    /// A copy of `base` with `value` added, replacing a value of the same type.
    pub(crate) fn with<T: Send + Sync + 'static>(base: Option<&Values>, value: T) -> Values {
        let id = TypeId::of::<T>();
        let old: &[Entry] = base.map_or(&[], |v| &v.entries);
        let mut entries = Vec::with_capacity(old.len() + 1);
        entries.extend(old.iter().cloned());
        let value: Arc<dyn Any + Send + Sync> = Arc::new(value);
        match entries.binary_search_by_key(&id, |e| e.0) {
            Ok(i) => entries[i].1 = value,
            Err(i) => entries.insert(i, (id, value)),
        }
        Values {
            entries: entries.into_boxed_slice(),
        }
    }

    #[inline]
    pub(crate) fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        let id = TypeId::of::<T>();
        let i = self.entries.binary_search_by_key(&id, |e| e.0).ok()?;
        self.entries[i].1.downcast_ref::<T>()
    }
}
