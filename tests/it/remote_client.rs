//! The API client against a real `leads serve`, through a fault-injecting proxy on loopback.

use std::time::{Duration, Instant};

use leads::domain::lead::{Action, RejectReason};
use leads::remote::{Client, RemoteError, RetryPolicy, Token};

use crate::env::{TestEnv, lead};
use crate::proxy::{Fault, Proxy};
use crate::serve::{Backing, TOKEN, TestServer, env_on};
use crate::test_server::on_both_stores;

fn quick() -> RetryPolicy {
    RetryPolicy {
        attempts: 5,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        deadline: Duration::from_secs(10),
    }
}

fn client(url: &str, policy: RetryPolicy) -> Client {
    Client::new(url, Token::new(TOKEN), Duration::from_secs(2), policy).unwrap()
}

fn served() -> (TestEnv, TestServer) {
    served_on(Backing::Sqlite).expect("SQLite is always here")
}

/// Three pending leads on a server on `backing`; None when that is PostgreSQL and it is not
/// installed (the test then skips).
fn served_on(backing: Backing) -> Option<(TestEnv, TestServer)> {
    let env = env_on(backing)?;
    env.import(&[lead("a", 1), lead("b", 2), lead("c", 3)]);
    let server = TestServer::start(&env);
    Some((env, server))
}

fn charges(env: &TestEnv) -> usize {
    crate::serve::charges(env).len()
}

fn transient_faults_are_retried_with_the_same_key_until_the_decision_lands(backing: Backing) {
    let Some((env, server)) = served_on(backing) else {
        return;
    };
    let proxy = Proxy::start(
        &server.base,
        vec![
            Fault::Status(500, None),
            Fault::Drop,
            Fault::Status(503, None),
        ],
    );
    let reply = client(&proxy.url, quick())
        .decide("a", Action::Accept, None, None, "key-a")
        .unwrap();
    assert_eq!(reply.charge.unwrap().money.amount, 18000);
    let seen = proxy.seen();
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert!(
        seen.iter().all(|(_, key)| key.as_deref() == Some("key-a")),
        "{seen:?}"
    );
    assert_eq!(charges(&env), 1);
}

fn a_response_lost_after_the_server_committed_is_recovered_by_replay_without_a_second_charge(
    backing: Backing,
) {
    let Some((env, server)) = served_on(backing) else {
        return;
    };
    let proxy = Proxy::start(&server.base, vec![Fault::ForwardThenDrop]);
    let reply = client(&proxy.url, quick())
        .decide("b", Action::Accept, None, None, "key-b")
        .unwrap();
    assert!(reply.replayed, "the second attempt got the stored response");
    assert_eq!(charges(&env), 1);
}

#[test]
fn a_429_is_waited_out_for_at_least_its_retry_after() {
    let (_env, server) = served();
    let proxy = Proxy::start(&server.base, vec![Fault::Status(429, Some(1))]);
    let started = Instant::now();
    client(&proxy.url, quick())
        .decide(
            "c",
            Action::Reject,
            Some(RejectReason::TooBusy),
            None,
            "key-c",
        )
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(proxy.seen().len(), 2);
}

#[test]
fn other_4xx_answers_are_final_and_not_retried() {
    let (_env, server) = served();
    let proxy = Proxy::start(&server.base, vec![]);
    let c = client(&proxy.url, quick());
    c.decide("a", Action::Reject, Some(RejectReason::Other), None, "k1")
        .unwrap();
    let err = c.decide("a", Action::Accept, None, None, "k2").unwrap_err();
    assert!(
        matches!(&err, RemoteError::Refused(r) if r.status == 409 && r.code.as_deref() == Some("already_decided")),
        "{err}"
    );
    assert!(!err.is_transient());
    assert_eq!(
        proxy.seen().len(),
        2,
        "one request each: the 409 was not retried"
    );
}

/// A proxy's error page: long, several lines, and not the contract's error shape.
const TEAPOT_PAGE: &str = "<html>\n<head><title>418 I'm a teapot</title></head>\n<body>\n<h1>I'm a teapot</h1>\n<p>The gateway in front of the platform refused this request. \u{1b}[31mContact your network administrator if this persists; reference 7f3a9c1e-0b2d-4e5f-8a6b-9c0d1e2f3a4b.</p>\n</body>\n</html>\n";

#[test]
fn a_refusal_not_in_the_contracts_shape_says_its_status_and_what_the_body_said() {
    let (_env, server) = served();
    let proxy = Proxy::start(
        &server.base,
        vec![Fault::Answer(418, TEAPOT_PAGE), Fault::Answer(400, "")],
    );
    let c = client(&proxy.url, quick());
    let err = c.decide("a", Action::Accept, None, None, "k1").unwrap_err();
    assert!(!err.is_transient(), "{err}");
    let text = err.to_string();
    assert!(
        text.starts_with(
            "the API answered HTTP 418 I'm a teapot: \"<html> <head><title>418 I'm a teapot</title></head> <body>"
        ),
        "{text}"
    );
    // Shortened, on one line, and no terminal escapes from the body.
    assert!(text.ends_with("…\""), "{text}");
    assert!(text.chars().count() < 200, "{text}");
    assert!(!text.contains('\n') && !text.contains('\u{1b}'), "{text}");
    let err = c.decide("b", Action::Accept, None, None, "k2").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the API answered HTTP 400 Bad Request, with an empty body"
    );
    assert_eq!(proxy.seen().len(), 2, "a first answer like that is final");
}

#[test]
fn after_a_429_server_errors_and_answers_from_in_between_are_still_transient() {
    let (env, server) = served();
    let proxy = Proxy::start(
        &server.base,
        vec![
            Fault::Status(429, Some(0)),
            // A 5xx outside the contract's list, as CDNs send them.
            Fault::Status(520, None),
            // The first attempt may still be running on the server: the contract says retry.
            Fault::Answer(
                409,
                r#"{"error":{"code":"idempotency_key_in_use","message":"still running"}}"#,
            ),
            // A gateway's page, not the platform's word on the lead.
            Fault::Answer(400, TEAPOT_PAGE),
        ],
    );
    let reply = client(&proxy.url, quick())
        .decide("a", Action::Accept, None, None, "key-a")
        .unwrap();
    assert_eq!(reply.charge.unwrap().money.amount, 18000);
    assert_eq!(proxy.seen().len(), 5);
    assert_eq!(charges(&env), 1);
}

#[test]
fn after_an_error_answer_to_a_post_the_retry_goes_on_a_fresh_connection() {
    let (env, server) = served();
    // The 503 leaves its connection open but dead: a retry sent on it would never be answered.
    let proxy = Proxy::start(&server.base, vec![Fault::StatusThenStale(503)]);
    let policy = RetryPolicy {
        deadline: Duration::from_secs(3),
        ..quick()
    };
    let started = Instant::now();
    let reply = client(&proxy.url, policy)
        .decide("a", Action::Accept, None, None, "key-a")
        .unwrap();
    assert!(reply.charge.is_some());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(proxy.seen().len(), 2);
    assert_eq!(charges(&env), 1);
}

#[test]
fn faults_that_do_not_clear_end_in_a_bounded_unreachable_error() {
    let (_env, server) = served();
    let proxy = Proxy::start(&server.base, vec![Fault::Status(502, None); 5]);
    let err = client(&proxy.url, quick()).response_rate().unwrap_err();
    assert!(
        matches!(err, RemoteError::Unreachable { attempts: 5, .. }),
        "{err}"
    );
    assert!(err.is_transient());
    assert!(err.to_string().contains("HTTP 502"), "{err}");
}

#[test]
fn a_server_that_never_answers_ends_within_the_deadline() {
    let (_env, server) = served();
    let proxy = Proxy::start(&server.base, vec![Fault::Hang(Duration::from_secs(30)); 3]);
    let policy = RetryPolicy {
        deadline: Duration::from_millis(1500),
        ..quick()
    };
    let started = Instant::now();
    let err = client(&proxy.url, policy)
        .decide("a", Action::Accept, None, None, "k")
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[test]
fn a_wrong_token_is_a_401_and_the_token_appears_in_no_error() {
    let (_env, server) = served();
    let wrong = Client::new(
        &server.base,
        Token::new("the-wrong-token-sentinel"),
        Duration::from_secs(2),
        quick(),
    )
    .unwrap();
    let err = wrong.page(None, None, 10).unwrap_err();
    assert!(matches!(err, RemoteError::Unauthorized), "{err}");
    for text in [format!("{err}"), format!("{err:?}")] {
        assert!(!text.contains("the-wrong-token-sentinel"), "{text}");
    }
    let page = client(&server.base, quick())
        .page(Some("pending"), None, 2)
        .unwrap();
    assert_eq!(page.data.len(), 2);
    assert!(page.next_cursor.is_some());
}

on_both_stores!(
    transient_faults_are_retried_with_the_same_key_until_the_decision_lands,
    a_response_lost_after_the_server_committed_is_recovered_by_replay_without_a_second_charge,
);
