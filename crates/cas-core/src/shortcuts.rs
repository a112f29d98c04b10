//! The console's keyboard shortcuts: which key does what, when a key is left alone (typing in
//! a field, a modifier held, a dialog open), and the list the `?` dialog shows. One table, so
//! the help cannot drift from what the keys do.

/// What a global shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// Go to the search box (on the search page).
    Search,
    HighRiskList,
    Log,
    /// The list of shortcuts.
    Help,
}

/// Where the key was pressed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// The focus is in a field that takes text (see `takes_text`).
    pub typing: bool,
    /// Ctrl, Alt or Meta is held: the key is the browser's or the system's.
    pub modifier: bool,
    /// A modal dialog is open: it has the keyboard until it closes.
    pub dialog_open: bool,
    pub connected: bool,
}

/// The shortcut `key` (a `KeyboardEvent.key`) triggers, if any. Shift is allowed: it is how
/// `?` is typed on most layouts. Pages need a connection; the help does not.
pub fn shortcut(key: &str, cx: Context) -> Option<Shortcut> {
    if cx.typing || cx.modifier || cx.dialog_open {
        return None;
    }
    let s = match key {
        "?" => Shortcut::Help,
        "/" => Shortcut::Search,
        "h" | "H" => Shortcut::HighRiskList,
        "l" | "L" => Shortcut::Log,
        _ => return None,
    };
    (cx.connected || s == Shortcut::Help).then_some(s)
}

/// Whether a focused element takes typed text, so letters are its own: text areas, selects
/// (typing picks an option), editable content, and inputs other than buttons, checkboxes,
/// radios, files, ranges and colours. `input_type` is the input's `type`, as the DOM reports it.
pub fn takes_text(tag: &str, input_type: &str, editable: bool) -> bool {
    if editable {
        return true;
    }
    match tag.to_ascii_uppercase().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" => !matches!(
            input_type.to_ascii_lowercase().as_str(),
            "checkbox" | "radio" | "button" | "submit" | "reset" | "file" | "range" | "color" | "image"
        ),
        _ => false,
    }
}

/// Every key the console answers to, for the `?` dialog: (keys, what they do). The first
/// group works anywhere outside a field; the rest where the text says.
pub const HELP: &[(&[&str], &str)] = &[
    (&["/"], "Go to the search box"),
    (&["h"], "Open the high-risk list"),
    (&["l"], "Open the action log"),
    (&["?"], "Show this list of shortcuts"),
    (&["Esc"], "Close a dialog; in the search box or the list filter, clear it"),
    (&["\u{2193}", "\u{2191}"], "In the search box: move through the results"),
    (&["Enter"], "In the search box: open the highlighted user (the first one if none is)"),
    (&["Space"], "On a high-risk list checkbox: select or unselect the row"),
    (&["Shift", "click"], "On a high-risk list checkbox: select or unselect every row from the last one clicked"),
    (&["Tab", "Shift+Tab"], "Move to the next or previous control"),
];

#[cfg(test)]
mod tests {
    use super::*;

    const FREE: Context = Context { typing: false, modifier: false, dialog_open: false, connected: true };

    #[test]
    fn keys_map_to_shortcuts() {
        assert_eq!(shortcut("/", FREE), Some(Shortcut::Search));
        assert_eq!(shortcut("h", FREE), Some(Shortcut::HighRiskList));
        assert_eq!(shortcut("H", FREE), Some(Shortcut::HighRiskList));
        assert_eq!(shortcut("l", FREE), Some(Shortcut::Log));
        assert_eq!(shortcut("?", FREE), Some(Shortcut::Help));
        for other in ["x", "Enter", "Escape", "ArrowDown", " ", "Tab", "F1"] {
            assert_eq!(shortcut(other, FREE), None, "{other}");
        }
    }

    #[test]
    fn nothing_fires_while_typing_with_a_modifier_or_under_a_dialog() {
        for cx in [Context { typing: true, ..FREE }, Context { modifier: true, ..FREE }, Context { dialog_open: true, ..FREE }] {
            for key in ["/", "h", "l", "?"] {
                assert_eq!(shortcut(key, cx), None, "{key} in {cx:?}");
            }
        }
    }

    #[test]
    fn only_the_help_works_before_connecting() {
        let cx = Context { connected: false, ..FREE };
        assert_eq!(shortcut("?", cx), Some(Shortcut::Help));
        for key in ["/", "h", "l"] {
            assert_eq!(shortcut(key, cx), None, "{key}");
        }
    }

    #[test]
    fn fields_that_take_text() {
        for (tag, ty) in [("INPUT", "text"), ("INPUT", "search"), ("INPUT", "email"), ("INPUT", ""), ("input", "password"), ("TEXTAREA", ""), ("SELECT", "")] {
            assert!(takes_text(tag, ty, false), "{tag} {ty}");
        }
        for (tag, ty) in [("INPUT", "checkbox"), ("INPUT", "RADIO"), ("INPUT", "file"), ("INPUT", "submit"), ("BUTTON", ""), ("A", ""), ("DIV", ""), ("BODY", "")] {
            assert!(!takes_text(tag, ty, false), "{tag} {ty}");
        }
        assert!(takes_text("DIV", "", true));
    }

    #[test]
    fn the_help_lists_every_global_key() {
        let keys: Vec<&str> = HELP.iter().flat_map(|(k, _)| k.iter().copied()).collect();
        for key in ["/", "h", "l", "?", "Esc"] {
            assert!(keys.contains(&key), "{key} is in the help");
        }
        for key in ["/", "h", "l", "?"] {
            assert!(shortcut(key, FREE).is_some(), "{key} does what the help says");
        }
    }
}
