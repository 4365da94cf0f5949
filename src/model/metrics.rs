//! Classification metrics: confusion matrix, per-role precision / recall / F1,
//! accuracy and macro-F1, and their report for people.

use serde::{Deserialize, Serialize};

use crate::Role;

/// Counts of (true role, predicted role) over a set of postings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    /// `counts[truth][predicted]`, indexed by [`Role::index`].
    pub counts: [[u32; 7]; 7],
}

/// Precision, recall, F1 and support of one role.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RoleScores {
    /// The role.
    pub role: Role,
    /// Of the postings predicted as this role, the share that are.
    pub precision: f64,
    /// Of the postings that are this role, the share predicted as such.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Postings that are this role.
    pub support: u32,
}

/// The headline numbers of a confusion matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Share of postings classified right.
    pub accuracy: f64,
    /// Mean of the per-role F1 over roles present in the truth or the predictions.
    pub macro_f1: f64,
    /// Per role.
    pub per_role: Vec<RoleScores>,
    /// The matrix they come from.
    pub confusion: Confusion,
}

impl Confusion {
    /// Counts one posting.
    pub fn add(&mut self, truth: Role, predicted: Role) {
        self.counts[truth.index()][predicted.index()] += 1;
    }

    /// Adds another matrix's counts.
    pub fn merge(&mut self, other: &Confusion) {
        for (row, orow) in self.counts.iter_mut().zip(&other.counts) {
            for (c, o) in row.iter_mut().zip(orow) {
                *c += o;
            }
        }
    }

    /// The share of postings of the six product roles predicted `other`:
    /// the product roles the model failed to recognise at all.
    pub fn product_as_other(&self) -> f64 {
        let other = Role::Other.index();
        let (mut lost, mut all) = (0u32, 0u32);
        for role in Role::ALL.iter().filter(|r| **r != Role::Other) {
            let row = &self.counts[role.index()];
            lost += row[other];
            all += row.iter().sum::<u32>();
        }
        if all == 0 {
            0.0
        } else {
            f64::from(lost) / f64::from(all)
        }
    }

    /// Number of postings counted.
    pub fn total(&self) -> u32 {
        self.counts.iter().flatten().sum()
    }

    /// Accuracy, per-role scores and macro-F1.
    pub fn scores(&self) -> Scores {
        let total = self.total();
        let correct: u32 = (0..7).map(|i| self.counts[i][i]).sum();
        let mut per_role = Vec::new();
        for role in Role::ALL {
            let i = role.index();
            let tp = f64::from(self.counts[i][i]);
            let support: u32 = self.counts[i].iter().sum();
            let predicted: u32 = (0..7).map(|t| self.counts[t][i]).sum();
            if support == 0 && predicted == 0 {
                continue;
            }
            let precision = if predicted > 0 {
                tp / f64::from(predicted)
            } else {
                0.0
            };
            let recall = if support > 0 {
                tp / f64::from(support)
            } else {
                0.0
            };
            let f1 = if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            per_role.push(RoleScores {
                role,
                precision,
                recall,
                f1,
                support,
            });
        }
        let macro_f1 = if per_role.is_empty() {
            0.0
        } else {
            per_role.iter().map(|r| r.f1).sum::<f64>() / per_role.len() as f64
        };
        Scores {
            accuracy: if total > 0 {
                f64::from(correct) / f64::from(total)
            } else {
                0.0
            },
            macro_f1,
            per_role,
            confusion: self.clone(),
        }
    }
}

impl Scores {
    /// A Markdown report: headline, per-role table, confusion matrix.
    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "accuracy **{:.3}**, macro-F1 **{:.3}** over {} postings; product-role postings read as `other`: **{:.1} %**\n\n",
            self.accuracy,
            self.macro_f1,
            self.confusion.total(),
            100.0 * self.confusion.product_as_other()
        );
        s.push_str("| role | precision | recall | F1 | support |\n|---|---|---|---|---|\n");
        for r in &self.per_role {
            s.push_str(&format!(
                "| `{}` | {:.3} | {:.3} | {:.3} | {} |\n",
                r.role, r.precision, r.recall, r.f1, r.support
            ));
        }
        s.push_str("\nConfusion matrix (rows: true role, columns: predicted):\n\n| |");
        for r in Role::ALL {
            s.push_str(&format!(" `{r}` |"));
        }
        s.push_str("\n|---|");
        s.push_str(&"---|".repeat(7));
        s.push('\n');
        for t in Role::ALL {
            s.push_str(&format!("| `{t}` |"));
            for p in Role::ALL {
                s.push_str(&format!(
                    " {} |",
                    self.confusion.counts[t.index()][p.index()]
                ));
            }
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_follow_the_textbook_definitions() {
        let mut c = Confusion::default();
        // 3 pm: 2 right, 1 as po. 2 po: both right. 1 other predicted as pm.
        c.add(Role::Pm, Role::Pm);
        c.add(Role::Pm, Role::Pm);
        c.add(Role::Pm, Role::Po);
        c.add(Role::Po, Role::Po);
        c.add(Role::Po, Role::Po);
        c.add(Role::Other, Role::Pm);
        let s = c.scores();
        assert!((s.accuracy - 4.0 / 6.0).abs() < 1e-12);
        let pm = s.per_role.iter().find(|r| r.role == Role::Pm).unwrap();
        assert!((pm.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((pm.recall - 2.0 / 3.0).abs() < 1e-12);
        let po = s.per_role.iter().find(|r| r.role == Role::Po).unwrap();
        assert!((po.precision - 2.0 / 3.0).abs() < 1e-12 && po.recall == 1.0);
        let other = s.per_role.iter().find(|r| r.role == Role::Other).unwrap();
        assert_eq!(other.f1, 0.0);
        // Roles absent from truth and predictions do not count in macro-F1.
        assert_eq!(s.per_role.len(), 3);
        assert!((s.macro_f1 - (2.0 / 3.0 + 0.8 + 0.0) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn merged_matrices_add_up() {
        let mut a = Confusion::default();
        a.add(Role::Pmm, Role::Pmm);
        let mut b = Confusion::default();
        b.add(Role::Pmm, Role::Other);
        a.merge(&b);
        assert_eq!(a.total(), 2);
        assert_eq!(a.product_as_other(), 0.5);
        assert!(a
            .scores()
            .to_markdown()
            .contains("| `pmm` | 1.000 | 0.500 |"));
    }
}
