//! The flow's paths (`callc::ir::paths`): every enumerated path is a real
//! walk of the flow that respects `retry`, the bounds are kept and said,
//! events are followed only when asked, and the search that W0220 uses
//! agrees with the enumeration.

// Tests and benchmarks read fixtures and run the binary (clippy.toml keeps that out of the core).
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::time::Instant;

use callc::check::LintLevels;
use callc::ir::paths::{self, At, Bound, Events, Limits, Move, Outcome, Path, Rules};
use callc::ir::{Event, On, Spec, Target};

fn compiled(name: &str, text: &str) -> callc::Compiled {
    callc::compile(name, text.as_bytes(), &LintLevels::default())
}

fn spec_of(c: &callc::Compiled) -> &Spec {
    c.spec_if_ok().unwrap_or_else(|| panic!("{:#?}", c.diagnostics))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

const SPECS: &[&str] = &[
    "specs/taishan_renewal.call",
    "specs/zh_renewal_followup.call",
    "specs/en_dental_reminder.call",
    "specs/zh_broadband_retention.call",
    "tests/fixtures/every_word.call",
];

/// Walks `path` through the flow as the runtime would, and fails unless
/// every hop is a move the step (or transfer) really has, the step runs no
/// more often than its `retry` (or `max_visits`) allows, retries are spent
/// only when a step would run once too often, and the last move reaches
/// the outcome.
fn replay(spec: &Spec, path: &Path, max_visits: u8) {
    let shown = path.arrows(spec, 100);
    let mut at: Target = match path.start {
        Some(g) => {
            assert!(spec.global_branches[g].is_at_start(), "{shown}");
            spec.global_branches[g].target
        }
        None => Target::Step(0),
    };
    let mut runs = vec![0u8; spec.steps.len()];
    let cap = |i: usize| spec.steps[i].retry.map_or(max_visits, |r| r.max + 1);
    for (n, hop) in path.hops.iter().enumerate() {
        let here = match (at, hop.at) {
            (Target::Step(i), At::Step(j)) if i == j => Some(i),
            (Target::Transfer(k), At::Transfer(l)) if k == l => None,
            _ => panic!("hop {n} of {shown} is at {:?}, but the call is at {at:?}", hop.at),
        };
        if let Some(i) = here {
            let step = &spec.steps[i];
            if hop.by == Move::RetriesSpent {
                let r = step
                    .retry
                    .unwrap_or_else(|| panic!("{shown}: retries spent at a step without retry"));
                assert_eq!(runs[i], r.max + 1, "{shown}: retries spent at `{}` too early", step.id);
                at = r.then;
                continue;
            }
            runs[i] += 1;
            assert!(runs[i] <= cap(i), "{shown}: `{}` runs {} times", step.id, runs[i]);
            at = match hop.by {
                Move::Next => {
                    assert!(step.waits, "{shown}");
                    step.next
                }
                Move::Continue => {
                    assert!(!step.waits, "{shown}");
                    step.next
                }
                Move::Own(k) => step.branches[k].target,
                Move::Global(g) => {
                    let b = &spec.global_branches[g];
                    assert!(
                        spec.branches_at(i).any(|x| std::ptr::eq(x, b)),
                        "{shown}: global branch {g} is not in force at `{}`",
                        step.id
                    );
                    b.target
                }
                Move::AskAgain => {
                    assert!(step.captures.iter().any(|&c| !spec.captures[c].optional), "{shown}");
                    Target::Step(i)
                }
                Move::RetriesSpent | Move::TransferFails => panic!("{shown}: {:?} at a step", hop.by),
            };
        } else {
            let At::Transfer(k) = hop.at else { unreachable!() };
            assert_eq!(hop.by, Move::TransferFails, "{shown}");
            at = spec.transfers[k].fallback;
        }
    }
    let want = match path.outcome {
        Outcome::End(c) => Target::End(c),
        Outcome::Transfer(k) => Target::Transfer(k),
    };
    assert_eq!(at, want, "{shown} does not reach its outcome");
}

#[test]
fn every_enumerated_path_is_a_walk_of_the_flow() {
    for name in SPECS {
        let c = compiled(name, &read(name));
        let spec = spec_of(&c);
        for events in [Events::SIMULATED, Events::ALL, Events::NONE] {
            let limits = Limits {
                events,
                ..Limits::default()
            };
            let found = paths::enumerate(spec, &limits);
            assert!(!found.paths.is_empty(), "{name}");
            for p in &found.paths {
                replay(spec, p, limits.max_visits);
            }
            // No path is listed twice.
            let unique: std::collections::HashSet<&Path> = found.paths.iter().collect();
            assert_eq!(unique.len(), found.paths.len(), "{name}");
        }
    }
}

#[test]
fn the_reference_spec_has_every_path_starting_with_the_plain_one() {
    let c = compiled("taishan", &read("specs/taishan_renewal.call"));
    let spec = spec_of(&c);
    let found = paths::enumerate(spec, &Limits::default());
    assert!(found.complete(), "{:?}", found.cut);
    assert_eq!(found.looped, 0);
    let shown: Vec<String> = found.paths.iter().map(|p| p.arrows(spec, 100)).collect();
    assert_eq!(
        shown[0],
        "greet → purpose → offer → options → benchmark → budget → details → needs → docs → wrap_up → end(all_answered)"
    );
    assert_eq!(
        found.paths[0].describe(spec, "张强", 4),
        "if 张强 replies at every step without a signal, the call ends (`all_answered`)"
    );
    for want in [
        "greet →(busy) docs →(busy) end(docs_by_email)",
        "greet →(not_now) end(declined)",
        "greet →(satisfied) wrap_up → end(all_answered)",
        "greet → purpose →(wants_channel) docs →(satisfied) wrap_up →(not_now) end(declined)",
    ] {
        assert!(shown.iter().any(|s| s == want), "{want} missing");
    }
    // Four global branches at eight steps, the two closing steps' own: every
    // signal at every step is on some path.
    for (i, step) in spec.steps.iter().enumerate() {
        let left: std::collections::HashSet<Move> = found
            .paths
            .iter()
            .flat_map(|p| p.hops.iter())
            .filter(|h| h.at == At::Step(i))
            .map(|h| h.by)
            .collect();
        let expected = 1 + spec.branches_at(i).count();
        assert_eq!(left.len(), expected, "step {}", step.id);
    }
    let p = found
        .paths
        .iter()
        .find(|p| p.arrows(spec, 100) == "greet →(busy) docs →(busy) end(docs_by_email)")
        .unwrap();
    assert_eq!(
        p.describe(spec, "张强", 4),
        "if 张强 gives `busy` at `greet`, then 张强 gives `busy` at `docs`, the call ends (`docs_by_email`)"
    );
}

#[test]
fn a_withheld_capture_is_asked_again_until_the_retries_are_spent() {
    let c = compiled("followup", &read("specs/zh_renewal_followup.call"));
    let spec = spec_of(&c);
    let found = paths::enumerate(spec, &Limits::default());
    assert!(found.complete());
    let shown: Vec<String> = found.paths.iter().map(|p| p.arrows(spec, 100)).collect();
    let want = "purpose → offer → ask_email →(asked again) ask_email →(asked again) ask_email →(asked again) ask_email →(retries spent) end(other_channel)";
    assert!(shown.iter().any(|s| s == want), "{want} missing");
    // Asking again is never mixed with giving the value later: that path
    // adds nothing to the one that gives it at once.
    assert!(!shown.iter().any(|s| s.contains("(asked again) ask_email → end")));
    let p = &found.paths[shown.iter().position(|s| s == want).unwrap()];
    assert_eq!(
        p.describe(spec, "张强", 4),
        "if 张强 keeps not giving `email` at `ask_email`, then `ask_email` runs out of retries, the call ends (`other_channel`)"
    );
    // An answering machine: the path starts with the event.
    let vm = found.paths.iter().find(|p| p.start.is_some()).unwrap();
    assert_eq!(vm.start_event(spec), Some(Event::Voicemail));
    assert_eq!(
        vm.arrows(spec, 100),
        "start →(voicemail) leave_message → end(voicemail_left)"
    );
    assert_eq!(
        vm.describe(spec, "张强", 4),
        "if an answering machine answers, the call ends (`voicemail_left`)"
    );
}

#[test]
fn hangups_and_unanswered_calls_are_followed_only_when_asked() {
    let c = compiled("followup", &read("specs/zh_renewal_followup.call"));
    let spec = spec_of(&c);
    let default = paths::enumerate(spec, &Limits::default());
    let all = paths::enumerate(
        spec,
        &Limits {
            events: Events::ALL,
            ..Limits::default()
        },
    );
    let none = paths::enumerate(
        spec,
        &Limits {
            events: Events::NONE,
            ..Limits::default()
        },
    );
    let ended_by = |ps: &paths::Paths, e: Event| ps.paths.iter().filter(|p| p.ended_by(spec) == Some(e)).count();
    assert_eq!(ended_by(&default, Event::Hangup), 0);
    assert_eq!(ended_by(&default, Event::NoAnswer), 0);
    assert!(ended_by(&all, Event::Hangup) > 0);
    assert_eq!(ended_by(&all, Event::NoAnswer), 1, "nobody answers: one path, no step");
    let silent = |ps: &paths::Paths| {
        ps.paths
            .iter()
            .filter(|p| {
                p.hops
                    .iter()
                    .any(|&h| Path::on(spec, h) == Some(On::Event(Event::Silence)))
            })
            .count()
    };
    assert!(silent(&default) > 0);
    assert_eq!(silent(&none), 0);
    assert!(none.paths.iter().all(|p| p.start.is_none()));
    assert!(none.paths.len() < default.paths.len() && default.paths.len() < all.paths.len());
}

#[test]
fn the_bounds_are_kept_and_said() {
    let c = compiled("broadband", &read("specs/zh_broadband_retention.call"));
    let spec = spec_of(&c);
    let few = paths::enumerate(
        spec,
        &Limits {
            max_paths: 10,
            ..Limits::default()
        },
    );
    assert_eq!(few.paths.len(), 10);
    assert_eq!(few.cut, Some(Bound::Paths(10)));
    let little = paths::enumerate(
        spec,
        &Limits {
            max_work: 500,
            ..Limits::default()
        },
    );
    assert_eq!(little.cut, Some(Bound::Work(500)));
    // Loops beyond the visit bound are dropped, not listed.
    let all = paths::enumerate(spec, &Limits::default());
    assert!(all.looped > 0);
    for p in &all.paths {
        replay(spec, p, 2);
    }

    // A flow of 10,000 steps and 100,000 global branches: the default
    // bounds stop the enumeration quickly, and the search is linear.
    let text = generate::listening(10_000, 100_000);
    let c = compiled("big", &text);
    let spec = spec_of(&c);
    let t = Instant::now();
    let big = paths::enumerate(spec, &Limits::default());
    let took = t.elapsed();
    assert!(big.cut.is_some());
    assert!(big.paths.len() <= 10_000);
    for p in big.paths.iter().take(200) {
        replay(spec, p, 2);
    }
    // Generous: the bench measures; this only catches a runaway walk.
    assert!(took.as_secs() < 30, "{took:?}");
    let reach = paths::search(
        spec,
        &Rules {
            events: Events::NONE,
            transfers_end: true,
            retries: true,
        },
        |_| false,
    );
    assert!(reach.outcomes().contains(&Outcome::End(Some(0))));
}

#[test]
fn the_search_finds_the_shortest_path_that_avoids_steps() {
    let c = compiled("taishan", &read("specs/taishan_renewal.call"));
    let spec = spec_of(&c);
    let terms = spec.concerns.iter().position(|c| c.id == "written_terms").unwrap();
    let rules = Rules {
        events: Events::NONE,
        transfers_end: false,
        retries: true,
    };
    let reach = paths::search(spec, &rules, |i| spec.steps[i].covers.contains(&terms));
    let shown: Vec<String> = reach
        .outcomes()
        .into_iter()
        .map(|o| reach.path_to(o).unwrap().arrows(spec, 100))
        .collect();
    assert_eq!(
        shown,
        [
            "greet →(not_now) end(declined)",
            "greet →(busy) docs →(busy) end(docs_by_email)",
            "greet →(busy) docs →(wants_channel) end(other_channel)",
            "greet →(satisfied) wrap_up → end(all_answered)",
        ]
    );
    let reached: Vec<&str> = (0..spec.steps.len())
        .filter(|&i| reach.reached_step(i))
        .map(|i| spec.steps[i].id.as_str())
        .collect();
    // `benchmark`, `budget` and `needs` are reached only through the steps avoided.
    assert_eq!(reached, ["greet", "purpose", "docs", "wrap_up"]);
}

/// The search's answer — some path reaches an outcome avoiding a set of
/// steps — is the enumeration's, on every spec whose paths are all listed.
#[test]
fn the_search_agrees_with_the_enumeration() {
    for name in SPECS {
        let c = compiled(name, &read(name));
        let spec = spec_of(&c);
        let limits = Limits {
            events: Events::NONE,
            max_visits: 3,
            ..Limits::default()
        };
        let found = paths::enumerate(spec, &limits);
        if !found.complete() {
            continue;
        }
        let rules = Rules {
            events: Events::NONE,
            transfers_end: true,
            retries: true,
        };
        // Avoid each step in turn, and each concern's covering steps.
        let mut avoid_sets: Vec<Vec<usize>> = (0..spec.steps.len()).map(|i| vec![i]).collect();
        avoid_sets.extend(spec.concerns.iter().map(|c| c.steps.clone()));
        for avoid in avoid_sets {
            let reach = paths::search(spec, &rules, |i| avoid.contains(&i));
            let mut by_search = reach.outcomes();
            by_search.sort();
            let mut by_enumeration: Vec<Outcome> = found
                .paths
                .iter()
                .filter(|p| !p.steps().any(|i| avoid.contains(&i)))
                .map(|p| p.outcome)
                .collect();
            by_enumeration.sort();
            by_enumeration.dedup();
            assert_eq!(by_search, by_enumeration, "{name}, avoiding {avoid:?}");
            for o in by_search {
                let p = reach.path_to(o).unwrap();
                assert!(!p.steps().any(|i| avoid.contains(&i)));
                assert_eq!(p.outcome, o);
            }
        }
    }
}

#[test]
fn cjk_emoji_and_crlf_specs_have_their_paths_in_their_own_words() {
    let text = "call 提醒 {\r\n  locale \"zh-CN\"\r\n  caller 李明 { name \"李明\" }\r\n  callee 张强 { name \"张强😀\" }\r\n  signal 忙 \"张强很忙\" { example \"我在开会🙏\" }\r\n  flow {\r\n    on voicemail -> end(留言)\r\n    step 开场 \"开场\" { say \"您好😀\" on 忙 -> end(改天) }\r\n    step 报价 \"报价\" { say \"八折\" -> end(成交) }\r\n  }\r\n  end {\r\n    when 成交 \"成交\"\r\n    when 改天 \"改天\"\r\n    when 留言 \"留言\"\r\n    closing \"再见\"\r\n  }\r\n}\r\n";
    let c = compiled("crlf.call", text);
    let spec = spec_of(&c);
    let found = paths::enumerate(spec, &Limits::default());
    let shown: Vec<String> = found.paths.iter().map(|p| p.arrows(spec, 100)).collect();
    assert_eq!(
        shown,
        [
            "开场 → 报价 → end(成交)",
            "开场 →(忙) end(改天)",
            "start →(voicemail) end(留言)"
        ]
    );
    assert_eq!(
        found.paths[1].describe(spec, "张强😀", 4),
        "if 张强😀 gives `忙` at `开场`, the call ends (`改天`)"
    );
}

/// A move at any reachable step, composed with the shortest way to the
/// step and the shortest way on (as the covering scenario sets do, with
/// the search not taking retries), is a walk of the flow; and `moves_at` offers exactly the moves the
/// enumeration takes there.
#[test]
fn moves_compose_into_walks() {
    for name in SPECS {
        let c = compiled(name, &read(name));
        let spec = spec_of(&c);
        let rules = Rules {
            events: Events::SIMULATED,
            transfers_end: true,
            retries: false,
        };
        let reach = paths::search(spec, &rules, |_| false);
        let found = paths::enumerate(spec, &Limits::default());
        for i in 0..spec.steps.len() {
            let Some((start, prefix)) = reach.route_to_step(i) else {
                continue;
            };
            let moves = paths::moves_at(spec, i, Events::SIMULATED);
            if found.complete() {
                let taken: std::collections::HashSet<Move> = found
                    .paths
                    .iter()
                    .flat_map(|p| &p.hops)
                    .filter(|h| h.at == At::Step(i))
                    .map(|h| h.by)
                    .collect();
                let offered: std::collections::HashSet<Move> = moves.iter().map(|(m, _)| *m).collect();
                assert!(taken.is_subset(&offered), "{name}: {}", spec.steps[i].id);
            }
            for (by, target) in moves {
                if by == Move::RetriesSpent {
                    continue; // takes a loop the search does not show
                }
                let mut hops = prefix.clone();
                hops.push(paths::Hop { at: At::Step(i), by });
                let outcome = match target {
                    Target::End(c) => Outcome::End(c),
                    Target::Transfer(k) => Outcome::Transfer(k),
                    Target::Step(j) => {
                        let on = paths::search_from(spec, &rules, j, |_| false);
                        let rest = on.path_to(on.outcomes()[0]).unwrap();
                        assert_eq!(rest.hops[0].at, At::Step(j));
                        hops.extend(rest.hops);
                        rest.outcome
                    }
                };
                let p = Path { start, hops, outcome };
                replay(spec, &p, u8::MAX);
            }
        }
    }
}
