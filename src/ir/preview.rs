//! Previews: the spec with every per-call variable filled in with its
//! sample (its `example`, else its `default`), said as the spec's locale
//! says it — what `callc build --preview` compiles, and what simulations
//! play.

use super::{EndCondition, Party, Qa, Signal, Spec, Step, Style, Text, Transfer, VarRef};

impl Spec {
    /// The spec with each variable that has a sample replaced by it, said
    /// for the spec's language (`2026-12-31` → 12月31日 / December 31);
    /// variables without one stay variables.
    #[must_use]
    pub fn preview(&self) -> Spec {
        let language = self.language();
        let said: Vec<Option<String>> = self
            .vars
            .iter()
            .map(|v| {
                let sample = v.sample()?;
                Some(
                    v.kind
                        .parse(sample)
                        .map_or_else(|_| sample.to_owned(), |x| x.spoken(language)),
                )
            })
            .collect();
        let value = |v: &VarRef| said.get(v.index).cloned().flatten();
        let mut out = self.clone();
        out.for_each_text_mut(&mut |t| *t = t.fill(&value));
        out
    }

    /// Calls `f` on every text of the spec that may name a variable. Every
    /// IR struct is destructured in full, so that a text added to the IR
    /// fails to compile here until previews fill it.
    pub fn for_each_text_mut(&mut self, f: &mut impl FnMut(&mut Text)) {
        let Spec {
            id: _,
            title: _,
            locale: _,
            caller,
            callees,
            concerns: _,
            signals,
            vars: _,
            first_speaker: _,
            silence_timeout: _,
            silence_timeout_explicit: _,
            opening,
            steps,
            global_branches: _,
            faq,
            ends,
            transfers,
            captures: _,
            closing,
        } = self;
        party(caller, f);
        for p in callees {
            party(p, f);
        }
        for Signal {
            id: _,
            description,
            examples: _,
        } in signals
        {
            description.iter_mut().for_each(&mut *f);
        }
        opening.iter_mut().for_each(&mut *f);
        for Step {
            id: _,
            title: _,
            lines,
            covers: _,
            waits: _,
            captures: _,
            retry: _,
            next: _,
            next_explicit: _,
            branches: _,
            overrides: _,
        } in steps
        {
            lines.iter_mut().for_each(&mut *f);
        }
        for Qa {
            id: _,
            questions,
            answer,
            covers: _,
        } in faq
        {
            questions.iter_mut().for_each(&mut *f);
            f(answer);
        }
        for EndCondition {
            id: _,
            caller,
            callee,
            requires: _,
        } in ends
        {
            caller.iter_mut().chain(callee.iter_mut()).for_each(&mut *f);
        }
        for Transfer {
            id: _,
            title: _,
            say,
            to,
            fallback: _,
            requires: _,
        } in transfers
        {
            f(say);
            to.iter_mut().for_each(&mut *f);
        }
        f(closing);
    }
}

fn party(p: &mut Party, f: &mut impl FnMut(&mut Text)) {
    let Party {
        id: _,
        name,
        gender: _,
        age: _,
        org,
        role,
        persona,
        task,
        knows,
        background,
        behavior,
        style: Style { note, avoid, prefer },
        concerns,
        extends: _,
    } = p;
    f(name);
    for t in [org, role, persona, task, note].into_iter().flat_map(Option::iter_mut) {
        f(t);
    }
    for (_, t) in knows.iter_mut().chain(background.iter_mut()) {
        f(t);
    }
    behavior
        .iter_mut()
        .chain(avoid.iter_mut())
        .chain(prefer.iter_mut())
        .for_each(&mut *f);
    for s in concerns {
        f(&mut s.text);
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Need, Spec, Text, ValueType, Var, VarRef};

    fn var(id: &str, kind: ValueType, example: Option<&str>, need: Need) -> Var {
        Var {
            id: id.to_owned(),
            kind,
            need,
            example: example.map(str::to_owned),
            pii: false,
            description: None,
        }
    }

    #[test]
    fn variables_are_filled_and_said_for_the_locale() {
        let mut spec = Spec {
            locale: "zh-CN".to_owned(),
            vars: vec![
                var("end", ValueType::Date, Some("2026-12-31"), Need::Required),
                var("discount", ValueType::Percent, None, Need::Default("8".to_owned())),
                var("callback", ValueType::Phone, None, Need::Optional),
            ],
            ..Spec::default()
        };
        let mut t = Text::lit("合同");
        for (index, id) in ["end", "discount", "callback"].into_iter().enumerate() {
            t.push_var(VarRef {
                index,
                id: id.to_owned(),
            });
            t.push_str("，");
        }
        spec.closing = t;
        let p = spec.preview();
        assert_eq!(p.closing.to_string(), "合同12月31日，8%，{{callback}}，");
        spec.locale = "en".to_owned();
        assert_eq!(
            spec.preview().closing.to_string(),
            "合同December 31，8%，{{callback}}，"
        );
    }
}
