//! `subscriptions/listen` (stateless era) and list-change notifications for both eras.
//!
//! rmcp acknowledges a listen request, tags every notification with its subscription id
//! and drops the ones outside the accepted filter; this module keeps the open streams and
//! broadcasts a change to each. The fixtures have no list that really changes, so the
//! diagnostic tools `test_trigger_tool_change` and `test_trigger_prompt_change` announce one.

use std::collections::HashMap;
use std::sync::Mutex;

use rmcp::model::SubscriptionFilter;
use rmcp::service::{SubscriptionContext, SubscriptionSink};

use super::resources;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The tool list.
    Tools,
    /// The prompt list.
    Prompts,
}

/// Open `subscriptions/listen` streams.
#[derive(Debug, Default)]
pub struct Listeners {
    open: Mutex<HashMap<u64, SubscriptionSink>>,
    next: Mutex<u64>,
}

impl Listeners {
    /// The part of `requested` this server serves: list changes of tools, prompts and
    /// resources, and updates of the fixture resources.
    pub fn accept(requested: &SubscriptionFilter) -> SubscriptionFilter {
        let mut accepted = SubscriptionFilter::default();
        accepted.tools_list_changed = requested.tools_list_changed.filter(|on| *on);
        accepted.prompts_list_changed = requested.prompts_list_changed.filter(|on| *on);
        accepted.resources_list_changed = requested.resources_list_changed.filter(|on| *on);
        accepted.resource_subscriptions = requested.resource_subscriptions.as_ref().map(|uris| {
            uris.iter()
                .filter(|uri| resources::is_listed(uri))
                .cloned()
                .collect()
        });
        accepted
    }

    /// Serve one subscription until the client closes it.
    pub async fn listen(&self, subscription: SubscriptionContext) {
        let id = match self.next.lock() {
            Ok(mut next) => {
                *next += 1;
                *next
            }
            Err(_) => return,
        };
        if let Ok(mut open) = self.open.lock() {
            open.insert(id, subscription.sink().clone());
        }
        subscription.cancelled().await;
        if let Ok(mut open) = self.open.lock() {
            open.remove(&id);
        }
    }

    /// Tell every open stream that accepted it about `change`; how many were told.
    pub async fn announce(&self, change: Change) -> usize {
        let sinks: Vec<SubscriptionSink> = match self.open.lock() {
            Ok(open) => open.values().cloned().collect(),
            Err(_) => return 0,
        };
        let mut told = 0;
        for sink in sinks {
            let sent = match change {
                Change::Tools => sink.notify_tool_list_changed().await,
                Change::Prompts => sink.notify_prompt_list_changed().await,
            };
            if sent.is_ok() {
                told += 1;
            }
        }
        told
    }
}

#[cfg(test)]
mod tests {
    use super::Listeners;
    use rmcp::model::SubscriptionFilter;

    #[test]
    fn accepts_only_what_it_serves() {
        let mut requested = SubscriptionFilter::default();
        requested.tools_list_changed = Some(true);
        requested.prompts_list_changed = Some(false);
        requested.resource_subscriptions = Some(vec![
            "test://watched-resource".to_owned(),
            "test://nowhere".to_owned(),
        ]);
        let accepted = Listeners::accept(&requested);
        assert_eq!(accepted.tools_list_changed, Some(true));
        assert_eq!(accepted.prompts_list_changed, None);
        assert_eq!(
            accepted.resource_subscriptions,
            Some(vec!["test://watched-resource".to_owned()])
        );
    }
}
