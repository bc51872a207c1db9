//! Parse, don't validate: a case or report whose stored state, outcome or category cannot be read is an error
//! naming the table and column, on both backends; the queue never shows it with a guessed value.

use casework::{CaseworkError, ReportCategory as Cat, SubjectType as Subj};
use store::StoreError;
use testkit::{TestDb, on_both_backends};

use crate::support::{T0, World, world};

on_both_backends!(
    a_case_whose_state_cannot_be_read_is_an_error,
    a_report_whose_category_cannot_be_read_is_an_error
);

/// Files a report about order `o1` and answers its case's id.
async fn a_case(w: &World) -> String {
    w.report("b1", Subj::Order, "o1", Cat::Phishing, T0)
        .await
        .unwrap()
        .case_id
}

fn corrupt(r: Result<impl std::fmt::Debug, CaseworkError>) -> String {
    match r {
        Err(CaseworkError::Store(StoreError::Corrupt(what))) => what,
        other => panic!("expected a corrupt-row error, got {other:?}"),
    }
}

async fn a_case_whose_state_cannot_be_read_is_an_error(db: &TestDb) {
    let w = world(db).await;
    let case = a_case(&w).await;
    db.execute("UPDATE cases SET state = 'limbo'").await;
    let what = corrupt(w.cw.case(&case).await);
    assert!(
        what.starts_with("cases.state: `limbo` is not a valid CaseState"),
        "{what}"
    );
}

async fn a_report_whose_category_cannot_be_read_is_an_error(db: &TestDb) {
    let w = world(db).await;
    let case = a_case(&w).await;
    db.execute("UPDATE reports SET category = 'rudeness'").await;
    let what = corrupt(w.cw.case_file(&case, T0).await.map(|f| f.reports.len()));
    assert!(
        what.starts_with("reports.category: `rudeness` is not a valid ReportCategory"),
        "{what}"
    );
}
