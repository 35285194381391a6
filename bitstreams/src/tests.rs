use super::*;

#[test]
fn shipped_configurations_load() {
    assert_eq!(builtin_names(), ["hasher8", "membench8", "mixed8", "pair2"]);
    let (m, _) = Manifest::find("mixed8").unwrap();
    assert_eq!(m.slots.len(), 8);
    assert_eq!(m.slots[7], AccelKind::Rogue);
    for kind in AccelKind::ALL {
        assert!(m.slots.contains(&kind), "mixed8 lacks {kind}");
    }
    let (m, _) = Manifest::find("membench8").unwrap();
    assert!(m.slots.iter().all(|k| *k == AccelKind::Membench) && m.slots.len() == 8);
    let (m, _) = Manifest::find("pair2").unwrap();
    assert_eq!(m.slots, [AccelKind::Membench; 2]);
}

#[test]
fn fnv1a_128_matches_the_reference_vectors() {
    assert_eq!(fnv1a_128(b""), 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d);
    assert_eq!(fnv1a_128(b"a"), 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
}

#[test]
fn shell_id_depends_on_meaning_not_text() {
    let p = Path::new("m.toml");
    let a = Manifest::parse("name = \"x\"\nslots = [\"membench\", \"hasher\"]\n", p).unwrap();
    let b = Manifest::parse(
        "# comment\nname = \"x\"\ndescription = \"other words\"\nslots = [ \"membench\",\"hasher\" ]\n[shell]\nmux = \"tree\"\n",
        p,
    )
    .unwrap();
    let c = Manifest::parse("name = \"x\"\nslots = [\"hasher\", \"membench\"]\n", p).unwrap();
    let d = Manifest::parse(
        "name = \"x\"\nslots = [\"membench\", \"hasher\"]\n[shell]\nmux = \"flat\"\n",
        p,
    )
    .unwrap();
    assert_eq!(a.shell_id(0x10000), b.shell_id(0x10000));
    assert_ne!(a.shell_id(0x10000), c.shell_id(0x10000));
    assert_ne!(a.shell_id(0x10000), d.shell_id(0x10000));
    assert_ne!(a.shell_id(0x10000), a.shell_id(0x10001));
    assert_ne!(a.shell_id(1), [0, 0]);
}

#[test]
fn bad_manifests_say_what_is_wrong() {
    let p = Path::new("m.toml");
    let err = |t: &str| Manifest::parse(t, p).unwrap_err().to_string();
    assert!(err("name = \"x\"\nslots = [\"gpu\"]\n").contains("unknown variant `gpu`"));
    assert!(err("name = \"x\"\nslots = []\n").contains("1 to 16"));
    assert!(
        err(&format!(
            "name = \"x\"\nslots = [{}]\n",
            vec!["\"rogue\""; 17].join(",")
        ))
        .contains("17 slots")
    );
    assert!(err("name = \"x\"\nslot = [\"rogue\"]\n").contains("unknown field `slot`"));
    assert!(err("name = \"a b\"\nslots = [\"rogue\"]\n").contains("letters, digits"));
    assert!(err("slots = [\"rogue\"]\n").contains("missing field `name`"));
    let e = Manifest::find("no-such-config").unwrap_err().to_string();
    assert!(e.contains("hasher8, membench8, mixed8, pair2"), "{e}");
}
