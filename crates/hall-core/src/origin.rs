//! Where the request being run came from: the desk (a paired PC or rating screen on the hall's
//! network) whose request the hall host is dispatching. The host sets it around one dispatch
//! on the thread that runs it; the event log reads it for every event it appends, so each step
//! records the desk it was taken at. On one PC, and for hallctl at the hall's machine, there is
//! none.
//!
//! A thread-scoped value rather than a parameter because every write path of the store appends
//! events, and dispatch runs a request to the end on one thread.

use std::cell::RefCell;

thread_local! {
    static ORIGIN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Restores the previous origin when dropped.
pub struct Scope {
    previous: Option<String>,
}

/// Runs the rest of the caller's scope as coming from `desk` (its name as paired).
pub fn enter(desk: &str) -> Scope {
    let previous = ORIGIN.with(|o| o.replace(Some(desk.to_string())));
    Scope { previous }
}

/// The desk of the request being run, if it came over the hall's network.
pub fn current() -> Option<String> {
    ORIGIN.with(|o| o.borrow().clone())
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        ORIGIN.with(|o| *o.borrow_mut() = previous);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_scope_sets_and_restores_the_desk() {
        assert_eq!(super::current(), None);
        {
            let _a = super::enter("1号窗口");
            assert_eq!(super::current().as_deref(), Some("1号窗口"));
            {
                let _b = super::enter("社保中心");
                assert_eq!(super::current().as_deref(), Some("社保中心"));
            }
            assert_eq!(super::current().as_deref(), Some("1号窗口"));
        }
        assert_eq!(super::current(), None);
    }
}
