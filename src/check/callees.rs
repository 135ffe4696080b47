//! Several callees: each callee's `extends` resolved (E0102 for an unknown
//! one, E0114 for a cycle), and each built whole — what it does not write
//! itself taken from the callee it extends, its texts rendered as its own
//! (a base's `{callee.name}` names the callee that inherits it).

use crate::ast::{self, PartyKind};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::ir;

use super::Checker;
use super::fields::Collected;
use super::render::Renderer;
use super::resolve::{Named, Names};
use super::symbols::Kind;

impl<'a> Checker<'a> {
    /// The callee each callee extends, by index; `None` for none, an
    /// unknown one (E0102) or one that would close a cycle (E0114).
    pub(super) fn bases(&mut self, callees: &[&'a ast::Party], names: &Names<'_>) -> Vec<Option<usize>> {
        let mut bases: Vec<Option<usize>> = callees
            .iter()
            .map(|p| {
                let base = p.extends.as_ref()?;
                self.resolve(
                    base,
                    Kind::Callee,
                    &names.callees,
                    &Named("`extends` of callee", &p.id.name),
                )
            })
            .collect();
        // Follow each chain; a chain that comes back to where it started is
        // a cycle, reported once, at the `extends` that closes it.
        for i in 0..bases.len() {
            let mut chain = vec![i];
            let mut at = bases[i];
            while let Some(b) = at {
                if b == i {
                    let names: Vec<&str> = chain.iter().map(|&c| callees[c].id.name.as_str()).collect();
                    let Some(base) = &callees[i].extends else { break };
                    let message = if chain.len() == 1 {
                        format!("callee `{}` extends itself", callees[i].id.name)
                    } else {
                        format!(
                            "callee `{}` extends itself through {}",
                            callees[i].id.name,
                            names[1..].join(" → ")
                        )
                    };
                    self.diags.push(
                        Diagnostic::new(Code::E0114, base.span, message)
                            .label("this `extends` closes a cycle")
                            .note(format!("the chain is {} → {}", names.join(" → "), callees[i].id.name))
                            .help("one callee of the chain must stand on its own: remove its `extends`"),
                    );
                    bases[i] = None;
                    break;
                }
                if chain.contains(&b) || chain.len() > callees.len() {
                    break;
                }
                chain.push(b);
                at = bases[b];
            }
        }
        bases
    }

    /// Every callee, whole: its own parts (checked, with their diagnostics)
    /// over what it inherits (rendered again as its own, silently).
    pub(super) fn callees(
        &mut self,
        r: &mut Renderer<'_>,
        callees: &[&'a ast::Party],
        fields: &[Collected<'_>],
        bases: &[Option<usize>],
        names: &Names<'_>,
    ) -> Vec<ir::Party> {
        let mut own = Vec::with_capacity(callees.len());
        for (i, p) in callees.iter().enumerate() {
            r.set_scope(Some(i));
            let inherits = bases[i].is_some();
            own.push(self.party(r, Some(p), fields.get(i), PartyKind::Callee, names, inherits));
        }
        let mut out = Vec::with_capacity(callees.len());
        for (i, mut party) in own.into_iter().enumerate() {
            let mut base = bases[i];
            let mut hops = 0;
            while let Some(b) = base
                && hops < callees.len()
            {
                r.set_scope(Some(i));
                r.muted = true;
                let quiet = self.diags.sibling();
                let diags = std::mem::replace(&mut self.diags, quiet);
                let symbols = std::mem::take(&mut self.symbols);
                let inherited = self.party(r, Some(callees[b]), fields.get(b), PartyKind::Callee, names, true);
                self.diags = diags;
                self.symbols = symbols;
                r.muted = false;
                inherit(&mut party, inherited);
                base = bases[b];
                hops += 1;
            }
            party.extends = bases[i];
            out.push(party);
        }
        r.set_scope(None);
        out
    }
}

/// Fills in what `party` does not say itself from `base`: each field it
/// does not give, each `background` label and concern it does not restate
/// (the base's first, in the base's order), and the whole `style` and
/// `behavior` when it gives none.
fn inherit(party: &mut ir::Party, base: ir::Party) {
    if party.name.is_empty() {
        party.name = base.name;
    }
    party.gender = party.gender.take().or(base.gender);
    party.age = party.age.or(base.age);
    party.org = party.org.take().or(base.org);
    party.role = party.role.take().or(base.role);
    party.persona = party.persona.take().or(base.persona);
    party.task = party.task.take().or(base.task);
    if party.behavior.is_empty() {
        party.behavior = base.behavior;
    }
    let style = &party.style;
    if style.note.is_none() && style.avoid.is_empty() && style.prefer.is_empty() {
        party.style = base.style;
    }
    let mut background = Vec::with_capacity(base.background.len() + party.background.len());
    for (label, value) in base.background {
        let own = party.background.iter().position(|(l, _)| *l == label);
        background.push(match own {
            Some(k) => party.background.remove(k),
            None => (label, value),
        });
    }
    background.append(&mut party.background);
    party.background = background;
    let mut concerns = Vec::with_capacity(base.concerns.len() + party.concerns.len());
    for stance in base.concerns {
        let own = party.concerns.iter().position(|s| s.concern == stance.concern);
        concerns.push(match own {
            Some(k) => party.concerns.remove(k),
            None => stance,
        });
    }
    concerns.append(&mut party.concerns);
    party.concerns = concerns;
}
