//! What a tool returns: plain text plus the honest envelope of a paged or cut result.
//!
//! Text is the content (every MCP client shows a `text` block); the envelope says whether the
//! result is complete. Lists are built with [`PageWriter`], which stops adding items before
//! the response budget is exceeded and tells the connector how many it kept, so the connector
//! can point its cursor right after the last item shown: nothing is ever lost between pages.

use std::fmt::Write as _;

use crate::budget::{ResponseBudget, cut_text};

/// The result of a successful tool call or resource read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolOutput {
    /// The content, as text a model reads directly.
    pub text: String,
    /// Whether anything was left out (the text then says how to get the rest).
    pub truncated: bool,
    /// The cursor of the next page, when there is one.
    pub next_cursor: Option<String>,
    /// URIs of the items this result mentions, for clients that show resource links.
    pub uris: Vec<String>,
    /// Structured content; only for tools that declare an output schema, and then it conforms.
    pub structured: Option<serde_json::Value>,
}

impl ToolOutput {
    /// A complete, uncut text result.
    pub fn text(text: impl Into<String>) -> Self {
        ToolOutput {
            text: text.into(),
            ..ToolOutput::default()
        }
    }

    /// Replace secrets of known shapes in the text and in every string of the structured
    /// content ([`crate::redact`]); the server does this to every result before it leaves.
    pub fn redact_secrets(mut self) -> Self {
        if let std::borrow::Cow::Owned(clean) = crate::redact::redact(&self.text) {
            self.text = clean;
        }
        if let Some(value) = self.structured.as_mut() {
            crate::redact::redact_json(value);
        }
        self
    }

    /// Cut the text to the budget if it is over, appending a note that says so and how to get
    /// the rest. A connector that cuts its own content well never reaches this; it is the net.
    pub fn enforce_budget(mut self, budget: &ResponseBudget, hint: &str) -> Self {
        let max = budget.max_bytes();
        if self.text.len() <= max {
            return self;
        }
        let note_room = 400.min(max / 4);
        let cut = cut_text(&self.text, max - note_room);
        let mut text = cut.kept.to_owned();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let _ = write!(
            text,
            "[truncated: {} more bytes ({} lines) not shown; {hint}]",
            cut.omitted_bytes, cut.omitted_lines
        );
        self.text = text;
        self.truncated = true;
        self
    }
}

/// Builds the text of one page of a list within a byte budget.
#[derive(Debug)]
pub struct PageWriter {
    text: String,
    max_bytes: usize,
    shown: usize,
    full: bool,
    uris: Vec<String>,
}

/// Room kept free for the envelope footer.
const FOOTER_ROOM: usize = 512;

impl PageWriter {
    /// Start a page with a header line (what is listed, from where).
    pub fn new(header: impl AsRef<str>, budget: &ResponseBudget) -> Self {
        let mut text = String::with_capacity(4096);
        text.push_str(header.as_ref());
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        PageWriter {
            text,
            max_bytes: budget.max_bytes().saturating_sub(FOOTER_ROOM),
            shown: 0,
            full: false,
            uris: Vec::new(),
        }
    }

    /// Add one item's text. Returns `false` (and adds nothing) when it does not fit; the
    /// first item is cut to fit rather than dropped, so a page is never empty for size.
    pub fn push(&mut self, item: &str, uri: Option<&str>) -> bool {
        if self.full {
            return false;
        }
        let needed = item.len() + 1;
        if self.text.len() + needed > self.max_bytes {
            if self.shown > 0 {
                self.full = true;
                return false;
            }
            let room = self.max_bytes.saturating_sub(self.text.len() + 80);
            let cut = cut_text(item, room);
            self.text.push_str(cut.kept);
            let _ = writeln!(
                self.text,
                "\n[item cut: {} more bytes not shown]",
                cut.omitted_bytes
            );
            self.full = true;
        } else {
            self.text.push_str(item);
            self.text.push('\n');
        }
        self.shown += 1;
        if let Some(uri) = uri {
            self.uris.push(uri.to_owned());
        }
        true
    }

    /// How many items were added.
    pub fn shown(&self) -> usize {
        self.shown
    }

    /// Whether the budget stopped the page early.
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// Finish the page with its envelope.
    ///
    /// `next_cursor` points after the last item shown; `omitted` is the count of items known
    /// to remain (when the source can tell), and `empty_hint` is said when nothing matched.
    pub fn finish(
        mut self,
        next_cursor: Option<String>,
        omitted: Option<usize>,
        empty_hint: &str,
    ) -> ToolOutput {
        if self.shown == 0 {
            let _ = writeln!(self.text, "(no results) {empty_hint}");
        }
        let truncated = self.full || next_cursor.is_some();
        let _ = write!(self.text, "---\nitems: {}", self.shown);
        if let Some(omitted) = omitted {
            let _ = write!(self.text, " · omitted: {omitted}");
        }
        let _ = write!(self.text, " · truncated: {truncated}");
        match &next_cursor {
            Some(cursor) => {
                let _ = write!(
                    self.text,
                    " · next_cursor: \"{cursor}\" (pass it as cursor to get more)"
                );
            }
            None if self.full => {
                let _ = write!(
                    self.text,
                    "\n(the response budget was reached; narrow the request to see the rest)"
                );
            }
            None => {}
        }
        ToolOutput {
            text: self.text,
            truncated,
            next_cursor,
            uris: self.uris,
            structured: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{PageWriter, ToolOutput};
    use crate::budget::ResponseBudget;

    #[test]
    fn page_stops_before_the_budget_and_says_so() {
        let budget = ResponseBudget::tokens(300); // 1,200 bytes
        let mut page = PageWriter::new("header", &budget);
        let item = "x".repeat(100);
        let mut kept = 0;
        for _ in 0..50 {
            if !page.push(&item, Some("git://r/commit/1")) {
                break;
            }
            kept += 1;
        }
        assert!(page.is_full());
        assert_eq!(page.shown(), kept);
        let out = page.finish(Some("c1".into()), None, "");
        assert!(out.text.len() <= budget.max_bytes());
        assert!(out.truncated);
        assert!(out.text.contains("next_cursor: \"c1\" (pass it as cursor"));
        assert_eq!(out.uris.len(), kept);
    }

    #[test]
    fn empty_page_gives_the_hint() {
        let page = PageWriter::new("commits", &ResponseBudget::default());
        let out = page.finish(None, Some(0), "try a wider date range");
        assert!(out.text.contains("(no results) try a wider date range"));
        assert!(!out.truncated);
    }

    #[test]
    fn oversized_first_item_is_cut_not_dropped() {
        let budget = ResponseBudget::tokens(256);
        let mut page = PageWriter::new("h", &budget);
        assert!(page.push(&"y".repeat(5000), None));
        let out = page.finish(None, None, "");
        assert!(out.text.contains("[item cut:"));
        assert!(out.text.len() <= budget.max_bytes());
    }

    #[test]
    fn enforce_budget_marks_the_cut() {
        let budget = ResponseBudget::tokens(256);
        let out = ToolOutput::text("z\n".repeat(2000)).enforce_budget(&budget, "ask for less");
        assert!(out.truncated);
        assert!(out.text.len() <= budget.max_bytes());
        assert!(out.text.ends_with("ask for less]"));
    }
}
