//! Model delegation: `delegate` hands a sub-task to the model whose cost, speed, quality and
//! data clearance fit it, and returns the answer with the decision record.
//!
//! | file | role |
//! |---|---|
//! | `money.rs` | integer micro-dollars |
//! | `usage.rs` | normalised token usage and prices |
//! | `catalog.rs` | the model catalog (shipped, user, LiteLLM price map) |
//! | `policy.rs` | routing policy per task kind and team |
//! | `scorecard.rs` | measured quality, latency and cost per task and model |
//! | `router.rs` | candidates, eligibility, ranking: the decision |
//! | `service.rs` | the shared state: catalog, providers, policy, scorecards, lazy discovery |
//! | `accounting.rs` | the reserve/settle hook governance builds on |
//! | `eval/` | evaluation suites, checks, the judge and the runner that measures scorecards |
//! | `engine.rs` | one delegation: context, prompt, route, attempts with fallbacks |
//! | `record.rs` | the decision record (text and structured) |
//! | `tools/` | `delegate`, `route_preview`, `list_models` |
//! | `provider/` | the model APIs |

pub mod accounting;
pub mod catalog;
pub mod engine;
pub mod eval;
pub mod money;
pub mod policy;
pub mod provider;
pub mod record;
pub mod router;
pub mod scorecard;
pub mod service;
pub mod tools;
pub mod usage;
