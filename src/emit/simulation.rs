//! What a simulator is told about one scenario of the scenario set
//! ([`scenarios::model`](crate::emit::scenarios::model)): who the simulated
//! callee is, what to do at each moment of the path, and what the agent under
//! test must do for the run to pass: the one owner of those words for the
//! simulator targets, `pipecat-evals` (persona, goal, success) and `livekit`
//! (instructions, agent expectations), which differ only in the [`Runtime`] words: how the
//! simulated person hangs up, how it stays silent, and whether it can speak
//! first.
//!
//! The framing is English (it instructs the simulator's LLM and its judge,
//! as the vendors' own instruction templates do); every text of the spec is
//! quoted as written, in the spec's language, and the simulated person is
//! told to speak only that language. Nothing here re-derives paths: each
//! sentence comes from a field of the scenario set.

use std::fmt::Write as _;

use crate::emit::prompt::Template;
use crate::emit::scenarios::{
    Action, Give, Moment, OutcomeModel, Persona, Priority, Scenario, ScenarioSet, Speaker, Start,
};
use crate::ir::{self, Language};
use crate::layout::layout;

/// How a simulator's simulated person acts, in its runtime's words.
pub struct Runtime {
    /// How it hangs up ("call the `end_call` tool").
    pub hang_up: &'static str,
    /// How it stays silent for a turn ("send no reply at all").
    pub stay_silent: &'static str,
    /// Whether the simulated person can speak before the agent does (a
    /// Pipecat Evals persona only ever answers the bot's turns).
    pub speaks_first: bool,
}

/// Every text of the scenario set goes through the target's [`Template`]
/// on its way into the output: `quote` and `say` below, and the callers'
/// own field values.
struct Words<'a> {
    template: &'a dyn Template,
    quotes: [&'static str; 2],
}

impl Words<'_> {
    /// A spec's text, through the template.
    fn say(&self, s: &str) -> String {
        self.template.literal(s)
    }

    /// A line said, in the locale's quotation marks.
    fn quote(&self, s: &str) -> String {
        format!("{}{}{}", self.quotes[0], self.say(s), self.quotes[1])
    }

    /// Lines said one after the other, as one quotation.
    fn quote_all(&self, lines: &[String]) -> String {
        self.quote(&lines.join(" "))
    }
}

/// The name of the set's language, for "speak only …".
#[must_use]
pub fn language_name(set: &ScenarioSet) -> String {
    match (Language::of(&set.locale), ir::primary_language(&set.locale).as_str()) {
        (Language::Chinese, _) => format!("Chinese (the call's locale is {})", set.locale),
        (_, "en") => format!("English (the call's locale is {})", set.locale),
        _ => format!("the language of the locale {}", set.locale),
    }
}

/// How the caller is introduced: `李明 (老客户回馈活动专员, 长江公司)`.
fn caller(set: &ScenarioSet, w: &Words) -> String {
    let c = &set.caller;
    let about: Vec<String> = [c.role.as_deref(), c.org.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .map(|s| w.say(s))
        .collect();
    if about.is_empty() {
        w.say(&c.name)
    } else {
        format!("{} ({})", w.say(&c.name), about.join(", "))
    }
}

/// Who the simulated callee is: everything of the persona but where the
/// path answers its concerns, so it is the same for every path of one
/// callee. Ends with the outbound direction, the first speaker and the
/// language.
#[must_use]
pub fn persona(set: &ScenarioSet, p: &Persona, runtime: &Runtime, template: &dyn Template) -> String {
    let w = words_of(set, template);
    let mut out = String::new();
    let mut who: Vec<String> = vec![w.say(&p.name)];
    who.extend(p.gender.as_deref().map(|g| w.say(g)));
    who.extend(p.age.map(|a| format!("{a} years old")));
    who.extend(p.role.as_deref().map(|r| w.say(r)));
    who.extend(p.org.as_deref().map(|o| w.say(o)));
    let _ = writeln!(out, "You are {}.", who.join(", "));
    if let Some(prose) = p.persona.as_deref().filter(|s| !s.trim().is_empty()) {
        let _ = writeln!(out, "{}", w.say(prose));
    }
    if !p.background.is_empty() {
        out.push_str("\nBackground:\n");
        for e in &p.background {
            let _ = writeln!(out, "- {}: {}", w.say(&e.label), w.say(&e.value));
        }
    }
    if !p.behavior.is_empty() {
        out.push_str("\nHow you behave on calls like this:\n");
        for b in &p.behavior {
            let _ = writeln!(out, "- {}", w.say(b));
        }
    }
    if p.style.note.is_some() || !p.style.prefer.is_empty() || !p.style.avoid.is_empty() {
        out.push_str("\nHow you talk");
        if let Some(note) = p.style.note.as_deref() {
            let _ = write!(out, " ({})", w.say(note));
        }
        out.push_str(":\n");
        if !p.style.prefer.is_empty() {
            out.push_str("Sound like these lines (imitate their feel, not their content):\n");
            for s in &p.style.prefer {
                let _ = writeln!(out, "- {}", w.quote(s));
            }
        }
        if !p.style.avoid.is_empty() {
            out.push_str("Never sound like these lines:\n");
            for s in &p.style.avoid {
                let _ = writeln!(out, "- {}", w.quote(s));
            }
        }
    }
    if !p.concerns.is_empty() {
        out.push_str(
            "\nWhat is on your mind, most important first (raise a concern where it fits; \
             a question the caller answers does not change the course of the call):\n",
        );
        for c in &p.concerns {
            let priority = match c.priority {
                Priority::Primary => "primary",
                Priority::Secondary => "secondary",
                Priority::Latent => "latent, you may keep it to yourself",
            };
            let _ = writeln!(out, "- ({priority}) {}", w.say(&c.text));
        }
    }
    let signals = signals(set);
    if !signals.is_empty() {
        out.push_str(
            "\nUnless the course of the call tells you to, never say anything that means one of these signals \
             (each changes what the caller does next):\n",
        );
        for (id, meaning) in signals {
            let _ = writeln!(out, "- {}: {}", w.say(id), w.say(meaning));
        }
    }
    let _ = write!(
        out,
        "\nThis is an outbound phone call: you did not place it and did not expect it. \
         Your phone rang and you picked up; {} is calling you, you are not calling them. ",
        caller(set, &w)
    );
    out.push_str(&answering(set, runtime));
    let _ = writeln!(
        out,
        "\nSpeak only {}, including any greeting and goodbye, as on a real phone call: \
         one short spoken turn at a time, in plain sentences, with no lists, markdown, emoji or stage directions.",
        language_name(set)
    );
    out
}

/// Who speaks first, from the simulated person's side.
fn answering(set: &ScenarioSet, runtime: &Runtime) -> String {
    let hello = match Language::of(&set.locale) {
        Language::Chinese => "“喂？”",
        Language::English => "“Hello?”",
    };
    match (set.first_speaker, runtime.speaks_first) {
        (Speaker::Callee, true) => format!(
            "When the line connects, speak first, as you answer your phone (for example {hello}); then let the caller speak."
        ),
        (Speaker::Callee, false) => {
            format!("You have already picked up and answered ({hello}); the caller speaks next.")
        }
        (Speaker::Caller, _) => "As soon as you pick up, the caller speaks first: listen, then reply.".to_owned(),
    }
}

/// Who to play when an answering machine answers (the `voicemail` start).
#[must_use]
pub fn answering_machine(set: &ScenarioSet, p: &Persona, template: &dyn Template) -> String {
    let w = words_of(set, template);
    let greeting = match Language::of(&set.locale) {
        Language::Chinese => "您好，我现在不方便接听，请在提示音后留言。",
        Language::English => "Hi, I can't take your call right now. Please leave a message after the tone.",
    };
    format!(
        "You are not a person: you are the answering machine of {}. {} placed this outbound call; \
         when the line connects, play your greeting {} and then stay silent while the caller leaves a message. \
         Never answer questions and never hold a conversation. Speak only {}.\n",
        w.say(&p.name),
        caller(set, &w),
        w.quote(greeting),
        language_name(set)
    )
}

fn words_of<'a>(set: &ScenarioSet, template: &'a dyn Template) -> Words<'a> {
    Words {
        template,
        quotes: layout(&set.locale).quotes,
    }
}

/// What to give: `email (张强接收资料的邮箱地址, type email)`; told to the
/// callee, an optional one "may be left out", told to the judge it is
/// "optional".
fn gives(g: &[Give], w: &Words, to_callee: bool) -> String {
    g.iter()
        .map(|g| {
            let optional = match (g.optional, to_callee) {
                (false, _) => "",
                (true, true) => ", you may leave it out",
                (true, false) => ", optional",
            };
            format!(
                "{} ({}, type {}{optional})",
                w.say(&g.capture),
                w.say(&g.description),
                w.say(&g.kind)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the simulated callee does, moment by moment, then how the call ends
/// for it; and which signals never to give unless told.
#[must_use]
pub fn course(set: &ScenarioSet, scenario: &Scenario, runtime: &Runtime, template: &dyn Template) -> String {
    let words = words_of(set, template);
    let machine = scenario.start == Start::Voicemail;
    let mut out = String::from(if machine {
        "Play the call through exactly as follows, saying nothing but your greeting.\n"
    } else {
        "You want nothing from this call: you did not place it. Play it through exactly as follows, one caller turn at a time.\n"
    });
    let mut number = 0;
    let mut hung_up = false;
    let mut handed_over = false;
    for m in &scenario.moments {
        let item = match m {
            Moment::Turn {
                caller_says,
                waits,
                callee,
                ..
            } => {
                let when = if caller_says.is_empty() {
                    "At the caller's next turn".to_owned()
                } else {
                    format!("When the caller says {}", words.quote_all(caller_says))
                };
                match callee {
                    None if !waits => format!("{when}, they go straight on without waiting for you: just listen."),
                    None => format!("{when}: just listen."),
                    Some(Action::Reply { gives: g }) if g.is_empty() => {
                        format!("{when}: reply in character, giving no signal.")
                    }
                    Some(Action::Reply { gives: g }) => format!(
                        "{when}: reply in character, giving no signal, and give {} (make up plausible values).",
                        gives(g, &words, true)
                    ),
                    Some(Action::Signal {
                        signal,
                        description,
                        examples,
                    }) => {
                        let meaning = description.as_deref().unwrap_or(signal);
                        let mut text = format!(
                            "{when}: say, in your own words, something that means: {} (the signal {})",
                            words.say(meaning),
                            words.say(signal)
                        );
                        if !examples.is_empty() {
                            let e: Vec<String> = examples.iter().map(|e| words.quote(e)).collect();
                            let _ = write!(text, "; for example {}", e.join(" or "));
                        }
                        text.push('.');
                        text
                    }
                    Some(Action::Silence { seconds }) => format!(
                        "{when}: say nothing at all for at least {seconds} seconds ({}); then let the caller speak again.",
                        runtime.stay_silent
                    ),
                    Some(Action::Hangup) => {
                        hung_up = true;
                        format!("{when}: hang up at once, without another word ({}).", runtime.hang_up)
                    }
                    Some(Action::Withhold { captures }) => {
                        let c: Vec<String> = captures.iter().map(|c| words.say(c)).collect();
                        format!(
                            "{when}: reply, but do not give {} yet (dodge the question); the caller will ask again.",
                            c.join(", ")
                        )
                    }
                }
            }
            // The caller's side only: nothing for the callee to do.
            Moment::RetriesSpent { .. } => continue,
            Moment::Transfer {
                transfer,
                title,
                caller_says,
                succeeds,
            } => {
                let to = words.say(title.as_deref().unwrap_or(transfer));
                if *succeeds {
                    handed_over = true;
                    format!(
                        "The caller says {} and hands you over to {to}: once the hand-over is announced, this call is over for you; {}.",
                        words.quote(caller_says),
                        runtime.hang_up
                    )
                } else {
                    format!(
                        "The caller says {} and tries to hand you over to {to}; the hand-over fails and the caller goes on with you.",
                        words.quote(caller_says)
                    )
                }
            }
        };
        number += 1;
        let _ = writeln!(out, "{number}. {item}");
    }
    if !hung_up && !handed_over {
        let _ = writeln!(
            out,
            "{}. When the caller says goodbye (something like {}), {}, and not before.",
            number + 1,
            words.quote(&set.closing),
            runtime.hang_up
        );
    }
    out.push_str(if machine {
        "Whatever else the caller says, stay silent.\n"
    } else {
        "If the caller says something this course does not mention, answer briefly and in character, and go on with the course.\n"
    });
    out
}

/// Every signal some scenario of the set gives, with what it means, in
/// order of first appearance.
fn signals(set: &ScenarioSet) -> Vec<(&str, &str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for s in &set.scenarios {
        for m in &s.moments {
            if let Moment::Turn {
                callee: Some(Action::Signal {
                    signal, description, ..
                }),
                ..
            } = m
                && !out.iter().any(|(id, _)| id == signal)
            {
                out.push((signal, description.as_deref().unwrap_or(signal)));
            }
        }
    }
    out
}

/// What the agent under test must do for a run of the scenario to pass:
/// the lines of each step in order, how it reacts to what the callee does,
/// how the call ends, what it records, which concerns its lines address.
#[must_use]
pub fn expectations(set: &ScenarioSet, scenario: &Scenario, template: &dyn Template) -> String {
    let words = words_of(set, template);
    let callee = words.say(&scenario.persona.name);
    let mut out = format!(
        "The agent is {}. It placed this outbound call to {callee} and follows its script, in this order:\n",
        caller(set, &words)
    );
    let mut number = 0;
    let mut item = |out: &mut String, text: String| {
        number += 1;
        let _ = writeln!(out, "{number}. {text}");
    };
    match scenario.start {
        Start::Answered => {}
        Start::Voicemail => item(
            &mut out,
            format!(
                "An answering machine answers instead of {callee}: the agent must notice it is talking to a machine."
            ),
        ),
        Start::NoAnswer => item(&mut out, "Nobody answers: the call never connects.".to_owned()),
    }
    // An answering machine or no answer takes the start branch instead of the opening.
    if let (Some(opening), Start::Answered) = (set.opening.as_deref(), scenario.start) {
        let after = match set.first_speaker {
            Speaker::Callee => format!("After {callee} picks up and answers, it"),
            Speaker::Caller => "It".to_owned(),
        };
        item(&mut out, format!("{after} opens with {}.", words.quote(opening)));
    }
    for m in &scenario.moments {
        let text = match m {
            Moment::Turn {
                step,
                title,
                caller_says,
                callee: action,
                ..
            } => {
                let at = match title {
                    Some(t) => format!("Step {} ({})", words.say(step), words.say(t)),
                    None => format!("Step {}", words.say(step)),
                };
                let says = if caller_says.is_empty() {
                    "it says nothing new".to_owned()
                } else {
                    format!("it says, in substance, {}", words.quote_all(caller_says))
                };
                let then = match action {
                    None => String::new(),
                    Some(Action::Reply { gives: g }) if g.is_empty() => {
                        format!("; {callee} replies without a signal")
                    }
                    Some(Action::Reply { gives: g }) => {
                        format!("; {callee} replies and gives {}", gives(g, &words, false))
                    }
                    Some(Action::Signal {
                        signal, description, ..
                    }) => format!(
                        "; {callee} gives the signal {} ({})",
                        words.say(signal),
                        words.say(description.as_deref().unwrap_or(signal))
                    ),
                    Some(Action::Silence { seconds }) => format!("; {callee} says nothing for {seconds} seconds"),
                    Some(Action::Hangup) => format!("; {callee} hangs up"),
                    Some(Action::Withhold { captures }) => {
                        let c: Vec<String> = captures.iter().map(|c| words.say(c)).collect();
                        format!("; {callee} does not give {}, so the agent asks again", c.join(", "))
                    }
                };
                format!("{at}: {says}{then}.")
            }
            Moment::RetriesSpent { step } => format!(
                "The call comes back to step {} after it ran as often as its retry allows: the agent moves on as its script says instead of asking again.",
                words.say(step)
            ),
            Moment::Transfer {
                transfer,
                title,
                caller_says,
                succeeds,
            } => {
                let to = words.say(title.as_deref().unwrap_or(transfer));
                if *succeeds {
                    format!(
                        "It says {} and hands the call to {to} (transfer {}).",
                        words.quote(caller_says),
                        words.say(transfer)
                    )
                } else {
                    format!(
                        "It says {} and tries to hand the call to {to} (transfer {}); the transfer fails and it goes on.",
                        words.quote(caller_says),
                        words.say(transfer)
                    )
                }
            }
        };
        item(&mut out, text);
    }
    let ended_by_hangup = scenario.success.ended_by == Some(crate::emit::scenarios::Event::Hangup);
    match &scenario.success.outcome {
        OutcomeModel::End {
            condition,
            caller: reason,
            ..
        } => {
            let at = match (condition, reason) {
                (Some(id), Some(reason)) => format!("end condition {} ({})", words.say(id), words.say(reason)),
                (Some(id), None) => format!("end condition {}", words.say(id)),
                (None, _) => "a plain end".to_owned(),
            };
            if ended_by_hangup {
                let _ = writeln!(
                    out,
                    "The call ends there, at {at}, with no closing line: nobody is on the line."
                );
            } else {
                let _ = writeln!(
                    out,
                    "The call ends at {at}: the agent says its closing line, in substance {}, and ends the call.",
                    words.quote(&set.closing)
                );
            }
        }
        OutcomeModel::Transfer { transfer, title } => {
            let to = words.say(title.as_deref().unwrap_or(transfer));
            let _ = writeln!(
                out,
                "The call ends with the hand-over to {to}: the agent says no closing line after it."
            );
        }
    }
    if !scenario.success.captures.is_empty() {
        let c: Vec<String> = scenario.success.captures.iter().map(|c| words.say(c)).collect();
        let _ = writeln!(out, "It records what {callee} gave: {}.", c.join(", "));
    }
    let answered: Vec<String> = scenario
        .persona
        .concerns
        .iter()
        .filter(|c| scenario.success.concerns_answered.contains(&c.id))
        .map(|c| format!("{} ({})", words.say(&c.id), words.say(&c.text)))
        .collect();
    if !answered.is_empty() {
        let _ = writeln!(
            out,
            "Its lines address these concerns of {callee}: {}.",
            answered.join("; ")
        );
    }
    let _ = writeln!(
        out,
        "Throughout, it speaks only {}, one spoken turn at a time, and never treats {callee} as the one who placed the call.",
        language_name(set)
    );
    out
}

/// The callee's turns that say something (a reply, a signal, a withheld
/// capture): what a simulator's turn cap counts.
#[must_use]
pub fn spoken_turns(s: &Scenario) -> usize {
    s.moments
        .iter()
        .filter(|m| {
            matches!(
                m,
                Moment::Turn {
                    callee: Some(Action::Reply { .. } | Action::Signal { .. } | Action::Withhold { .. }),
                    ..
                }
            )
        })
        .count()
}

/// The moments at which the callee stays silent.
#[must_use]
pub fn silences(s: &Scenario) -> usize {
    s.moments
        .iter()
        .filter(|m| {
            matches!(
                m,
                Moment::Turn {
                    callee: Some(Action::Silence { .. }),
                    ..
                }
            )
        })
        .count()
}

/// The transfers that fail on the path, in order, each once.
#[must_use]
pub fn failed_transfers(s: &Scenario) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for m in &s.moments {
        if let Moment::Transfer {
            transfer,
            succeeds: false,
            ..
        } = m
            && !out.contains(&transfer.as_str())
        {
            out.push(transfer);
        }
    }
    out
}

/// A line of a YAML comment: line breaks (which would end the comment)
/// become spaces.
#[must_use]
pub fn comment(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}
