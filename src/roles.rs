//! The roles rolecheck tells apart.

use serde::{Deserialize, Serialize};

/// A product role, or `Other` for the near misses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Role {
    /// Product Manager: the why — discovery, strategy, outcomes.
    Pm,
    /// Product Owner: the what — backlog, user stories, sprints, acceptance.
    Po,
    /// Product Marketing Manager: positioning, go-to-market, launches, enablement.
    Pmm,
    /// AI Product Manager: a product built on ML/AI models.
    AiPm,
    /// Data Product Manager: data as the product.
    DataPm,
    /// Product Ops: the product team's operating system.
    ProductOps,
    /// Not a product role.
    Other,
}

impl Role {
    /// Every role, in the order of their ids in a model.
    pub const ALL: [Role; 7] = [
        Role::Pm,
        Role::Po,
        Role::Pmm,
        Role::AiPm,
        Role::DataPm,
        Role::ProductOps,
        Role::Other,
    ];

    /// The short id used in files and on the command line (`ai-pm`).
    pub fn id(self) -> &'static str {
        match self {
            Role::Pm => "pm",
            Role::Po => "po",
            Role::Pmm => "pmm",
            Role::AiPm => "ai-pm",
            Role::DataPm => "data-pm",
            Role::ProductOps => "product-ops",
            Role::Other => "other",
        }
    }

    /// The role's name for people (`AI Product Manager`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Pm => "Product Manager",
            Role::Po => "Product Owner",
            Role::Pmm => "Product Marketing Manager",
            Role::AiPm => "AI Product Manager",
            Role::DataPm => "Data Product Manager",
            Role::ProductOps => "Product Ops",
            Role::Other => "not a product role",
        }
    }

    /// Its position in [`Role::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// A role that a title may claim while the duties are a backlog manager's.
    pub fn is_pm_family(self) -> bool {
        matches!(self, Role::Pm | Role::AiPm | Role::DataPm)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for Role {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.id() == s)
            .ok_or_else(|| crate::Error::UnknownRole(s.to_string()))
    }
}

impl TryFrom<String> for Role {
    type Error = crate::Error;

    fn try_from(s: String) -> crate::Result<Role> {
        s.parse()
    }
}

impl From<Role> for &'static str {
    fn from(r: Role) -> &'static str {
        r.id()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.id().parse::<Role>().unwrap(), r);
            assert_eq!(Role::ALL[r.index()], r);
        }
    }

    #[test]
    fn unknown_role_lists_the_choices() {
        let err = "pdm".parse::<Role>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown role `pdm`; choose from pm, po, pmm, ai-pm, data-pm, product-ops, other"
        );
    }

    #[test]
    fn serde_uses_the_ids() {
        assert_eq!(serde_json::to_string(&Role::AiPm).unwrap(), "\"ai-pm\"");
        assert_eq!(
            serde_json::from_str::<Role>("\"product-ops\"").unwrap(),
            Role::ProductOps
        );
        assert!(serde_json::from_str::<Role>("\"PM\"").is_err());
    }
}
