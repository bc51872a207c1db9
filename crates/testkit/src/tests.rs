use super::postgres_base_url;

#[test]
#[should_panic(expected = "this PostgreSQL test did not run: MG_TEST_POSTGRES_URL is not set")]
fn a_postgres_test_without_the_variable_fails() {
    postgres_base_url(None);
}

#[test]
#[should_panic(expected = "MG_TEST_POSTGRES_URL is not set")]
fn a_postgres_test_with_an_empty_variable_fails() {
    postgres_base_url(Some(" ".into()));
}

#[test]
fn a_postgres_test_with_the_variable_uses_it() {
    let url = "postgres://postgres@127.0.0.1:5432/test".to_string();
    assert_eq!(postgres_base_url(Some(url.clone())), url);
}
