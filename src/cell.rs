//! `RefCell` whose conflicting borrow traps like any other panic here (the shipped build aborts on panic), without
//! core's formatted "already borrowed" message, which alone keeps core's formatting machinery in the module.

use core::cell::{Ref, RefMut};

pub(crate) struct RefCell<T>(core::cell::RefCell<T>);

#[cold]
fn conflict() -> ! {
    core::arch::wasm32::unreachable()
}

impl<T> RefCell<T> {
    pub(crate) const fn new(value: T) -> Self {
        RefCell(core::cell::RefCell::new(value))
    }

    #[inline]
    pub(crate) fn borrow(&self) -> Ref<'_, T> {
        self.0.try_borrow().unwrap_or_else(|_| conflict())
    }

    #[inline]
    pub(crate) fn borrow_mut(&self) -> RefMut<'_, T> {
        self.0.try_borrow_mut().unwrap_or_else(|_| conflict())
    }
}
