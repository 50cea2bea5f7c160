//! Several accounts in one config (`[[sources]]`): two Leads API accounts, each a real `leads serve`
//! on loopback behind its own proxy and with its own token, and one local account, in one inbox.

use serde_json::{Value, json};

use crate::env::{Run, TestEnv, decided, expired, lead, path_str};
use crate::proxy::{Fault, Proxy};
use crate::serve::TestServer;

const PRO360_TOKEN: &str = "pro360-token-sentinel-1111111111";
const HOMEY_TOKEN: &str = "homey-token-sentinel-2222222222";

/// A platform: a store of its own, `leads serve` over it, and a proxy in front.
struct Platform {
    /// The platform's store, a temp dir kept for as long as its server runs.
    _store: TestEnv,
    server: TestServer,
    proxy: Proxy,
}

impl Platform {
    fn start(leads: &[Value], token: &str) -> Platform {
        let env = TestEnv::new();
        env.import(leads);
        let server = TestServer::start_with_token(&env, token);
        let proxy = Proxy::start(&server.base, vec![]);
        Platform {
            _store: env,
            server,
            proxy,
        }
    }

    /// The lead as the platform has it.
    fn lead(&self, id: &str) -> Value {
        self.server.get(&format!("/v1/leads/{id}")).json().unwrap()
    }

    fn posts(&self) -> Vec<String> {
        self.proxy
            .seen()
            .into_iter()
            .map(|(line, _)| line)
            .filter(|line| line.starts_with("POST"))
            .collect()
    }

    fn messages(&self, id: &str) -> Vec<Value> {
        let body: Value = self
            .server
            .get(&format!("/v1/leads/{id}/messages"))
            .json()
            .unwrap();
        body["data"].as_array().unwrap().clone()
    }
}

/// PRO360 (safe: 20 of 20 answered, 2 pending), Homey (below its own 90%: 5 of 10) and a local
/// account (at risk: 3 of 4, 2 pending), every one with a lead of platform id `p1`.
struct Three {
    pro360: Platform,
    homey: Platform,
    client: TestEnv,
}

fn answered(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let action = if i % 2 == 0 { "accept" } else { "reject" };
            decided(&format!("h{i}"), 100 + i as i64, action)
        })
        .collect()
}

fn config(pro360: &str, homey: &str) -> String {
    format!(
        r#"[remote]
connect_timeout = "1s"
timeout = "3s"
retries = 2

[[sources]]
name = "pro360"
kind = "leads_api"
url = "{pro360}"
token_env = "PRO360_TOKEN"

[[sources]]
name = "homey"
kind = "leads_api"
url = "{homey}"
token_env = "HOMEY_TOKEN"
threshold = 0.9
window_days = 14

[[sources]]
name = "own"
kind = "local"
"#
    )
}

impl Three {
    fn start() -> Three {
        let mut pro360_leads = vec![lead("p1", 1), lead("p2", 2)];
        pro360_leads.extend(answered(20));
        let pro360 = Platform::start(&pro360_leads, PRO360_TOKEN);
        let mut homey_leads = vec![lead("p1", 3)];
        homey_leads.extend(answered(5));
        homey_leads.extend((0..5).map(|i| expired(&format!("x{i}"), 200 + i)));
        let homey = Platform::start(&homey_leads, HOMEY_TOKEN);
        let client = TestEnv::new();
        client.write_config(&config(&pro360.proxy.url, &homey.proxy.url));
        let three = Three {
            pro360,
            homey,
            client,
        };
        let mut own = vec![lead("p1", 4), lead("p2", 5), expired("x0", 200)];
        own.extend(answered(3));
        let file = three
            .client
            .write("own.json", &Value::Array(own).to_string());
        three
            .run(&["import", "--account", "own", path_str(&file)])
            .ok();
        three
    }

    /// The client, with each account's token in its own variable.
    fn run(&self, args: &[&str]) -> Run {
        Run::from(
            self.client
                .command()
                .env("PRO360_TOKEN", PRO360_TOKEN)
                .env("HOMEY_TOKEN", HOMEY_TOKEN)
                .args(args)
                .output()
                .unwrap(),
        )
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.run(args).ok()).unwrap()
    }

    /// (id, account) of each row of `leads list --plain ARGS`.
    fn rows(&self, args: &[&str]) -> Vec<(String, String)> {
        let mut all = vec!["list", "--plain"];
        all.extend_from_slice(args);
        self.run(&all)
            .ok()
            .lines()
            .map(|l| {
                let cells: Vec<&str> = l.split('\t').collect();
                (cells[0].to_string(), cells[1].to_string())
            })
            .collect()
    }
}

fn sorted(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
    v.sort();
    v
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    sorted(
        items
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
    )
}

#[test]
fn three_accounts_make_one_inbox_with_an_account_column() {
    let t = Three::start();
    let rows = t.rows(&[]);
    assert_eq!(
        sorted(rows.clone()),
        pairs(&[
            ("homey/p1", "homey"),
            ("own/p1", "own"),
            ("own/p2", "own"),
            ("pro360/p1", "pro360"),
            ("pro360/p2", "pro360"),
        ]),
        "the same platform id in three accounts is three leads"
    );
    // One queue, most urgent first across the accounts: the oldest lead lapses first.
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        ["own/p2", "own/p1", "homey/p1", "pro360/p2", "pro360/p1"]
    );

    let listed = t.json(&["list", "--json"]);
    let first = &listed[0];
    assert_eq!(first["id"], "own/p2");
    assert_eq!(first["account"], "own", "{first}");

    // On a terminal, from the cache (the terminal run has no tokens).
    let table = t.client.on_terminal(110, &["list", "--offline"]);
    let header = table.lines().find(|l| l.starts_with("ID")).unwrap();
    assert!(header.contains("ACCOUNT"), "{table}");
    let row = table.lines().find(|l| l.starts_with("homey/p1")).unwrap();
    assert!(row.contains(" homey "), "{table}");

    // Each lead shows whole, by its id with the account in front.
    let shown = t.json(&["show", "pro360/p1", "--json"]);
    assert_eq!(
        (shown["id"].clone(), shown["account"].clone()),
        (json!("pro360/p1"), json!("pro360"))
    );
}

/// More leads than ten batches of the list's reading: the reading thread looks up each
/// batch's accounts and hands the leads over decoded, and the writing thread gives their memory
/// back for the next batch. Every lead is listed once, with its account, in the JSON's order.
#[test]
fn a_long_list_of_several_accounts_names_each_leads_account() {
    let t = Three::start();
    t.run(&[
        "demo",
        "--no-show",
        "--count",
        "2600",
        "--history",
        "0",
        "--force",
    ])
    .ok();
    let rows = t.rows(&[]);
    let listed = t.json(&["list", "--json"]);
    let expected: Vec<(String, String)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let field = |name: &str| l[name].as_str().unwrap().to_string();
            (field("id"), field("account"))
        })
        .collect();
    assert!(expected.len() > 2600, "{}", expected.len());
    assert_eq!(rows, expected);
    assert!(
        rows.iter()
            .all(|(id, account)| id.starts_with(&format!("{account}/")))
    );
}

#[test]
fn a_single_source_config_shows_no_account() {
    let env = TestEnv::new();
    env.import(&[lead("a", 1)]);
    let listed: Value = serde_json::from_str(&env.run(&["list", "--json"]).ok()).unwrap();
    assert!(listed[0].get("account").is_none(), "{listed}");
    let table = env.on_terminal(110, &["list"]);
    assert!(!table.contains("ACCOUNT"), "{table}");
    let status: Value = serde_json::from_str(&env.run(&["status", "--json"]).ok()).unwrap();
    let accounts = status["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{status}");
    assert_eq!(accounts[0]["name"], "local");
    assert_eq!(accounts[0]["verdict"], status["verdict"]);
}

#[test]
fn a_decision_goes_to_its_own_accounts_server_and_nowhere_else() {
    let t = Three::start();
    t.run(&["sync"]).ok();
    let before = (t.pro360.posts().len(), t.homey.posts().len());
    assert_eq!(before, (0, 0));

    t.run(&["accept", "homey/p1", "--yes"]).ok();
    assert_eq!(t.homey.lead("p1")["status"], "accepted");
    assert_eq!(t.pro360.lead("p1")["status"], "pending");
    assert_eq!(t.homey.posts(), ["POST /v1/leads/p1/accept HTTP/1.1"]);
    assert!(t.pro360.posts().is_empty(), "{:?}", t.pro360.posts());

    // A reply goes to the same platform, under the platform's id.
    t.run(&["reply", "homey/p1", "-m", "Saturday morning works for me"])
        .ok();
    assert_eq!(t.homey.messages("p1").len(), 1);
    // And so does its outcome.
    t.run(&["won", "homey/p1", "--value", "4,500"]).ok();
    assert_eq!(t.homey.lead("p1")["outcome"]["result"], "won");
    assert!(t.pro360.posts().is_empty());

    // A local account's decision reaches no server at all.
    t.run(&["reject", "own/p1", "--reason", "busy"]).ok();
    t.run(&["reject", "pro360/p2", "--reason", "busy"]).ok();
    assert_eq!(t.pro360.posts(), ["POST /v1/leads/p2/reject HTTP/1.1"]);
    assert_eq!(t.homey.posts().len(), 3);
    let own: Value = t.json(&["show", "own/p1", "--json"]);
    assert_eq!(own["status"], "rejected");

    // One account down holds only its own decisions back.
    t.homey.proxy.then(Fault::Drop);
    let synced = t.run(&["sync"]);
    assert_eq!(synced.code, 1, "{}", synced.stderr);
    assert!(synced.stderr.contains("homey"), "{}", synced.stderr);
    let run = t.run(&["reject", "pro360/p1", "--reason", "busy"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(t.pro360.lead("p1")["status"], "rejected");
}

#[test]
fn account_narrows_every_command() {
    let t = Three::start();
    assert_eq!(
        sorted(t.rows(&["--account", "homey"])),
        pairs(&[("homey/p1", "homey")])
    );

    // A lead of another account is not there for the command.
    let err = t
        .run(&["accept", "pro360/p1", "--yes", "--account", "homey"])
        .fails(6);
    assert!(err.contains("pro360/p1"), "{err}");
    assert_eq!(t.pro360.lead("p1")["status"], "pending");

    // Filters select within the account only.
    t.run(&[
        "reject",
        "--all",
        "--reason",
        "busy",
        "--yes",
        "--account",
        "own",
    ])
    .ok();
    assert_eq!(
        sorted(t.rows(&[])),
        pairs(&[
            ("homey/p1", "homey"),
            ("pro360/p1", "pro360"),
            ("pro360/p2", "pro360"),
        ])
    );
    t.run(&["accept", "--all", "--yes", "--account", "pro360"])
        .ok();
    assert_eq!(t.pro360.lead("p2")["status"], "accepted");
    assert_eq!(t.homey.lead("p1")["status"], "pending");
    t.run(&["accept", "homey/p1", "--yes"]).ok();

    let followups = |account: &str| -> Vec<String> {
        let rows = t.json(&["followups", "--json", "--account", account]);
        let mut ids: Vec<String> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(followups("pro360"), ["pro360/p1", "pro360/p2"]);
    assert_eq!(followups("homey"), ["homey/p1"]);

    let status = t.json(&["status", "--json", "--account", "homey"]);
    let accounts = status["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{status}");
    assert_eq!(accounts[0]["name"], "homey");

    // An account the config does not name is refused, with the names it has.
    let err = t.run(&["list", "--account", "yelp"]).fails(2);
    assert!(err.contains("\"yelp\""), "{err}");
    assert!(err.contains("pro360, homey, own"), "{err}");
}

#[test]
fn status_shows_each_accounts_rate_and_check_exits_by_the_worst() {
    let t = Three::start();
    t.run(&["sync"]).ok();
    let status = t.run(&["status"]).ok();
    for heading in ["pro360", "homey", "own"] {
        assert!(
            status.lines().any(|l| l.starts_with(heading)),
            "no {heading} block: {status}"
        );
    }
    assert!(
        status.contains("Safe: 100.0% is at or above 75%"),
        "{status}"
    );
    assert!(status.contains("Below 90%"), "{status}");
    assert!(status.contains("At risk: answer"), "{status}");

    let check = t.run(&["status", "--check"]);
    assert_eq!(check.code, 11, "{}", check.stdout);
    let lines: Vec<&str> = check.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", check.stdout);
    assert!(lines[0].starts_with("pro360: Safe"), "{lines:?}");
    assert!(lines[1].starts_with("homey: Below 90%"), "{lines:?}");
    assert!(lines[2].starts_with("own: At risk"), "{lines:?}");
    assert_eq!(t.run(&["status", "--check", "--account", "pro360"]).code, 0);
    assert_eq!(t.run(&["status", "--check", "--account", "own"]).code, 10);

    let v = t.json(&["status", "--json"]);
    let accounts = v["accounts"].as_array().unwrap();
    let by_name = |name: &str| accounts.iter().find(|a| a["name"] == name).unwrap();
    assert_eq!(accounts.len(), 3, "{v}");
    assert_eq!(by_name("pro360")["verdict"], "safe");
    assert_eq!(by_name("pro360")["kind"], "leads_api");
    assert_eq!(by_name("homey")["verdict"], "below");
    assert_eq!(by_name("homey")["threshold"], json!(0.9));
    assert_eq!(by_name("homey")["window_days"], json!(14));
    assert_eq!(by_name("homey")["platform"]["received"], json!(10));
    assert_eq!(by_name("own")["verdict"], "at_risk");
    assert_eq!(by_name("own")["kind"], "local");
    assert_eq!(
        (
            by_name("own")["responded"].clone(),
            by_name("own")["received"].clone()
        ),
        (json!(3), json!(4))
    );
    // The top level is the account the check exits by.
    assert_eq!(v["verdict"], "below");
    assert_eq!(v["account"], "homey");
}

#[test]
fn no_token_of_any_account_shows_in_any_output() {
    let t = Three::start();
    let commands: &[&[&str]] = &[
        &["sync"],
        &["sync", "--json"],
        &["list"],
        &["list", "--json"],
        &["show", "homey/p1"],
        &["status"],
        &["status", "--json"],
        &["reject", "pro360/p1", "--reason", "busy"],
        &["accept", "homey/p1", "--yes"],
        &["reply", "homey/p1", "-m", "See you Saturday"],
        &["history", "--json"],
        &["config", "show"],
        &["config", "check"],
    ];
    let mut all = String::new();
    for args in commands {
        let run = t.run(&[&["-vv"][..], args].concat());
        all.push_str(&run.stdout);
        all.push_str(&run.stderr);
    }
    // Down, then refused.
    t.homey.proxy.then(Fault::Drop);
    t.pro360.proxy.then(Fault::Status(401, None));
    for args in [
        &["sync"][..],
        &["list"],
        &["reject", "pro360/p2", "--reason", "busy"],
    ] {
        let run = t.run(&[&["-vv"][..], args].concat());
        all.push_str(&run.stdout);
        all.push_str(&run.stderr);
    }
    assert!(
        all.contains("leads: GET /v1/leads"),
        "requests were logged: {all}"
    );
    assert!(
        all.contains("PRO360_TOKEN"),
        "the 401 names the variable: {all}"
    );
    for token in [PRO360_TOKEN, HOMEY_TOKEN] {
        assert!(!all.contains(token), "{all}");
        for p in [&t.pro360, &t.homey] {
            let log = p.server.log.lock().unwrap().clone();
            assert!(!log.contains(token), "{log}");
        }
    }
}

#[test]
fn the_config_says_what_is_wrong_with_an_account() {
    let env = TestEnv::new();
    let check = |text: &str| -> String {
        env.write_config(text);
        env.run(&["config", "check"]).fails(3)
    };
    let e = check("[[sources]]\nname = \"tt\"\nkind = \"thumbtack\"\n");
    assert!(e.contains("thumbtack") && e.contains("token_env"), "{e}");
    // Without webhook auth a thumbtack account is valid (it pulls); `leads serve` asks for it.
    env.write_config(
        "[[sources]]\nname = \"tt\"\nkind = \"thumbtack\"\ntoken_env = \"T\"\nbusiness_id = \"1\"\n",
    );
    env.run(&["config", "check"]).ok();
    let e = check("[[sources]]\nname = \"y\"\nkind = \"yelp\"\n");
    assert!(e.contains("yelp") && e.contains("token_env"), "{e}");
    let e = check(
        "[[sources]]\nname = \"y\"\nkind = \"yelp\"\ntoken_env = \"Y\"\nwebhook_username = \"u\"\n",
    );
    assert!(e.contains("go together"), "{e}");
    let e = check("[[sources]]\nname = \"o\"\nkind = \"local\"\nbusiness_id = \"1\"\n");
    assert!(e.contains("thumbtack and yelp"), "{e}");
    let e = check(
        "[[sources]]\nname = \"a\"\nkind = \"local\"\n[[sources]]\nname = \"a\"\nkind = \"local\"\n",
    );
    assert!(e.contains("\"a\"") && e.contains("twice"), "{e}");
    let e = check("[[sources]]\nname = \"My Account\"\nkind = \"local\"\n");
    assert!(e.contains("\"My Account\""), "{e}");
    let e = check("[[sources]]\nname = \"p\"\nkind = \"leads_api\"\ntoken_env = \"T\"\n");
    assert!(e.contains("url"), "{e}");
    let e = check(
        "[[sources]]\nname = \"p\"\nkind = \"leads_api\"\nurl = \"https://api.example.com\"\n",
    );
    assert!(e.contains("token_env"), "{e}");
    let e = check(
        "source = \"remote\"\n[remote]\nurl = \"https://api.example.com\"\n[[sources]]\nname = \"a\"\nkind = \"local\"\n",
    );
    assert!(e.contains("[[sources]]") && e.contains("source"), "{e}");
    let e = check("[[sources]]\nname = \"a\"\nkind = \"local\"\nthreshold = 2\n");
    assert!(e.contains("at most 1"), "{e}");
    let e = check("[[sources]]\nname = \"a\"\nkind = \"local\"\nwindow_days = 0\n");
    assert!(e.contains("window_days"), "{e}");
    let e = check("[[sources]]\nname = \"a\"\nkind = \"local\"\nurl = \"https://x.example\"\n");
    assert!(e.contains("url"), "{e}");
    // And a good one passes.
    env.write_config(&config("https://a.example", "https://b.example"));
    env.run(&["config", "check"]).ok();
}

#[test]
fn import_and_demo_go_into_a_local_account() {
    let t = Three::start();
    let file = t
        .client
        .write("more.json", &json!([lead("n1", 1)]).to_string());
    // Without --account, the one local account takes it.
    t.run(&["import", path_str(&file)]).ok();
    assert!(t.rows(&[]).contains(&("own/n1".into(), "own".into())));
    // A Leads API account's leads come from its platform only.
    let err = t
        .run(&["import", path_str(&file), "--account", "homey"])
        .fails(2);
    assert!(err.contains("homey") && err.contains("local"), "{err}");
    // The samples too, under the account's name, beside its own leads.
    t.run(&[
        "demo",
        "--no-show",
        "--count",
        "2",
        "--history",
        "0",
        "--force",
    ])
    .ok();
    let rows = t.rows(&["--account", "own"]);
    assert!(
        rows.contains(&("own/dm-0001".into(), "own".into())),
        "{rows:?}"
    );
    assert!(rows.contains(&("own/n1".into(), "own".into())), "{rows:?}");
}

#[test]
fn leads_from_before_accounts_are_kept_and_status_says_so() {
    let env = TestEnv::new();
    env.import(&[lead("a", 1), lead("b", 2)]);
    env.write_config("[[sources]]\nname = \"own\"\nkind = \"local\"\n");
    let run = env.run(&["status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("2 leads in the store belong to none of the config's accounts"),
        "{}",
        run.stderr
    );
    assert!(env.ids(&[]).is_empty());
    // Back to the single source, they are all there.
    env.write_config("");
    assert_eq!(env.ids(&[]).len(), 2);
    let run = env.run(&["status"]);
    assert!(!run.stderr.contains("belong to none"), "{}", run.stderr);
}

#[test]
fn the_inbox_names_each_leads_account_and_sends_its_decision_there() {
    let t = Three::start();
    t.run(&["sync"]).ok();
    let mut cmd = t.client.process();
    cmd.arg("inbox")
        .env("PRO360_TOKEN", PRO360_TOKEN)
        .env("HOMEY_TOKEN", HOMEY_TOKEN)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
    // The worst rate of the three leads the header.
    p.exp_string("on homey (threshold 90%").unwrap();
    p.exp_string("own/p2").unwrap();
    p.exp_string("Account own").unwrap();
    for _ in 0..2 {
        p.send("s").unwrap();
        p.flush().unwrap();
    }
    p.exp_string("homey/p1").unwrap();
    p.exp_string("Account homey").unwrap();
    p.send("r").unwrap();
    p.flush().unwrap();
    p.send("5").unwrap();
    p.flush().unwrap();
    p.exp_string("Rejected homey/p1 (too_busy)").unwrap();
    p.exp_string("homey rate").unwrap();
    p.send("q").unwrap();
    p.flush().unwrap();
    p.exp_string("rate homey").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(t.homey.lead("p1")["status"], "rejected");
    assert!(t.pro360.posts().is_empty());
}
