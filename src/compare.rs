//! The side-by-side comparison of the roles, and each role's profile,
//! as views over the knowledge base.
//!
//! Must not: render text or know about Discord; that is [`crate::render`]'s.

use crate::kb::{Aspect, KnowledgeBase, Role, RoleProfile};

/// An aspect was asked for that the FAQ does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown aspect \"{asked}\"; known aspects: {}", known.join(", "))]
pub struct UnknownAspect {
    pub asked: String,
    /// Ids of the aspects there are.
    pub known: Vec<String>,
}

/// One aspect by id or name (`"salary"`, `"Code level"`), or all of them
/// when `aspect` is `None`.
pub fn compare<'kb>(
    kb: &'kb KnowledgeBase,
    aspect: Option<&str>,
) -> Result<Vec<&'kb Aspect>, UnknownAspect> {
    match aspect {
        None => Ok(kb.aspects().iter().collect()),
        Some(key) => kb
            .aspect(key)
            .map(|a| vec![a])
            .ok_or_else(|| UnknownAspect {
                asked: key.to_owned(),
                known: kb.aspects().iter().map(|a| a.id.clone()).collect(),
            }),
    }
}

/// Everything the FAQ says about one role: its profile, and its side of
/// every aspect.
#[derive(Debug, Clone)]
pub struct Profile<'kb> {
    pub role: &'kb RoleProfile,
    /// `(aspect, this role's side)`, in FAQ order.
    pub aspects: Vec<(&'kb Aspect, &'kb str)>,
}

/// A role → its profile and its side of each aspect.
pub fn profile(kb: &KnowledgeBase, role: Role) -> Profile<'_> {
    Profile {
        role: kb.role(role),
        aspects: kb.aspects().iter().map(|a| (a, a.side(role))).collect(),
    }
}
