//! Boilerplate removal from plain text.
use crate::Extracted;
pub(crate) fn clean(text: &str, _t: bool) -> Extracted {
    Extracted { text: text.to_string(), ..Default::default() }
}
