use crate::common::*;
use serde_json::json;

#[test]
fn changes_survive_a_kill_and_restart() {
    let dir = new_dir("persist");
    let f = fixture();
    let args = ["--users-file", f.to_str().unwrap()];
    let sb = Sandbox::start(&dir, &args);
    let key_before = std::fs::read_to_string(dir.join("superadmin.key")).unwrap();
    let legacy = sb.superadmin();
    let oauth = sb.oauth("rsa.user.read rsa.group.users.manage");
    let r = sb.api("PUT", "/v1/users/f85b6e95-f41f-45b4-bc84-559fead6460c/userStatus", &legacy, Some(json!({"userStatus": "Disabled"})));
    assert_eq!(r.status, 200);
    assert_eq!(sb.api("PUT", "/v1/users/highrisk", &legacy, Some(json!({"action": "add", "users": ["j.doe1@mycompany.com"]}))).status, 200);
    let upd = json!({"id": "0a1b2c3d-0000-4000-8000-000000000014", "firstName": "Leigh", "userName": "leigh", "email": "leigh@mycompany.com",
        "identitySource": "Local Identity Source", "passwordCreationOption": "NONE"});
    assert_eq!(sb.api("PUT", "/v1/users/update", &oauth, Some(upd)).json()["save_succeeded"], true);
    let noid = sb.lookup(&legacy, "noid@mycompany.com").json()["id"].clone();
    let old_port = sb.port;
    let dir = sb.kill();

    let sb = Sandbox::start(&dir, &args);
    let key_after = std::fs::read_to_string(dir.join("superadmin.key")).unwrap();
    let (a, b): (serde_json::Value, serde_json::Value) = (serde_json::from_str(&key_before).unwrap(), serde_json::from_str(&key_after).unwrap());
    assert_eq!(a["accessID"], b["accessID"]);
    assert_eq!(a["accessKey"], b["accessKey"]);
    assert_eq!(b["adminRestApiUrl"], format!("http://127.0.0.1:{}/AdminInterface/restapi", sb.port));
    let _ = old_port;
    // Tokens from before the restart still work.
    assert_eq!(sb.lookup(&legacy, "user.one@mycompany.com").json()["userStatus"], "Disabled");
    assert_eq!(sb.lookup(&oauth, "j.doe1@mycompany.com").json()["highRiskUser"], true);
    assert_eq!(sb.lookup(&oauth, "leigh@mycompany.com").json()["firstName"], "Leigh");
    assert_eq!(sb.lookup(&oauth, "noid@mycompany.com").json()["id"], noid);
    let dir = sb.kill();

    // --reset: a new tenant.
    let sb = Sandbox::start(&dir, &["--users-file", f.to_str().unwrap(), "--reset"]);
    let key_reset: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("superadmin.key")).unwrap()).unwrap();
    assert_ne!(key_reset["accessID"], a["accessID"]);
    let t = sb.superadmin();
    assert_forbidden(&sb.lookup(&legacy, "user.one@mycompany.com"), "/AdminInterface/restapi/v1/users/lookup", REFUSED);
    assert_eq!(sb.lookup(&t, "user.one@mycompany.com").json()["userStatus"], "Enabled");
    assert_eq!(sb.lookup(&t, "leigh@mycompany.com").status, 404);
}

#[test]
fn generated_users_are_written_once_and_deterministic() {
    let a = Sandbox::start(&new_dir("gen-a"), &["--users", "15", "--seed", "42"]);
    let b = Sandbox::start(&new_dir("gen-b"), &["--users", "15", "--seed", "42"]);
    let c = Sandbox::start(&new_dir("gen-c"), &["--users", "15", "--seed", "43"]);
    let page = |sb: &Sandbox| sb.api("POST", "/v2/users/search?pageSize=25", &sb.helpdesk(), Some(json!({"emailLike": ".1@example.com"}))).json();
    assert_eq!(page(&a), page(&b));
    assert_ne!(page(&a), page(&c));
    let total = |sb: &Sandbox| sb.api("POST", "/v2/users/search", &sb.helpdesk(), Some(json!({"emailLike": "@"}))).json()["totalElements"].as_u64().unwrap();
    let fixed = total(&a) - 15;
    assert!(fixed >= 15, "{fixed}");
    // Restarting with another --users keeps the stored tenant.
    let dir = a.kill();
    let again = Sandbox::start(&dir, &["--users", "100"]);
    assert_eq!(total(&again), 15 + fixed);
    assert!(again.stderr.lock().unwrap().contains("--reset") || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        again.stderr.lock().unwrap().contains("--reset")
    });
    // --users 0: only the fixed users.
    let zero = Sandbox::start(&new_dir("gen-zero"), &["--users", "0"]);
    assert_eq!(total(&zero), fixed);
}

#[test]
fn users_file_loads_exactly_its_users() {
    let sb = shared_fixture();
    let r = sb.api("POST", "/v2/users/search", &sb.helpdesk(), Some(json!({"emailLike": "@"})));
    // 17 in the file, one of them unsynched.
    assert_eq!(r.json()["totalElements"], 16);
    assert_eq!(sb.lookup(&sb.helpdesk(), "markup.user@example.com").status, 404);
}

#[test]
fn key_files_are_2048_bit_pkcs1() {
    use rsa::traits::PublicKeyParts;
    let sb = shared();
    for file in ["superadmin.key", "helpdesk.key"] {
        let k = sb.key(file);
        assert_eq!(k.key.n().bits(), 2048);
        assert_eq!(k.url, format!("{}/AdminInterface/restapi", sb.origin));
        let raw: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(sb.dir.join(file)).unwrap()).unwrap();
        let mut keys: Vec<&str> = raw.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["accessID", "accessKey", "adminRestApiUrl", "customerName", "description"]);
    }
    assert_ne!(sb.key("superadmin.key").access_id, sb.key("helpdesk.key").access_id);
}

#[test]
fn bad_arguments_and_bad_users_files_exit_2() {
    let dir = new_dir("badargs");
    let d = dir.to_str().unwrap();
    for args in [
        vec!["--listen", "0.0.0.0:0", "--state-dir", d],
        vec!["--listen", "127.0.0.1:0"],
        vec!["--state-dir", d],
        vec!["--listen", "127.0.0.1:0", "--state-dir", d, "--users", "many"],
        vec!["--listen", "127.0.0.1:0", "--state-dir", d, "--fail-rate", "1.5"],
        vec!["--listen", "127.0.0.1:0", "--state-dir", d, "--rate-limit", "0"],
        vec!["--listen", "127.0.0.1:0", "--state-dir", d, "--frobnicate"],
        vec!["--listen", "nowhere", "--state-dir", d],
    ] {
        let e = run_expecting_exit(&args);
        assert_eq!(e.code, Some(2), "{args:?}: {}", e.stderr);
        assert!(e.stderr.contains("cas-sandbox:") && e.stderr.len() > 20, "{}", e.stderr);
    }
    for (name, text, words) in [
        ("broken.json", "[{\"emailAddress\": ", "JSON"),
        ("object.json", "{\"users\": []}", "array"),
        ("noemail.json", "[{\"firstName\": \"x\"}]", "emailAddress"),
        ("dupe.json", "[{\"emailAddress\": \"a@x.com\"}, {\"emailAddress\": \"A@x.com\"}]", "duplicate"),
        ("type.json", "[{\"emailAddress\": \"a@x.com\", \"markDeleted\": \"no\"}]", "#0"),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        let e = run_expecting_exit(&["--listen", "127.0.0.1:0", "--state-dir", d, "--users-file", file.to_str().unwrap()]);
        assert_eq!(e.code, Some(2), "{name}: {}", e.stderr);
        assert!(e.stderr.contains(words), "{name}: {}", e.stderr);
    }
    let e = run_expecting_exit(&["--listen", "127.0.0.1:0", "--state-dir", d, "--users-file", "/no/such/file.json"]);
    assert_eq!(e.code, Some(2));
    // Nothing was written by the refused starts.
    assert!(!dir.join("sandbox.db").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_sandbox_killed_mid_traffic_restarts_on_the_same_port_with_its_state() {
    let f = fixture();
    let sb = Sandbox::with_fixture(&[]);
    let port = sb.port;
    let t = sb.superadmin();
    // Open connections (ureq keeps them alive) when the process dies: the kernel closes them
    // from the sandbox's side, which leaves them in TIME_WAIT on its port.
    for _ in 0..5 {
        assert_eq!(sb.lookup(&t, "user.one@mycompany.com").status, 200);
    }
    let r = sb.api("PUT", "/v1/users/f85b6e95-f41f-45b4-bc84-559fead6460c/userStatus", &t, Some(json!({"userStatus": "Disabled"})));
    assert_eq!(r.status, 200);
    let dir = sb.kill();
    let listen = format!("127.0.0.1:{port}");
    let again = Sandbox::start(&dir, &["--users-file", f.to_str().unwrap(), "--listen", &listen]);
    assert_eq!(again.port, port);
    // The token minted before still works, and the change is there.
    assert_eq!(again.lookup(&t, "user.one@mycompany.com").json()["userStatus"], "Disabled");
}
