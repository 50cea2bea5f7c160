use crate::env::{TestEnv, path_str};

#[test]
fn the_example_config_loads_through_the_real_loader() {
    let env = TestEnv::new();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml");
    let run = env.run(&["--config", example, "config", "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("is valid"), "{}", run.stderr);
    let shown = env.run(&["--config", example, "config", "show"]).ok();
    assert_eq!(
        shown,
        env.run(&["config", "show"]).ok(),
        "the example is the defaults"
    );
}

#[test]
fn unknown_keys_name_the_file_line_key_and_choices() {
    let env = TestEnv::new();
    env.write_config("[freshness]\nshelf_life = \"48h\"\nurgnet = \"6h\"\n");
    let err = env.run(&["list"]).fails(3);
    assert!(err.contains(path_str(&env.config_path())), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(
        err.contains("unknown field `urgnet`, expected one of `shelf_life`, `urgent`, `soon`"),
        "{err}"
    );
    assert!(err.contains("config.example.toml"), "{err}");
    let err = env.run(&["config", "check"]).fails(3);
    assert!(err.contains("urgnet"), "{err}");
}

#[test]
fn bad_values_say_what_is_allowed_and_change_nothing() {
    let env = TestEnv::new();
    for (text, expected) in [
        (
            "[response_rate]\nthreshold = 1.5\n",
            "a decimal above 0 and at most 1",
        ),
        (
            "[response_rate]\nwindow_days = 0\n",
            "window_days must be 1 to 365",
        ),
        (
            "[freshness]\nsoon = \"2 days\"\n",
            "\"2 days\" is not a duration",
        ),
        (
            "[budget]\nweekly_cap = \"lots\"\n",
            "write it like \"3000 TWD\"",
        ),
        (
            "[budget]\nweekly_cap = \"0 TWD\"\n",
            "weekly_cap must be more than 0",
        ),
        ("[freshness\n", "unclosed table, expected `]`"),
        ("mystery = 1\n", "unknown field `mystery`"),
    ] {
        env.write_config(text);
        let err = env.run(&["status"]).fails(3);
        assert!(err.contains(expected), "{text:?}: {err}");
    }
    assert!(
        !env.data_dir().exists(),
        "a bad config must not create a store"
    );
}

#[test]
fn a_named_config_must_exist_but_the_default_may_not() {
    let env = TestEnv::new();
    let err = env
        .run(&["--config", "/nope/leads.toml", "status"])
        .fails(3);
    assert!(
        err.contains("config file /nope/leads.toml does not exist"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    // No LEADS_CONFIG: the platform default under a fresh HOME does not exist, and that is fine.
    let run = env
        .command()
        .env_remove("LEADS_CONFIG")
        .args(["config", "path"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(text.contains("config.toml"), "{text}");
}

#[test]
fn paths_follow_flags_and_environment() {
    let env = TestEnv::new();
    let out = env.run(&["config", "path", "--plain"]).ok();
    assert_eq!(
        out,
        format!(
            "config\t{}\ndata_dir\t{}\n",
            env.config_path().display(),
            env.data_dir().display()
        )
    );
    let out = env
        .run(&["--data-dir", "/tmp/elsewhere", "config", "path", "--plain"])
        .ok();
    assert!(out.contains("data_dir\t/tmp/elsewhere"), "{out}");
}

#[test]
fn a_bad_clock_override_is_a_usage_error() {
    let env = TestEnv::new();
    let run = env
        .command()
        .env("LEADS_NOW", "tomorrow")
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8(run.stderr).unwrap();
    assert!(
        err.contains("LEADS_NOW=\"tomorrow\" is not an RFC 3339 time"),
        "{err}"
    );
}

#[test]
fn bad_values_are_told_without_rust_type_names() {
    let env = TestEnv::new();
    for (text, expected) in [
        ("[response_rate]\nwindow_days = \"x\"\n", "a whole number"),
        ("[response_rate]\nwindow_days = -3\n", "a whole number"),
        ("[remote]\nretries = 1.5\n", "a whole number"),
        ("[remote]\nretries = 99999999999\n", "a whole number"),
        (
            "[conditions]\nservices = \"cleaning\"\n",
            "a list in brackets",
        ),
        ("[conditions]\nareas = [1]\n", "text in quotes"),
        ("[remote]\nallow_insecure_http = \"yes\"\n", "true or false"),
        ("freshness = 3\n", "a table"),
        (
            "[response_rate]\nthreshold = true\n",
            "a decimal above 0 and at most 1",
        ),
        ("source = 3\n", "in quotes"),
        (
            "[[rules]]\nwhen = \"outside_area\"\naction = 3\n",
            "in quotes",
        ),
    ] {
        env.write_config(text);
        let err = env.run(&["config", "check"]).fails(3);
        assert!(err.contains(expected), "{text:?}: {err}");
        for rust in [
            "u32",
            "u64",
            "i64",
            "f64",
            "sequence",
            "struct",
            "untagged",
            "enum",
            "variant",
            "wanted string or table",
            "a map",
        ] {
            assert!(!err.contains(rust), "{text:?} says {rust:?}: {err}");
        }
    }
}
