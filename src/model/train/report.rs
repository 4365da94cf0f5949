//! The training report, as Markdown.

use super::TrainReport;

impl TrainReport {
    /// The report as Markdown: the comparison table, the nested estimate and
    /// the chosen candidate's details.
    pub fn to_markdown(&self) -> String {
        let mut s = String::from("| candidate | accuracy | macro-F1 |\n|---|---|---|\n");
        for c in &self.candidates {
            s.push_str(&format!(
                "| {} | {:.3} | {:.3} |\n",
                c.name, c.scores.accuracy, c.scores.macro_f1
            ));
        }
        s.push_str(&format!(
            "\nChosen on all postings: **{}**. Chosen inside each outer training part: {}.\n\n",
            self.chosen,
            self.chosen_per_fold.join("; ")
        ));
        if let Some(d) = self.detector.calibration() {
            s.push_str(&format!(
                "### Backlog-manager flag\n\nThreshold **{:.2}** on the flag's score — the duty reading's probability of `po` \
                 against the role the title claims — for postings titled as a PM (chosen by F0.5 on out-of-fold scores). \
                 Cross-validated, with the threshold chosen without the fold scored: precision **{:.3}**, recall **{:.3}** \
                 over {} backlog managers and {} other PM-titled postings.\n\n",
                self.detector.threshold(),
                d.precision,
                d.recall,
                d.positives,
                d.negatives
            ));
        } else {
            s.push_str(&format!(
                "### Backlog-manager flag

Not calibrated: the training postings did not include both backlog managers                  and other postings titled as a PM, so the flag keeps the default threshold **{:.2}**.

",
                self.detector.threshold()
            ));
        }
        let c = &self.calibration;
        s.push_str(&format!(
            "### Calibration\n\nTemperatures fitted on out-of-fold scores by log-loss: **{:.3}** (role reading), \
             **{:.3}** (duty reading). Expected calibration error of the role reading's confidence, out of fold: \
             **{:.3}** before, **{:.3}** after (each fold's temperature fitted on the other folds).\n\n{}\n",
            c.role_temperature,
            c.duty_temperature,
            c.role_ece_before,
            c.role_ece,
            crate::model::evaluate::reliability_markdown(&c.role_reliability)
        ));
        s.push_str(&format!(
            "### The duty reading of the chosen candidate, out of fold\n\n{}\n",
            self.duty.to_markdown()
        ));
        s.push_str(
            "### The whole procedure, cross-validated (choice made inside the training folds)\n\n",
        );
        s.push_str(&self.nested.to_markdown());
        for c in &self.candidates {
            s.push_str(&format!("\n### {}\n\n{}", c.name, c.scores.to_markdown()));
        }
        s
    }
}
